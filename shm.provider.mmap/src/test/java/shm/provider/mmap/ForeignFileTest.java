package shm.provider.mmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import shm.api.MapOptions;
import shm.api.ObjectType;
import shm.api.spi.BackendHandle;
import shm.testkit.StoreFixture;

/**
 * What is not ours is never removed (issue 12, breaks 3 and 7): an object file replaced behind the table's back, a
 * directory or another user's file under a temporary name of a dead process; and the temporary files that are ours
 * are removed by every reap, not only the operator's, and keep the table from being removed while they remain.
 */
class ForeignFileTest {

    /** A fresh directory on tmpfs and a root in it that does not exist yet; no backend: each test makes its own. */
    @RegisterExtension
    final StoreFixture<AutoCloseable> store = new StoreFixture<>("shm-test", root -> () -> { });
    private final Path root = store.root();

    @Test
    void lastCloseLeavesAFileOfAnotherUserThatReplacedTheObjectFile() throws IOException {
        try (OtherUser other = OtherUser.create();
             MmapBackend backend = new MmapBackend(MmapSettings.under(root))) {
            BackendHandle handle = backend.createOrOpen(ObjectType.SHARED_MEMORY, "obj", 64, MapOptions.DEFAULT);
            Files.delete(root.resolve("n.obj"));
            String made = other.runAs("sh", "-c", "umask 022; echo theirs > " + root.resolve("n.obj"));
            if (!made.startsWith("0:")) {
                // the root is 0700: the other user cannot write into it; the file is made for it and given to it
                Files.writeString(root.resolve("n.obj"), "theirs\n");
                Files.setAttribute(root.resolve("n.obj"), "unix:uid", other.uid());
            }
            handle.close();
            assertEquals("theirs\n", Files.readString(root.resolve("n.obj")), "another user's file stays");
            assertEquals(other.uid(), Files.getAttribute(root.resolve("n.obj"), "unix:uid"));
            assertTrue(backend.lookup("obj").isEmpty(), "the object itself is gone from the table");
            backend.createOrOpen(ObjectType.SHARED_MEMORY, "other", 8, MapOptions.DEFAULT).close();
        }
    }

    @Test
    void lastCloseLeavesANonEmptyDirectoryThatReplacedTheObjectFileAndTheStoreGoesOn() throws IOException {
        try (MmapBackend backend = new MmapBackend(MmapSettings.under(root))) {
            BackendHandle handle = backend.createOrOpen(ObjectType.SHARED_MEMORY, "obj", 64, MapOptions.DEFAULT);
            Files.delete(root.resolve("n.obj"));
            Files.writeString(Files.createDirectory(root.resolve("n.obj")).resolve("inside"), "kept");
            handle.close();
            assertEquals("kept", Files.readString(root.resolve("n.obj").resolve("inside")));
            try (BackendHandle next = backend.createOrOpen(ObjectType.SHARED_MEMORY, "next", 8, MapOptions.DEFAULT)) {
                assertFalse(next.alreadyExisted(), "the store is not wedged");
            }
        }
    }

    @Test
    void aSameUserFileWithAnotherInodeIsNotTheObjectAndIsLeftAlone() throws IOException {
        try (MmapBackend backend = new MmapBackend(MmapSettings.under(root))) {
            BackendHandle handle = backend.createOrOpen(ObjectType.SHARED_MEMORY, "obj", 64, MapOptions.DEFAULT);
            Path file = root.resolve("n.obj");
            Path copy = root.resolve("copy");
            Files.copy(file, copy);
            Files.delete(file);
            Files.move(copy, file);   // same bytes, same owner, another inode: not the file the table recorded
            handle.close();
            assertTrue(Files.exists(file), "a file the table did not record is never removed");
        }
    }

    @Test
    void everyReapRemovesOurTemporaryFilesOfDeadProcessesAndNothingElse() throws Exception {
        Files.createDirectories(root);
        long dead = OtherUser.deadPid();
        Process creator = new ProcessBuilder("sh", "-c", "echo partial > " + root + "/.t.$$.0123456789abcdef; echo $$")
                .start();
        long creatorPid = Long.parseLong(new String(creator.getInputStream().readAllBytes()).strip());
        assertEquals(0, creator.waitFor());
        Path ours = root.resolve(".t." + creatorPid + ".0123456789abcdef");
        assertTrue(Files.exists(ours), "a real process that ended left its temporary file");
        Path directory = Files.createDirectory(root.resolve(".t." + dead + ".dir"));
        Files.writeString(directory.resolve("inside"), "not ours");
        Path alive = Files.writeString(root.resolve(".t." + ProcessHandle.current().pid() + ".live"), "in progress");
        try (MmapBackend backend = new MmapBackend(MmapSettings.under(root))) {
            backend.lookup("anything");   // an ordinary call, not the operator's reaper
            assertFalse(Files.exists(ours), "the dead process's temporary file was removed by an ordinary reap");
            assertTrue(Files.exists(directory.resolve("inside")), "a directory under that name is not ours");
            assertTrue(Files.exists(alive), "a live process's temporary file stays");
            assertEquals(List.of(), backend.reapDeadProcesses());
        }
        assertTrue(Files.exists(root.resolve("table")),
                "the table is not removed while a file of ours (the live process's temporary file) remains");
        Files.delete(alive);
        try (MmapBackend backend = new MmapBackend(MmapSettings.under(root))) {
            backend.list();
        }
        assertFalse(Files.exists(root.resolve("table")), "with no file of ours left the last participant removes it");
    }

    @Test
    void aForeignOrOtherUsersTemporaryFileOfADeadPidIsLeftAlone() throws IOException {
        try (OtherUser other = OtherUser.create()) {
            Files.createDirectories(root);
            long dead = OtherUser.deadPid();
            Path theirs = Files.writeString(root.resolve(".t." + dead + ".theirs"), "theirs");
            Files.setAttribute(theirs, "unix:uid", other.uid());
            try (MmapBackend backend = new MmapBackend(MmapSettings.under(root))) {
                backend.reapDeadProcesses();
            }
            assertEquals("theirs", Files.readString(theirs));
        }
    }
}
