package shm.itest;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.List;

import shm.api.SharedMemory;
import shm.api.SharedMemoryService;

/** Assertions about the platform that several tests make. */
final class ShmAssert {

    private ShmAssert() {
    }


    /**
     * A new object can be created, shared through a second handle and removed: the platform works. Afterwards no
     * object is listed and no object file or mapping is left under {@code root}.
     */
    static void assertFreshObjectWorks(SharedMemoryService shm, RootDir root, String name) {
        try (SharedMemory created = shm.createOrOpen(name, 4096); SharedMemory opened = shm.open(name)) {
            assertFalse(created.alreadyExisted());
            assertTrue(opened.alreadyExisted());
            created.segment().set(JAVA_LONG, 0, 99L);
            assertEquals(99L, opened.segment().get(JAVA_LONG, 0));
            assertTrue(shm.info(name).isPresent());
            assertEquals(1, root.objectFiles().size());
        }
        assertTrue(shm.info(name).isEmpty());
        assertEquals(List.of(), shm.list());
        assertEquals(List.of(), root.objectFiles());
        assertEquals(List.of(), ProcMaps.objectsUnder(root.path()));
    }
}
