package shm.provider.mmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import shm.api.ErrorReason;
import shm.api.MapOptions;
import shm.api.ObjectType;
import shm.api.ShmException;
import shm.api.spi.BackendHandle;
import shm.testkit.SmallTmpfs;
import shm.testkit.TmpfsDirectory;

/**
 * A create that does not fit the tmpfs fails at create with NO_MEMORY, never with a SIGBUS later. Runs on an 8 MiB
 * tmpfs that the test mounts itself, which needs root (CAP_SYS_ADMIN); elsewhere it is skipped with the reason.
 */
class TmpfsExhaustionTest {

    private SmallTmpfs small;

    @BeforeEach
    void mountSmallTmpfs() throws Exception {
        small = SmallTmpfs.mount(8);
    }

    @AfterEach
    void unmount() throws Exception {
        if (small != null) {
            small.close();
        }
    }

    @Test
    void createThatDoesNotFitFailsCleanlyAndLeavesNothing() throws IOException {
        Path root = small.path().resolve("ns");
        try (MmapBackend backend = new MmapBackend(MmapSettings.under(root))) {
            long free = Files.getFileStore(root).getUsableSpace();
            long tooBig = free + (1 << 20);
            ShmException e = assertThrows(ShmException.class,
                    () -> backend.createOrOpen(ObjectType.SHARED_MEMORY, "too-big", tooBig, MapOptions.DEFAULT));
            assertEquals(ErrorReason.NO_MEMORY, e.reason(), e.getMessage());
            assertTrue(e.getMessage().startsWith("'too-big': the object needs " + (tooBig + 4096) + " bytes"),
                    e.getMessage());
            assertEquals(List.of(), TmpfsDirectory.objectFiles(root), "no object and no temporary file is left");
            assertTrue(backend.lookup("too-big").isEmpty(), "the table holds no trace of it");

            long half = free / 2 + (256 << 10);
            try (BackendHandle fits = backend.createOrOpen(ObjectType.SHARED_MEMORY, "fits", half,
                    MapOptions.DEFAULT)) {
                fits.segment().fill((byte) 1);
                ShmException second = assertThrows(ShmException.class, () -> backend.createOrOpen(
                        ObjectType.SHARED_MEMORY, "second", half, MapOptions.DEFAULT));
                assertEquals(ErrorReason.NO_MEMORY, second.reason());
                assertEquals(1, fits.segment().get(ValueLayout.JAVA_BYTE, half - 1),
                        "the object that fit is fully usable: its pages were reserved at create");
                assertEquals(List.of("n.fits"), TmpfsDirectory.objectFiles(root));
            }
        }
    }
}
