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
 * own), and a value read again answers without allocating (a map keyed by {@code Long} boxes every value from 0x100).
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
}
