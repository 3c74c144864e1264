package shm.itest;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Optional;

import org.junit.Test;

import shm.api.MapOptions;
import shm.api.ObjectInfo;
import shm.api.ObjectType;
import shm.api.SharedMemory;
import shm.api.SharedMemoryService;

/** A named object through its whole life: create, write, open, read back, inspect, close, gone. */
public class ObjectLifecycleIT extends ShmTestBase {

    private static final long SIZE = 10_000;
    private static final long PAGE = 4096;

    /** Data written through one handle is read through a second; the last close removes the object's file. */
    @Test
    public void createWriteOpenReadCloseRemoves() {
        SharedMemoryService shm = services.shm();
        String name = "itest.lifecycle";

        SharedMemory first = shm.createOrOpen(name, SIZE);
        assertFalse(first.alreadyExisted());
        assertTrue(first.isOpen());
        assertEquals(Optional.of(name), first.name());
        assertEquals(SIZE, first.byteSize());
        MemorySegment written = first.segment();
        assertEquals(SIZE, written.byteSize());
        assertEquals("the mapping is page-aligned", 0, written.address() % PAGE);
        written.set(JAVA_LONG, 0, 0x1122_3344_5566_7788L);
        written.set(JAVA_BYTE, SIZE - 1, (byte) 0x5A);
        assertEquals(1, root.objectFiles().size());

        SharedMemory second = shm.open(name);
        assertTrue(second.alreadyExisted());
        assertEquals(SIZE, second.byteSize());
        MemorySegment read = second.segment();
        assertEquals(0x1122_3344_5566_7788L, read.get(JAVA_LONG, 0));
        assertEquals((byte) 0x5A, read.get(JAVA_BYTE, SIZE - 1));
        read.set(JAVA_LONG, 8, 42L);
        assertEquals("a write through the second handle is seen through the first", 42L, written.get(JAVA_LONG, 8));

        try (SharedMemory third = shm.createOrOpen(name, 5 * SIZE)) {
            assertTrue(third.alreadyExisted());
            assertEquals("the existing size wins", SIZE, third.byteSize());
        }

        ObjectInfo info = shm.info(name).orElseThrow(() -> new AssertionError("info() does not show " + name));
        assertEquals(name, info.name());
        assertEquals(ObjectType.SHARED_MEMORY, info.type());
        assertEquals(SIZE, info.logicalSize());
        assertTrue(info.byteSize() >= SIZE);
        assertEquals("open handles in this process", 2, info.handleCount());
        assertEquals(List.of(name), names(shm.list()));

        second.close();
        assertFalse(second.isOpen());
        assertEquals("the first handle keeps the object", 1, root.objectFiles().size());
        assertEquals(42L, written.get(JAVA_LONG, 8));
        assertEquals(1, shm.info(name).orElseThrow().handleCount());

        first.close();
        first.close();
        assertFalse(first.isOpen());
        assertEquals(List.of(), root.objectFiles());
        assertEquals(List.of(), ProcMaps.objectsUnder(root.path()));
        assertEquals(Optional.empty(), shm.info(name));
        assertEquals(List.of(), names(shm.list()));
    }

    /** An unnamed object has a file of its own while open, is not listed, and is removed by its close. */
    @Test
    public void unnamedObjectIsPrivateAndRemovedOnClose() {
        SharedMemoryService shm = services.shm();
        try (SharedMemory unnamed = shm.createUnnamed(3 * PAGE, MapOptions.DEFAULT)) {
            assertEquals(Optional.empty(), unnamed.name());
            assertFalse(unnamed.alreadyExisted());
            unnamed.segment().set(JAVA_LONG, 2 * PAGE, 7L);
            assertEquals(7L, unnamed.segment().get(JAVA_LONG, 2 * PAGE));
            assertEquals(List.of(), names(shm.list()));
        }
        assertEquals(List.of(), root.objectFiles());
        assertEquals(List.of(), ProcMaps.objectsUnder(root.path()));
    }

    private static List<String> names(List<ObjectInfo> objects) {
        return objects.stream().map(ObjectInfo::name).toList();
    }
}
