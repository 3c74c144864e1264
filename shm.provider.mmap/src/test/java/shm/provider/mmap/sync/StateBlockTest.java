package shm.provider.mmap.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.function.Executable;

/** The state blocks' headers and the checks made at initialization and attach, for all three primitives. */
class StateBlockTest {

    private final Futex futex = new Futex();
    @RegisterExtension
    final SharedFile file = SharedFile.create();
    private final MemorySegment memory = file.segment();

    @Test
    void magicWordsAreTheirAsciiTagsInLittleEndianOrder() {
        assertEquals(Words.magic("SHEV"), SharedEvent.MAGIC);
        assertEquals(Words.magic("SHMX"), SharedMutex.MAGIC);
        assertEquals(Words.magic("SHSM"), SharedSemaphore.MAGIC);
        SharedEvent.initialize(memory, true, false);
        assertEquals("SHEV", memory.getString(0).substring(0, 4));
        assertEquals(32, SharedEvent.requiredBytes());
        assertEquals(32, SharedMutex.requiredBytes());
        assertEquals(32, SharedSemaphore.requiredBytes());
    }

    @Test
    void initializeWritesTheDocumentedWords() {
        SharedEvent.initialize(file.slot(0), true, true);
        SharedMutex.initialize(file.slot(64));
        SharedSemaphore.initialize(file.slot(128), 3, 7);
        assertEquals(1, Words.getInt(memory, 4));
        assertEquals(SharedEvent.FLAG_MANUAL_RESET, Words.getInt(memory, SharedEvent.FLAGS_OFFSET));
        assertEquals(SharedEvent.SIGNALED, Words.getInt(memory, SharedEvent.STATE_OFFSET));
        assertEquals(0, Words.getLong(memory, 64 + SharedMutex.OWNER_OFFSET));
        assertEquals(7, Words.getLong(memory, 128 + SharedSemaphore.MAXIMUM_OFFSET));
        assertEquals(3, Words.getLong(memory, 128 + SharedSemaphore.COUNT_OFFSET));
    }

    @Test
    void anUninitializedSegmentIsRefusedWithTheReason() {
        assertMessage(IllegalArgumentException.class, "not initialized", () -> new SharedEvent(memory, futex));
        assertMessage(IllegalArgumentException.class, "not initialized", () -> new SharedMutex(memory, futex));
        assertMessage(IllegalArgumentException.class, "not initialized", () -> new SharedSemaphore(memory, futex));
    }

    @Test
    void anotherKindOfObjectIsRefused() {
        SharedMutex.initialize(memory);
        assertMessage(IllegalArgumentException.class, "'SHMX'", () -> new SharedEvent(memory, futex));
        assertMessage(IllegalArgumentException.class, "'SHMX'", () -> new SharedSemaphore(memory, futex));
        Words.setInt(memory, 0, 0x01020304);
        assertMessage(IllegalArgumentException.class, "0x01020304", () -> new SharedMutex(memory, futex));
    }

    @Test
    void anotherLayoutVersionIsRefused() {
        SharedSemaphore.initialize(memory, 0, 1);
        Words.setInt(memory, Words.VERSION_OFFSET, 2);
        assertMessage(IllegalArgumentException.class, "version 2", () -> new SharedSemaphore(memory, futex));
    }

    @Test
    void unusableSegmentsAreRefused() {
        assertMessage(IllegalArgumentException.class, "heap",
                () -> SharedEvent.initialize(MemorySegment.ofArray(new long[8]), false, false));
        assertMessage(IllegalArgumentException.class, "aligned", () -> SharedMutex.initialize(memory.asSlice(4)));
        assertMessage(IllegalArgumentException.class, "needs 32 bytes",
                () -> SharedSemaphore.initialize(memory.asSlice(0, 24), 0, 1));
        SharedEvent.initialize(memory, false, false);
        assertMessage(IllegalArgumentException.class, "needs 32 bytes",
                () -> new SharedEvent(memory.asSlice(0, 16), futex));
    }

    @Test
    void initializeNeedsZeroBytesSoALiveObjectIsNeverOverwritten() {
        SharedMutex.initialize(memory);
        assertMessage(IllegalArgumentException.class, "not zero", () -> SharedMutex.initialize(memory));
        Words.setInt(file.slot(64), 28, 1);
        assertMessage(IllegalArgumentException.class, "offset 24", () -> SharedEvent.initialize(file.slot(64), true,
                false));
    }

    @Test
    void unknownEventFlagsAndOutOfRangeSemaphoreCountsAreRefused() {
        SharedEvent.initialize(file.slot(0), false, false);
        Words.setInt(memory, SharedEvent.FLAGS_OFFSET, 6);
        assertMessage(IllegalArgumentException.class, "unknown flags", () -> new SharedEvent(file.slot(0), futex));
        SharedSemaphore.initialize(file.slot(64), 1, 1);
        Words.setLong(file.slot(64), SharedSemaphore.COUNT_OFFSET, 2);
        assertMessage(IllegalArgumentException.class, "out of range",
                () -> new SharedSemaphore(file.slot(64), futex));
    }

    private static void assertMessage(Class<? extends Throwable> type, String part, Executable call) {
        Throwable thrown = assertThrows(type, call);
        assertTrue(thrown.getMessage().contains(part), () -> "'" + thrown.getMessage() + "' should say " + part);
    }
}
