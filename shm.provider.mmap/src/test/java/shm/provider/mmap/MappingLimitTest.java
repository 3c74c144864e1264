package shm.provider.mmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * One object opened over and over (issue 12, break 5): the backend refuses the handle beyond its mapping limit with
 * LIMIT, well before the kernel's {@code vm.max_map_count} would make the JVM fail, and works on once handles close.
 */
class MappingLimitTest {

    /** A fresh directory on tmpfs and a root in it that does not exist yet; no backend: each test makes its own. */
    @RegisterExtension
    final StoreFixture<AutoCloseable> store = new StoreFixture<>("shm-test", root -> () -> { });
    private final Path root = store.root();

    @Test
    void theHandleBeyondTheLimitIsRefusedWithLimit() {
        try (MmapBackend backend = new MmapBackend(MmapSettings.under(root).withMaxMappings(64))) {
            List<BackendHandle> handles = new ArrayList<>();
            handles.add(backend.createOrOpen(ObjectType.SHARED_MEMORY, "one", 64, MapOptions.DEFAULT));
            while (handles.size() < 63) {   // the table is the 64th mapping
                handles.add(backend.open(ObjectType.SHARED_MEMORY, "one", MapOptions.DEFAULT));
            }
            ShmException e = assertThrows(ShmException.class,
                    () -> backend.open(ObjectType.SHARED_MEMORY, "one", MapOptions.DEFAULT));
            assertEquals(ErrorReason.LIMIT, e.reason());
            assertTrue(e.getMessage().contains("maxMappings"), e.getMessage());
            assertEquals(63, backend.lookup("one").orElseThrow().holders().getFirst().handles(),
                    "the refused open counted no handle");
            handles.removeLast().close();
            handles.add(backend.open(ObjectType.SHARED_MEMORY, "one", MapOptions.DEFAULT));
            handles.forEach(BackendHandle::close);
            assertEquals(1, backend.mappings(), "only the table is mapped once every handle is closed");
        }
    }

    /**
     * With no limit of the backend's own (the default), the process's cap stops the handles well before the kernel's
     * {@code vm.max_map_count}: before the cap, the JVM crashed at about 65,300 handles here (an hs_err file, no
     * exception), since it could no longer map its own memory.
     */
    @Test
    void theProcessCapStopsWellBeforeTheKernelsMapCountAndTheJvmLives() throws Exception {
        int maxMapCount = MapCountCap.readMaxMapCount();
        int cap = maxMapCount - MmapSettings.DEFAULT_MAP_COUNT_HEADROOM;
        assertEquals(0, MmapSettings.DEFAULT_MAX_MAPPINGS, "no limit of the backend's own by default");
        try (MmapBackend backend = new MmapBackend(MmapSettings.under(root))) {
            List<BackendHandle> handles = new ArrayList<>();
            handles.add(backend.createOrOpen(ObjectType.SHARED_MEMORY, "one", 64, MapOptions.DEFAULT));
            long start = System.nanoTime();
            ShmException refused = null;
            while (refused == null) {
                try {
                    handles.add(backend.open(ObjectType.SHARED_MEMORY, "one", MapOptions.DEFAULT));
                } catch (ShmException e) {
                    refused = e;
                }
            }
            int processMappings = MapCountCap.countProcessMappings();
            System.out.printf("process cap: %d handles of one object, then %s after %d ms; the process has %d"
                            + " mappings, cap %d, vm.max_map_count %d%n", handles.size(), refused.reason(),
                    (System.nanoTime() - start) / 1_000_000, processMappings, cap, maxMapCount);
            assertEquals(ErrorReason.LIMIT, refused.reason(), refused.getMessage());
            assertTrue(refused.getMessage().contains("vm.max_map_count " + maxMapCount)
                    && refused.getMessage().contains("sysctl"), refused.getMessage());
            assertTrue(processMappings >= cap - 64 && processMappings <= cap + 64, "the process stopped at "
                    + processMappings + " mappings, its cap is " + cap);
            assertEquals(handles.size(), backend.lookup("one").orElseThrow().holders().getFirst().handles(),
                    "the refused open counted no handle");
            // the JVM still maps its own memory: a thread (a stack) and a fresh array (heap) work
            Thread thread = Thread.ofPlatform().start(() -> { });
            thread.join();
            assertEquals(1 << 20, new byte[1 << 20].length);
            for (int i = 0; i < 64; i++) {   // room again, also after the JVM's own new mappings (the thread)
                handles.removeLast().close();
            }
            handles.add(backend.open(ObjectType.SHARED_MEMORY, "one", MapOptions.DEFAULT));
            handles.forEach(BackendHandle::close);
            assertEquals(1, backend.mappings(), "only the table is mapped once every handle is closed");
        }
    }
}
