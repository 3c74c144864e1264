package shm.provider.mmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import shm.api.ErrorReason;
import shm.api.MapOptions;
import shm.api.NamedMutex;
import shm.api.ObjectInfo;
import shm.api.ObjectState;
import shm.api.ObjectType;
import shm.api.ShmException;
import shm.api.spi.BackendHandle;
import shm.testkit.StoreFixture;

/**
 * An object file truncated under a live mapping (issue 12, break 6): calls on that object fail with a clear reason,
 * its close succeeds, and the backend and every other object keep working.
 */
class TruncationTest {

    /** A fresh directory on tmpfs and a root in it that does not exist yet; no backend: each test makes its own. */
    @RegisterExtension
    final StoreFixture<AutoCloseable> store = new StoreFixture<>("shm-test", root -> () -> { });
    private final Path root = store.root();

    @Test
    void aTruncatedMutexFailsClearlyClosesAndLeavesTheRestWorking() throws IOException {
        try (MmapBackend backend = new MmapBackend(MmapSettings.under(root))) {
            NamedMutex mutex = backend.createOrOpenMutex("cut", false);
            BackendHandle other = backend.createOrOpen(ObjectType.SHARED_MEMORY, "other", 64, MapOptions.DEFAULT);
            try (FileChannel file = FileChannel.open(root.resolve("n.cut"), StandardOpenOption.WRITE)) {
                file.truncate(ObjectHeader.DATA_OFFSET);
            }
            ShmException e = assertThrows(ShmException.class, () -> mutex.acquire(Duration.ZERO));
            assertEquals(ErrorReason.INCOMPATIBLE_STORE, e.reason());
            assertTrue(e.getMessage().startsWith("'cut': the object's file was truncated"), e.getMessage());
            mutex.close();
            mutex.close();

            ObjectInfo listed = backend.list().stream().filter(i -> "other".equals(i.name())).findFirst().orElseThrow();
            assertEquals(64, listed.byteSize());
            other.segment().set(java.lang.foreign.ValueLayout.JAVA_BYTE, 0, (byte) 7);
            try (BackendHandle again = backend.open(ObjectType.SHARED_MEMORY, "other", MapOptions.DEFAULT)) {
                assertEquals(7, again.segment().get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0));
            }
            other.close();
            assertFalse(backend.lookup("cut").isPresent(), "the last close destroyed the truncated object");
        }
    }

    @Test
    void aTruncatedObjectListsAsUnreadableAndOpensAreRefused() throws IOException {
        try (MmapBackend backend = new MmapBackend(MmapSettings.under(root))) {
            var event = backend.createOrOpenEvent("ev", true, false);
            try (FileChannel file = FileChannel.open(root.resolve("n.ev"), StandardOpenOption.WRITE)) {
                file.truncate(ObjectHeader.DATA_OFFSET);
            }
            ObjectInfo info = backend.lookup("ev").orElseThrow();
            assertTrue(info.objectState() instanceof ObjectState.Unreadable, info.objectState().toString());
            ShmException open = assertThrows(ShmException.class, () -> backend.openEvent("ev"));
            assertEquals(ErrorReason.INCOMPATIBLE_STORE, open.reason());
            event.close();
        }
    }

    /**
     * The same once the table's reads are compiled: compiled code gets the InternalError of a read of the truncated
     * mapping late, at the thread's next safepoint or native call (here the link check's {@code statx}), outside the
     * read's own handler. Every call still fails with INCOMPATIBLE_STORE, never with the raw InternalError.
     */
    @Test
    void aTruncatedTableFailsClearlyAlsoOnceItsReadsAreCompiled() throws IOException {
        MmapBackend backend = new MmapBackend(MmapSettings.under(root));
        BackendHandle held = backend.createOrOpen(ObjectType.SHARED_MEMORY, "hot", 64, MapOptions.DEFAULT);
        for (int i = 0; i < 30_000; i++) {
            assertTrue(backend.lookup("hot").isPresent());
        }
        try (FileChannel file = FileChannel.open(root.resolve("table"), StandardOpenOption.WRITE)) {
            file.truncate(0);
        }
        for (int i = 0; i < 100; i++) {
            int call = i;
            ShmException e = assertThrows(ShmException.class, () -> backend.lookup("hot"), () -> "call " + call);
            assertEquals(ErrorReason.INCOMPATIBLE_STORE, e.reason());
        }
        held.close();
        assertTrue(java.nio.file.Files.exists(root.resolve("n.hot")), "no object file was deleted");
        ShmException closing = assertThrows(ShmException.class, backend::close,
                "the backend's close reports that the store could not record it");
        assertEquals(ErrorReason.INCOMPATIBLE_STORE, closing.reason());
    }

    @Test
    void aTruncatedTableFailsEveryCallClearlyAndCloseStillSucceeds() throws IOException {
        MmapBackend backend = new MmapBackend(MmapSettings.under(root));
        {
            BackendHandle held = backend.createOrOpen(ObjectType.SHARED_MEMORY, "kept", 64, MapOptions.DEFAULT);
            try (FileChannel file = FileChannel.open(root.resolve("table"), StandardOpenOption.WRITE)) {
                file.truncate(0);
            }
            ShmException e = assertThrows(ShmException.class, () -> backend.lookup("kept"));
            assertEquals(ErrorReason.INCOMPATIBLE_STORE, e.reason());
            assertTrue(e.getMessage().contains("the object table file was truncated under its mapping"), e.getMessage());
            assertTrue(e.getMessage().contains(root.toString()), "the message names the store: " + e.getMessage());
            ShmException again = assertThrows(ShmException.class,
                    () -> backend.createOrOpen(ObjectType.SHARED_MEMORY, "new", 64, MapOptions.DEFAULT));
            assertEquals(ErrorReason.INCOMPATIBLE_STORE, again.reason());
            held.close();
            assertFalse(held.isOpen());
            held.close();
            assertTrue(java.nio.file.Files.exists(root.resolve("n.kept")), "no object file was deleted");
        }
        ShmException closing = assertThrows(ShmException.class, backend::close,
                "the backend's close reports that the store could not record it");
        assertEquals(ErrorReason.INCOMPATIBLE_STORE, closing.reason());
        backend.close();
    }
}
