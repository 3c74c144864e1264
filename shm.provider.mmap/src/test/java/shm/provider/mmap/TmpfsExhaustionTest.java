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

    /**
     * Without space reserved for objects, the table's space is still reserved: a table that cannot be made on a full
     * tmpfs fails the start with NO_MEMORY, naming the store, instead of an InternalError (SIGBUS) at a later write.
     */
    @Test
    void aTableThatDoesNotFitFailsAtStartEvenWithoutReservedSpace() throws IOException {
        Path filler = small.path().resolve("filler");
        long free = Files.getFileStore(small.path()).getUsableSpace();
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(filler,
                java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE)) {
            java.nio.ByteBuffer block = java.nio.ByteBuffer.allocate(1 << 20);
            long written = 0;
            while (written < free - (1 << 20)) {
                written += channel.write(block.clear());
            }
        }
        Path root = small.path().resolve("sparse");
        ShmException e = assertThrows(ShmException.class,
                () -> new MmapBackend(MmapSettings.under(root).withReserveSpace(false)));
        assertEquals(ErrorReason.NO_MEMORY, e.reason(), e.getMessage());
        assertTrue(e.getMessage().startsWith("store " + root + ": cannot create the object table"), e.getMessage());
        assertEquals(List.of(), TmpfsDirectory.fileNames(root), "no table and no temporary file is left");
        Files.delete(filler);
        try (MmapBackend backend = new MmapBackend(MmapSettings.under(root).withReserveSpace(false))) {
            backend.createOrOpen(ObjectType.SHARED_MEMORY, "works", 8, MapOptions.DEFAULT).close();
        }
    }
}
