package shm.personality.rtx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The map of RTX handle values ({@link HandleValues}): it answers as a map does whatever its cache holds (a value
 * read, then removed, replaced or put again, answers the map's state; values that share a cache slot answer each their
 * own), and a value read again answers without allocating (a map keyed by {@code Long} boxes every value from 0x100);
 * a reading stays current until the map changes, whichever value changed, and a reading made again then names the
 * map's value.
 */
class HandleValuesTest {

    private static final long FIRST = 0x100;
    /** A value that shares the cache slot of {@link #FIRST}. */
    private static final long SAME_SLOT = FIRST + 4L * HandleValues.CACHE_SLOTS;

    @Test
    void answersAsTheMapDoesAfterEveryChangeOfAValueReadBefore() {
        HandleValues<String> values = new HandleValues<>();
        values.put(FIRST, "a");
        assertEquals("a", values.get(FIRST));
        assertEquals("a", values.get(FIRST), "read again, from the cache");

        assertTrue(values.replace(FIRST, "a", "b"));
        assertEquals("b", values.get(FIRST));
        assertFalse(values.replace(FIRST, "a", "c"), "no longer names a");
        assertEquals("b", values.get(FIRST));

        assertFalse(values.remove(FIRST, "a"));
        assertEquals("b", values.get(FIRST));
        assertTrue(values.remove(FIRST, "b"));
        assertNull(values.get(FIRST), "removed after it was cached");

        values.put(FIRST, "c");
        assertEquals("c", values.get(FIRST));
        assertEquals("c", values.remove(FIRST));
        assertNull(values.get(FIRST));
        assertEquals(0, values.size());
    }

    @Test
    void valuesThatShareACacheSlotAnswerEachTheirOwn() {
        HandleValues<String> values = new HandleValues<>();
        values.put(FIRST, "first");
        values.put(SAME_SLOT, "same slot");
        for (int i = 0; i < 3; i++) {
            assertEquals("first", values.get(FIRST));
            assertEquals("same slot", values.get(SAME_SLOT));
        }
        assertTrue(values.remove(SAME_SLOT, "same slot"));
        assertEquals("first", values.get(FIRST));
        assertNull(values.get(SAME_SLOT));
        assertEquals(List.of(FIRST), List.copyOf(values.sorted().keySet()));
    }

    @Test
    void aValueReadAgainAllocatesNothing() {
        HandleValues<String> values = new HandleValues<>();
        values.put(FIRST + 40, "event");
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().threadId();
        String found = values.get(FIRST + 40);
        long before = threads.getThreadAllocatedBytes(thread);
        for (int i = 0; i < 10_000; i++) {
            found = values.get(FIRST + 40);
        }
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        assertSame("event", found);
        // A map keyed by Long would allocate 16 bytes per read: 160,000 here.
        assertTrue(allocated < 1024, "10,000 reads allocated " + allocated + " bytes");
    }

    @Test
    void aReadingIsCurrentUntilAnyChangeOfTheMapAndAReadingMadeThenNamesTheMapsValue() {
        HandleValues<String> values = new HandleValues<>(open -> "view of " + open);
        values.put(FIRST, "a");
        HandleValues.Reading<String> reading = values.read(FIRST);
        assertEquals("a", reading.open());
        assertEquals("view of a", reading.view());
        assertTrue(values.isCurrent(reading));
        assertSame(reading, values.read(FIRST), "read again while nothing changed: the same reading");

        values.put(FIRST + 4, "another value");
        assertFalse(values.isCurrent(reading), "a change of another value ends the epoch too");
        HandleValues.Reading<String> again = values.read(FIRST);
        assertTrue(values.isCurrent(again));
        assertEquals("a", again.open());

        assertTrue(values.replace(FIRST, "a", "b"));
        assertFalse(values.isCurrent(again));
        assertEquals("b", values.read(FIRST).open());
        assertEquals("view of b", values.read(FIRST).view());

        assertEquals("b", values.remove(FIRST));
        assertNull(values.read(FIRST), "removed after it was read");
        assertNull(values.read(SAME_SLOT), "never put");
    }

    @Test
    void readingsOfValuesThatShareACacheSlotNameEachTheirOwn() {
        HandleValues<String> values = new HandleValues<>();
        values.put(FIRST, "first");
        values.put(SAME_SLOT, "same slot");
        for (int i = 0; i < 3; i++) {
            assertEquals("first", values.read(FIRST).open());
            assertEquals("same slot", values.read(SAME_SLOT).open());
        }
        values.put(FIRST + 8, "a change");
        assertEquals("first", values.read(FIRST).open());
        assertEquals("same slot", values.read(SAME_SLOT).open());
    }

    @Test
    void aValueReadAgainAfterAChangeAllocatesOnceThenNothing() {
        HandleValues<String> values = new HandleValues<>();
        values.put(FIRST + 40, "event");
        values.read(FIRST + 40);
        values.put(FIRST + 44, "a change");
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().threadId();
        long before = threads.getThreadAllocatedBytes(thread);
        HandleValues.Reading<String> found = values.read(FIRST + 40);
        for (int i = 0; i < 10_000; i++) {
            found = values.read(FIRST + 40);
        }
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        assertSame("event", found.open());
        assertTrue(values.isCurrent(found));
        assertTrue(allocated < 1024, "10,000 readings allocated " + allocated + " bytes");
    }
}
