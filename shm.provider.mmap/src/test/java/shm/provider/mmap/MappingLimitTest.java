package shm.provider.mmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
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
 * Mappings beyond the backend's limit (issue 12, break 5): the backend refuses the mapping beyond its limit with
 * LIMIT, well before the kernel's {@code vm.max_map_count} would make the JVM fail, and works on once handles close.
 * Handles of one object share its mapping (issue 14), so only distinct objects (or accesses) take mappings.
 */
class MappingLimitTest {

    /** A fresh directory on tmpfs and a root in it that does not exist yet; no backend: each test makes its own. */
    @RegisterExtension
    final StoreFixture<AutoCloseable> store = new StoreFixture<>("shm-test", root -> () -> { });
    private final Path root = store.root();

    @Test
    void theMappingBeyondTheLimitIsRefusedWithLimit() {
        try (MmapBackend backend = new MmapBackend(MmapSettings.under(root).withMaxMappings(64))) {
            List<BackendHandle> handles = new ArrayList<>();
            while (handles.size() < 63) {   // the table is the 64th mapping
                handles.add(backend.createOrOpen(ObjectType.SHARED_MEMORY, "o" + handles.size(), 64,
                        MapOptions.DEFAULT));
            }
            ShmException e = assertThrows(ShmException.class,
                    () -> backend.createOrOpen(ObjectType.SHARED_MEMORY, "one-too-many", 64, MapOptions.DEFAULT));
            assertEquals(ErrorReason.LIMIT, e.reason());
            assertTrue(e.getMessage().contains("maxMappings"), e.getMessage());
            assertTrue(backend.lookup("one-too-many").isEmpty(), "the refused create left nothing behind");
            assertEquals(List.of(), TableInvariants.violations(backend));
            handles.removeLast().close();
            handles.add(backend.createOrOpen(ObjectType.SHARED_MEMORY, "one-too-many", 64, MapOptions.DEFAULT));
            handles.forEach(BackendHandle::close);
            assertEquals(1, backend.mappings(), "only the table is mapped once every handle is closed");
        }
    }

    @Test
    void handlesOfOneObjectShareOneMappingWhateverTheirNumber() throws Exception {
        long maxMapCount = Long.parseLong(Files.readAllLines(Path.of("/proc/sys/vm/max_map_count")).getFirst().strip());
        assertTrue(MmapSettings.DEFAULT_MAX_MAPPINGS < maxMapCount / 2, "default " + MmapSettings.DEFAULT_MAX_MAPPINGS
                + " vs vm.max_map_count " + maxMapCount);
        try (MmapBackend backend = new MmapBackend(MmapSettings.under(root).withMaxMappings(64))) {
            List<BackendHandle> handles = new ArrayList<>();
            handles.add(backend.createOrOpen(ObjectType.SHARED_MEMORY, "one", 64, MapOptions.DEFAULT));
            while (handles.size() < 1000) {
                handles.add(backend.open(ObjectType.SHARED_MEMORY, "one", handles.size() % 2 == 0
                        ? MapOptions.DEFAULT : MapOptions.DEFAULT.withConfined(true)));
            }
            assertEquals(2, backend.mappings(), "the table and the object, once");
            assertEquals(1000, backend.lookup("one").orElseThrow().holders().getFirst().handles());
            handles.forEach(BackendHandle::close);
            assertEquals(1, backend.mappings());
        }
    }
}
