package shm.provider.mmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import shm.api.ErrorReason;
import shm.api.MapOptions;
import shm.api.ObjectType;
import shm.api.ShmException;
import shm.api.spi.BackendHandle;
import shm.testkit.StoreFixture;
import shm.testkit.TmpfsDirectory;

/**
 * The root (issue 12, breaks 4 and 8): a root swapped for a link while in use redirects nothing; a root reached
 * through a link, writable by everyone or owned by another user is refused unless trusted; a {@code table} that is a
 * link is refused without being followed; store-level errors name the store, never "unnamed object".
 */
class RootSafetyTest {

    /** A fresh directory on tmpfs and a root in it that does not exist yet; no backend: each test makes its own. */
    @RegisterExtension
    final StoreFixture<AutoCloseable> store = new StoreFixture<>("shm-test", root -> () -> { });
    private final Path root = store.root();

    @Test
    void aRootSwappedForALinkWhileInUseRedirectsNothing() throws IOException {
        Path attacker = Files.createDirectories(store.directory().resolve("attacker"));
        Path moved = store.directory().resolve("ns.moved");
        try (MmapBackend backend = new MmapBackend(MmapSettings.under(root))) {
            BackendHandle before = backend.createOrOpen(ObjectType.SHARED_MEMORY, "before", 64, MapOptions.DEFAULT);
            Files.move(root, moved);
            Files.createSymbolicLink(root, attacker);
            try (BackendHandle after = backend.createOrOpen(ObjectType.SHARED_MEMORY, "after", 64,
                    MapOptions.DEFAULT)) {
                assertTrue(Files.exists(moved.resolve("n.after")), "new objects go to the root we opened");
                assertEquals(List.of(), TmpfsDirectory.fileNames(attacker), "nothing goes to the link's target");
            }
            before.close();
            assertFalse(Files.exists(moved.resolve("n.before")), "the old handle closed cleanly and destroyed it");
        }
        assertEquals(List.of(), TmpfsDirectory.fileNames(attacker));
        assertTrue(TmpfsDirectory.fileNames(moved).isEmpty(), "the real root is left empty: "
                + TmpfsDirectory.fileNames(moved));
    }

    /**
     * A store is never made among others' files: a mistyped root such as {@code /etc} (the operator's
     * {@code shm:config set shm.provider.mmap root /etc}) used to get a 6.6 MB {@code table} beside the system's
     * files; now it is refused in one line naming some of the files, and nothing is written. What a store leaves
     * behind when its last participant left (a table moved aside by a repair, a dead process's temporary file) does
     * not count.
     */
    @Test
    void aNewStoreIsMadeOnlyInADirectoryThatHoldsNothingButAStoresFiles() throws IOException {
        Files.createDirectories(root);
        Files.writeString(root.resolve("passwd"), "root:x:0:0\n");
        Files.writeString(root.resolve("hosts"), "127.0.0.1 localhost\n");
        ShmException refused = assertThrows(ShmException.class, () -> new MmapBackend(MmapSettings.under(root)));
        assertEquals(ErrorReason.INCOMPATIBLE_STORE, refused.reason());
        assertEquals("store " + root + ": no object table here yet, and the directory holds 2 files that no store"
                + " makes (hosts, passwd): a store is made only in an empty directory or one that holds nothing but a"
                + " store's files; nothing was written (INCOMPATIBLE_STORE)", refused.getMessage());
        assertEquals(List.of("hosts", "passwd"), TmpfsDirectory.fileNames(root));
        assertEquals("root:x:0:0\n", Files.readString(root.resolve("passwd")));
        try (MmapBackend trusted = new MmapBackend(MmapSettings.under(root).withTrustRoot(true))) {
            assertTrue(Files.exists(root.resolve("table")), "trustRoot: the operator takes the directory as it is");
        }
        assertEquals(List.of("hosts", "passwd"), TmpfsDirectory.fileNames(root), "the last one out left no table");

        Files.delete(root.resolve("passwd"));
        Files.delete(root.resolve("hosts"));
        Files.writeString(root.resolve("table.broken.1764633600000"), "moved aside by a repair");
        Files.writeString(root.resolve(".t.999999999.table.1"), "");
        try (MmapBackend backend = new MmapBackend(MmapSettings.under(root));
             BackendHandle handle = backend.createOrOpen(ObjectType.SHARED_MEMORY, "made", 64, MapOptions.DEFAULT)) {
            assertTrue(Files.exists(root.resolve("n.made")), "a store's leftovers are no obstacle");
        }
    }

    @Test
    void aRootThatIsALinkOrBehindALinkIsRefusedUnlessTrusted() throws IOException {
        Path real = Files.createDirectories(store.directory().resolve("real").resolve("ns"));
        Files.createSymbolicLink(root, real);
        ShmException e = assertThrows(ShmException.class, () -> new MmapBackend(MmapSettings.under(root)));
        assertEquals(ErrorReason.INCOMPATIBLE_STORE, e.reason());
        assertTrue(e.getMessage().startsWith("store " + root + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());

        Path parentLink = Files.createSymbolicLink(store.directory().resolve("parent-link"), store.directory().resolve("real"));
        ShmException behind = assertThrows(ShmException.class,
                () -> new MmapBackend(MmapSettings.under(parentLink.resolve("ns"))));
        assertEquals(ErrorReason.INCOMPATIBLE_STORE, behind.reason());
        assertTrue(behind.getMessage().contains(parentLink + " is a symbolic link"), behind.getMessage());

        try (MmapBackend trusted = new MmapBackend(MmapSettings.under(root).withTrustRoot(true));
             BackendHandle h = trusted.createOrOpen(ObjectType.SHARED_MEMORY, "x", 8, MapOptions.DEFAULT)) {
            assertTrue(Files.exists(real.resolve("n.x")));
        }
    }

    @Test
    void aWorldWritableRootIsRefusedUnlessTrusted() throws IOException {
        Files.createDirectories(root);
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxrwxrwx"));
        ShmException e = assertThrows(ShmException.class, () -> new MmapBackend(MmapSettings.under(root)));
        assertEquals(ErrorReason.ACCESS_DENIED, e.reason());
        assertTrue(e.getMessage().contains("writable by every user"), e.getMessage());
        assertFalse(e.getMessage().contains("unnamed object"), e.getMessage());
        new MmapBackend(MmapSettings.under(root).withTrustRoot(true)).close();
    }

    @Test
    void aRootOfAnotherUserIsRefused() throws IOException {
        try (OtherUser other = OtherUser.create()) {
            Files.createDirectories(root);
            Files.setAttribute(root, "unix:uid", other.uid());
            ShmException e = assertThrows(ShmException.class, () -> new MmapBackend(MmapSettings.under(root)));
            assertEquals(ErrorReason.ACCESS_DENIED, e.reason());
            assertTrue(e.getMessage().contains("owned by uid " + other.uid()), e.getMessage());
            assertEquals(List.of(), TmpfsDirectory.fileNames(root), "nothing was made in another user's root");
        }
    }

    @Test
    void aTableThatIsALinkIsRefusedWithoutFollowingIt() throws IOException {
        Files.createDirectories(root);
        Path target = Files.writeString(store.directory().resolve("target"), "not a table");
        Files.createSymbolicLink(root.resolve("table"), target);
        ShmException e = assertThrows(ShmException.class, () -> new MmapBackend(MmapSettings.under(root)));
        assertEquals(ErrorReason.INCOMPATIBLE_STORE, e.reason());
        assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());
        assertEquals("not a table", Files.readString(target));
    }

    @Test
    void storeLevelErrorsNameTheStore() {
        MmapBackend backend = new MmapBackend(MmapSettings.under(root));
        backend.close();
        ShmException closed = assertThrows(ShmException.class, backend::list);
        assertEquals(ErrorReason.CLOSED, closed.reason());
        assertTrue(closed.getMessage().startsWith("store " + root + ": "), closed.getMessage());
        assertFalse(closed.getMessage().contains("unnamed object"), closed.getMessage());
    }
}
