package shm.itest;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static shm.testkit.Reasons.assertReason;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Optional;

import org.junit.Test;

import shm.api.ErrorReason;
import shm.api.MapOptions;
import shm.api.SharedMemory;
import shm.api.SharedMemoryService;
import shm.api.ShmException;

/** Failures are reported as {@link ShmException} with the right reason, and use after close never crashes the JVM. */
public class ErrorsIT extends ShmTestBase {

    /** Opening a name nobody created is NOT_FOUND, names the object, and creates nothing. */
    @Test
    public void openOfMissingNameIsNotFound() {
        SharedMemoryService shm = services.shm();
        ShmException e = assertThrows(ShmException.class, () -> shm.open("itest.missing"));
        assertEquals(ErrorReason.NOT_FOUND, e.reason());
        assertEquals(Optional.of("itest.missing"), e.objectName());
        assertEquals(Optional.empty(), shm.info("itest.missing"));
        assertEquals(List.of(), root.objectFiles());
    }

    /** Sizes below one byte are INVALID_PARAMETER, for named and unnamed objects, and create nothing. */
    @Test
    public void sizeBelowOneIsInvalidParameter() {
        SharedMemoryService shm = services.shm();
        assertReason(ErrorReason.INVALID_PARAMETER, () -> shm.createOrOpen("itest.empty", 0));
        assertReason(ErrorReason.INVALID_PARAMETER, () -> shm.createOrOpen("itest.negative", -1));
        assertReason(ErrorReason.INVALID_PARAMETER, () -> shm.createUnnamed(0, MapOptions.DEFAULT));
        assertEquals(Optional.empty(), shm.info("itest.empty"));
        assertEquals(List.of(), root.objectFiles());
    }

    /** A segment used after its handle's close throws IllegalStateException; the handle itself says CLOSED. */
    @Test
    public void useAfterCloseThrowsInsteadOfCrashing() {
        SharedMemoryService shm = services.shm();
        SharedMemory handle = shm.createOrOpen("itest.closed", 4096);
        MemorySegment segment = handle.segment();
        segment.set(JAVA_INT, 0, 1234);
        handle.close();

        assertFalse(handle.isOpen());
        assertThrows(IllegalStateException.class, () -> segment.get(JAVA_INT, 0));
        assertThrows(IllegalStateException.class, () -> segment.set(JAVA_INT, 4, 1));
        assertReason(ErrorReason.CLOSED, handle::segment);
        handle.close();
        assertEquals(List.of(), root.objectFiles());
        assertEquals(List.of(), ProcMaps.objectsUnder(root.path()));

        try (SharedMemory again = shm.createOrOpen("itest.closed", 4096)) {
            assertFalse("the closed object was destroyed", again.alreadyExisted());
            assertEquals("a new object starts zeroed", 0, again.segment().get(JAVA_INT, 0));
        }
    }
}
