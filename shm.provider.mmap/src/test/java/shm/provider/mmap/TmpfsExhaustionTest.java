package shm.provider.mmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import shm.api.ErrorReason;
import shm.api.MapOptions;
import shm.api.ObjectType;
import shm.api.ShmException;
import shm.api.spi.BackendHandle;

/**
 * A create that does not fit the tmpfs fails at create with NO_MEMORY, never with a SIGBUS later. Runs on an 8 MiB
 * tmpfs that the test mounts itself, which needs root (CAP_SYS_ADMIN); elsewhere it is skipped with the reason.
 */
class TmpfsExhaustionTest {

    private Path mountPoint;
    private boolean mounted;

    @BeforeEach
    void mountSmallTmpfs() throws Exception {
        mountPoint = Files.createTempDirectory("shm-small-tmpfs");
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=8m,mode=0700", "tmpfs",
                mountPoint.toString()).redirectErrorStream(true).start();
        String output = new String(mount.getInputStream().readAllBytes()).strip();
        assumeTrue(mount.waitFor(30, TimeUnit.SECONDS), "mount did not finish in 30 s");
        mounted = mount.exitValue() == 0;
        assumeTrue(mounted, "cannot mount a small tmpfs here (needs root / CAP_SYS_ADMIN): " + output);
    }

    @AfterEach
    void unmount() throws Exception {
        if (mounted) {
            new ProcessBuilder("umount", mountPoint.toString()).inheritIO().start().waitFor(30, TimeUnit.SECONDS);
        }
        Files.deleteIfExists(mountPoint);
    }

    @Test
    void createThatDoesNotFitFailsCleanlyAndLeavesNothing() throws IOException {
        Path root = mountPoint.resolve("ns");
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
