package shm.provider.mmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import org.junit.jupiter.api.Test;

import shm.api.ObjectType;

class ObjectHeaderTest {

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @Test
    void roundTripsEveryField() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment page = arena.allocate(ObjectHeader.DATA_OFFSET);
            ObjectHeader written = new ObjectHeader(ObjectType.SEMAPHORE, 10_000, 9_000, "Grüße/..", 4242, 1234567);
            written.writeTo(page);
            assertEquals(written, ObjectHeader.readFrom(page, ObjectHeader.DATA_OFFSET + 10_000));
        }
    }

    @Test
    void fieldsSitAtTheDocumentedOffsets() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment page = arena.allocate(ObjectHeader.DATA_OFFSET);
            new ObjectHeader(ObjectType.SHARED_MEMORY, 5000, 4000, "ab", 77, 88).writeTo(page);
            assertEquals("SHMPLAT", page.getString(0));
            assertEquals(1, page.get(INT, 8));
            assertEquals(1, page.get(INT, 12));
            assertEquals(5000, page.get(LONG, 16));
            assertEquals(4000, page.get(LONG, 24));
            assertEquals(4096, page.get(LONG, 32));
            assertEquals(2, page.get(INT, 40));
            assertEquals(0, page.get(INT, 44));
            assertEquals(77, page.get(LONG, 48));
            assertEquals(88, page.get(LONG, 56));
            assertEquals("ab", page.getString(64));
        }
    }

    @Test
    void unnamedObjectsHaveTheFlagAndNoName() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment page = arena.allocate(ObjectHeader.DATA_OFFSET);
            new ObjectHeader(ObjectType.SHARED_MEMORY, 1, 1, null, 1, 1).writeTo(page);
            assertEquals(ObjectHeader.FLAG_UNNAMED, page.get(INT, ObjectHeader.FLAGS_OFFSET));
            assertNull(ObjectHeader.readFrom(page, ObjectHeader.DATA_OFFSET + 1).name());
        }
    }

    @Test
    void refusesWhatThisLayoutDoesNotWrite() {
        assertRefused(page -> page.set(ValueLayout.JAVA_BYTE, 0, (byte) 'X'), 8192, "no SHMPLAT magic");
        assertRefused(page -> page.set(INT, 8, 2), 8192, "layout version 2 is not supported");
        assertRefused(page -> page.set(INT, 12, 9), 8192, "type code 9 is unknown");
        assertRefused(page -> page.set(LONG, 24, 4097), 8192, "sizes are inconsistent");
        assertRefused(page -> page.set(LONG, 16, 0), 8192, "sizes are inconsistent");
        assertRefused(page -> page.set(LONG, 32, 8192), 8192, "data offset");
        assertRefused(page -> page.set(INT, 40, 5000), 8192, "name length");
        assertRefused(page -> page.set(INT, 44, 1), 8192, "name length");
        assertRefused(page -> { }, 8191, "shorter than its header says");
    }

    private static void assertRefused(java.util.function.Consumer<MemorySegment> damage, long fileLength,
                                      String expected) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment page = arena.allocate(ObjectHeader.DATA_OFFSET);
            new ObjectHeader(ObjectType.SHARED_MEMORY, 4096, 4096, "name", 1, 1).writeTo(page);
            damage.accept(page);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ObjectHeader.readFrom(page, fileLength));
            assertTrue(e.getMessage().contains(expected), e.getMessage());
        }
    }
}
