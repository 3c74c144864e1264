package shm.provider.mmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static shm.provider.mmap.TableLayout.*;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import shm.api.ErrorReason;
import shm.api.MapOptions;
import shm.api.ObjectType;
import shm.api.ShmException;
import shm.api.spi.BackendHandle;
import shm.testkit.StoreFixture;

/**
 * The object limit of a store (issue 14, scale): configuration ({@link MmapSettings#maxObjects()}) written into a new
 * table, whose object section is sized from it; a table keeps its limit; a table of the previous layout (no limit
 * word) is read as it always was.
 */
class ObjectLimitTest {

    /** A fresh directory on tmpfs and a root in it that does not exist yet; no backend: each test makes its own. */
    @RegisterExtension
    final StoreFixture<AutoCloseable> store = new StoreFixture<>("shm-test", root -> () -> { });
    private final Path root = store.root();

    @Test
    void theCapacityOfANewTableFollowsItsLimit() {
        assertEquals(2, objectCapacityFor(1));
        assertEquals(8, objectCapacityFor(7));
        assertEquals(16, objectCapacityFor(8));
        assertEquals(8192, objectCapacityFor(MmapSettings.DEFAULT_MAX_OBJECTS));
        assertEquals(131_072, objectCapacityFor(100_000));
        assertEquals(1L << 23, objectCapacityFor(MmapSettings.MAX_OBJECTS_LIMIT));
        for (int limit = 1; limit < 5000; limit++) {
            long capacity = objectCapacityFor(limit);
            assertTrue(capacity * 7 / 8 >= limit && capacity / 2 * 7 / 8 < limit, "limit " + limit);
        }
        assertThrows(IllegalArgumentException.class, () -> MmapSettings.under(root).withMaxObjects(0));
        assertThrows(IllegalArgumentException.class,
                () -> MmapSettings.under(root).withMaxObjects(MmapSettings.MAX_OBJECTS_LIMIT + 1));
    }

    @Test
    void theObjectBeyondTheLimitIsRefusedWithLimitAndNothingHalfMade() {
        try (MmapBackend backend = new MmapBackend(MmapSettings.under(root).withMaxObjects(100))) {
            List<BackendHandle> handles = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                handles.add(backend.createOrOpen(ObjectType.SHARED_MEMORY, "o" + i, 64, MapOptions.DEFAULT));
            }
            try (TableEditor editor = new TableEditor(root)) {
                assertEquals(100, editor.word(OBJECT_LIMIT_OFFSET));
                assertEquals(128, editor.word(OBJECT_CAPACITY_OFFSET));
            }
            ShmException e = assertThrows(ShmException.class,
                    () -> backend.createOrOpen(ObjectType.SHARED_MEMORY, "one-more", 64, MapOptions.DEFAULT));
            assertEquals(ErrorReason.LIMIT, e.reason());
            assertTrue(e.getMessage().contains("at most 100 objects") && e.getMessage().contains("maxObjects"),
                    e.getMessage());
            assertTrue(backend.lookup("one-more").isEmpty(), "nothing half-made");
            assertEquals(100, backend.list().size());
            // an object that exists still opens at the limit; a freed slot takes a new object
            backend.open(ObjectType.SHARED_MEMORY, "o0", MapOptions.DEFAULT).close();
            handles.removeFirst().close();
            handles.add(backend.createOrOpen(ObjectType.SHARED_MEMORY, "one-more", 64, MapOptions.DEFAULT));
            handles.forEach(BackendHandle::close);
        }
    }

    @Test
    void aTableKeepsTheLimitItWasMadeWithUntilTheStoreIsEmpty() {
        try (MmapBackend small = new MmapBackend(MmapSettings.under(root).withMaxObjects(3));
             MmapBackend large = new MmapBackend(MmapSettings.under(root).withMaxObjects(1000))) {
            List<BackendHandle> handles = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                handles.add(large.createOrOpen(ObjectType.SHARED_MEMORY, "o" + i, 64, MapOptions.DEFAULT));
            }
            ShmException e = assertThrows(ShmException.class,
                    () -> large.createOrOpen(ObjectType.SHARED_MEMORY, "o3", 64, MapOptions.DEFAULT));
            assertEquals(ErrorReason.LIMIT, e.reason());
            handles.forEach(BackendHandle::close);
        }
        // every process left and every object went: the table was removed, the next one takes the new limit
        try (MmapBackend large = new MmapBackend(MmapSettings.under(root).withMaxObjects(1000))) {
            List<BackendHandle> handles = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                handles.add(large.createOrOpen(ObjectType.SHARED_MEMORY, "o" + i, 64, MapOptions.DEFAULT));
            }
            try (TableEditor editor = new TableEditor(root)) {
                assertEquals(1000, editor.word(OBJECT_LIMIT_OFFSET));
            }
            handles.forEach(BackendHandle::close);
        }
    }

    @Test
    void aTableOfThePreviousLayoutHoldsUpToItsCapacityAsBefore() {
        try (MmapBackend maker = new MmapBackend(MmapSettings.under(root).withMaxObjects(7))) {
            BackendHandle first = maker.createOrOpen(ObjectType.SHARED_MEMORY, "o0", 64, MapOptions.DEFAULT);
            try (TableEditor editor = new TableEditor(root)) {
                assertEquals(8, editor.word(OBJECT_CAPACITY_OFFSET));
                editor.putWord(OBJECT_LIMIT_OFFSET, 0);   // as every table written before the limit existed
            }
            try (MmapBackend backend = new MmapBackend(MmapSettings.under(root))) {
                List<BackendHandle> handles = new ArrayList<>();
                for (int i = 1; i < 8; i++) {
                    handles.add(backend.createOrOpen(ObjectType.SHARED_MEMORY, "o" + i, 64, MapOptions.DEFAULT));
                }
                ShmException e = assertThrows(ShmException.class,
                        () -> backend.createOrOpen(ObjectType.SHARED_MEMORY, "o8", 64, MapOptions.DEFAULT));
                assertEquals(ErrorReason.LIMIT, e.reason());
                assertTrue(e.getMessage().contains("at most 8 objects"), e.getMessage());
                assertEquals(8, backend.list().size());
                handles.forEach(BackendHandle::close);
            }
            first.close();
        }
    }

    @Test
    void aLimitBeyondTheCapacityIsRefusedAsCorrupt() {
        try (MmapBackend backend = new MmapBackend(MmapSettings.under(root).withMaxObjects(7))) {
            BackendHandle held = backend.createOrOpen(ObjectType.SHARED_MEMORY, "o0", 64, MapOptions.DEFAULT);
            try (TableEditor editor = new TableEditor(root)) {
                editor.putWord(OBJECT_LIMIT_OFFSET, 9);
            }
            try (MmapBackend other = new MmapBackend(MmapSettings.under(root))) {
                throw new AssertionError("a table with an object limit beyond its capacity was used: " + other);
            } catch (ShmException e) {
                assertEquals(ErrorReason.INCOMPATIBLE_STORE, e.reason());
                assertTrue(e.getMessage().contains("object limit") && e.getMessage().contains("offset 64"),
                        e.getMessage());
            }
            try (TableEditor editor = new TableEditor(root)) {
                editor.putWord(OBJECT_LIMIT_OFFSET, 7);
            }
            held.close();
        }
    }
}
