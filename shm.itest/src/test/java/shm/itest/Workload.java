package shm.itest;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.List;

import shm.api.ErrorReason;
import shm.api.MapOptions;
import shm.api.SharedMemory;
import shm.api.SharedMemoryService;
import shm.api.ShmException;

/**
 * Handles left open while a bundle goes away: two handles to one named object, another named object and an unnamed
 * one, each written through, with the segments taken from them.
 *
 * @param handles  the open handles
 * @param segments the segment of each handle, taken while open
 */
record Workload(List<SharedMemory> handles, List<MemorySegment> segments) {

    /** Opens the handles through {@code shm}, with names starting with {@code prefix}, and writes to each. */
    static Workload open(SharedMemoryService shm, String prefix) {
        SharedMemory a = shm.createOrOpen(prefix + ".a", 4096);
        SharedMemory a2 = shm.open(prefix + ".a");
        SharedMemory b = shm.createOrOpen(prefix + ".b", 1 << 20);
        SharedMemory unnamed = shm.createUnnamed(8192, MapOptions.DEFAULT);
        List<SharedMemory> handles = List.of(a, a2, b, unnamed);
        List<MemorySegment> segments = handles.stream().map(SharedMemory::segment).toList();
        for (int i = 0; i < segments.size(); i++) {
            segments.get(i).set(JAVA_LONG, 8L * i, i + 1L);
        }
        assertEquals("writes through one handle are seen through the other", 2L, segments.getFirst().get(JAVA_LONG, 8));
        return new Workload(handles, segments);
    }

    /**
     * Every handle in {@code kept} is open and reads what was written through it; every segment taken before fails
     * cleanly (the mapping of its time is gone).
     */
    void assertKept(List<SharedMemory> kept) {
        for (SharedMemory handle : kept) {
            int i = handles.indexOf(handle);
            assertTrue(handle + " is open", handle.isOpen());
            assertEquals(handle + " keeps its bytes", i + 1L, handle.segment().get(JAVA_LONG, 8L * i));
            assertThrows(IllegalStateException.class, () -> segments.get(i).get(JAVA_LONG, 0));
        }
    }

    /** The handles to named objects. */
    List<SharedMemory> named() {
        return handles.stream().filter(h -> h.name().isPresent()).toList();
    }

    /** The handle to the unnamed object. */
    SharedMemory unnamed() {
        return handles.getLast();
    }

    /** Closes every handle. */
    void closeAll() {
        handles.forEach(SharedMemory::close);
    }

    /** Every handle reports closed, refuses {@code segment()} with CLOSED, and every old segment throws on access. */
    void assertAllClosed() {
        for (SharedMemory handle : handles) {
            assertFalse(handle + " is still open", handle.isOpen());
            ShmException e = assertThrows(ShmException.class, handle::segment);
            assertEquals(e.getMessage(), ErrorReason.CLOSED, e.reason());
            handle.close();
        }
        for (MemorySegment segment : segments) {
            assertThrows(IllegalStateException.class, () -> segment.get(JAVA_LONG, 0));
            assertThrows(IllegalStateException.class, () -> segment.set(JAVA_LONG, 0, -1L));
        }
    }
}
