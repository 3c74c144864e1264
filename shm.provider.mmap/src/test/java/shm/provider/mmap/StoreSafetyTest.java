package shm.provider.mmap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import shm.api.ErrorReason;
import shm.api.MapOptions;
import shm.api.ObjectType;
import shm.api.ShmException;
import shm.api.spi.BackendHandle;
import shm.testkit.TmpfsDirectory;

/** Stores the platform did not write, or another user owns, are refused clearly and never changed. */
class StoreSafetyTest {

    private static final int OTHER_UID = 4242;

    @RegisterExtension
    final TmpfsDirectory tmpfs = new TmpfsDirectory();
    private final Path root = tmpfs.path().resolve("ns");

    @Test
    void aTableOfAnotherLayoutVersionIsRefusedAndLeftAlone() throws IOException {
        try (MmapBackend first = new MmapBackend(MmapSettings.under(root));
             BackendHandle keep = first.createOrOpen(ObjectType.SHARED_MEMORY, "keep", 16, MapOptions.DEFAULT)) {
            Path table = root.resolve("table");
            writeInt(table, 8, 2);
            byte[] before = Files.readAllBytes(table);
            ShmException e = assertThrows(ShmException.class, () -> new MmapBackend(MmapSettings.under(root)));
            assertEquals(ErrorReason.INCOMPATIBLE_STORE, e.reason());
            assertTrue(e.getMessage().contains("its layout version is 2, this code reads version 1"),
                    e.getMessage());
            assertArrayEquals(before, Files.readAllBytes(table));
            writeInt(table, 8, 1);
        }
    }

    @Test
    void aTableFileThatIsNotATableIsRefusedAndLeftAlone() throws IOException {
        Files.createDirectories(root);
        Path table = root.resolve("table");
        Files.writeString(table, "someone else's notes");
        ShmException e = assertThrows(ShmException.class, () -> new MmapBackend(MmapSettings.under(root)));
        assertEquals(ErrorReason.INCOMPATIBLE_STORE, e.reason());
        assertEquals("someone else's notes", Files.readString(table));
    }

    @Test
    void anObjectFileOfAnotherUserIsRefusedWithItsOwnerAndNeverDeleted() throws IOException {
        try (MmapBackend backend = new MmapBackend(MmapSettings.under(root))) {
            Path theirs = root.resolve("n.theirs");
            Files.writeString(theirs, "their data");
            Files.setAttribute(theirs, "unix:uid", OTHER_UID);
            ShmException open = assertThrows(ShmException.class,
                    () -> backend.open(ObjectType.SHARED_MEMORY, "theirs", MapOptions.DEFAULT));
            assertEquals(ErrorReason.ACCESS_DENIED, open.reason());
            assertTrue(open.getMessage().contains("owned by uid " + OTHER_UID), open.getMessage());
            ShmException create = assertThrows(ShmException.class,
                    () -> backend.createOrOpen(ObjectType.SHARED_MEMORY, "theirs", 8, MapOptions.DEFAULT));
            assertEquals(ErrorReason.ACCESS_DENIED, create.reason());
            assertEquals(List.of(), backend.reapDeadProcesses());
        }
        assertEquals("their data", Files.readString(root.resolve("n.theirs")));
    }

    @Test
    void aTableOfAnotherUserIsRefused() throws IOException {
        try (MmapBackend first = new MmapBackend(MmapSettings.under(root));
             BackendHandle keep = first.createOrOpen(ObjectType.SHARED_MEMORY, "keep", 16, MapOptions.DEFAULT)) {
            Path table = root.resolve("table");
            Files.setAttribute(table, "unix:uid", OTHER_UID);
            ShmException e = assertThrows(ShmException.class, () -> new MmapBackend(MmapSettings.under(root)));
            assertEquals(ErrorReason.ACCESS_DENIED, e.reason());
            Files.setAttribute(table, "unix:uid", RootDirectory.currentUid());
        }
    }

    @Test
    void aGroupSharedStoreAcceptsFilesOfOtherUsers() throws IOException {
        MmapSettings shared = MmapSettings.under(root).withGroupShared(true);
        try (MmapBackend backend = new MmapBackend(shared);
             BackendHandle h = backend.createOrOpen(ObjectType.SHARED_MEMORY, "group", 16, MapOptions.DEFAULT)) {
            Files.setAttribute(root.resolve("n.group"), "unix:uid", OTHER_UID);
            try (BackendHandle again = backend.open(ObjectType.SHARED_MEMORY, "group", MapOptions.DEFAULT)) {
                assertEquals(16, again.byteSize());
            }
        }
    }

    private static void writeInt(Path file, long offset, int value) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, value), offset);
        }
    }
}
