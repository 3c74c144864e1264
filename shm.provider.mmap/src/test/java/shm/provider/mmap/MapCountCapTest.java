package shm.provider.mmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import shm.api.ErrorReason;
import shm.api.ShmException;

/**
 * The process's cap on mappings ({@link MapCountCap}) over a simulated process: the JVM's own mappings, another
 * mapper's, and the mapper under test; what the cap lets through and how often it counts.
 */
class MapCountCapTest {

    private static final Path ROOT = Path.of("/dev/shm/cap-test");

    /** A process: {@code others} mappings not made by the mapper under test, {@code own} made by it. */
    private final AtomicInteger others = new AtomicInteger(900);
    private final AtomicInteger own = new AtomicInteger();
    private final AtomicInteger counts = new AtomicInteger();

    private MapCountCap cap(int maxMapCount, int headroom) {
        return new MapCountCap(() -> maxMapCount, headroom, () -> {
            counts.incrementAndGet();
            return others.get() + own.get();
        });
    }

    /** Maps one more through the cap, as the Mapper does; the kernel's count includes it only once it is made. */
    private void map(MapCountCap cap) {
        cap.admit(own.get() + 1, "x", ROOT);
        own.incrementAndGet();
    }

    @Test
    void theMapperAloneStopsExactlyAtTheCapAndCountsRarely() {
        MapCountCap cap = cap(65_530, 8192);
        assertEquals(57_338, cap.cap());
        ShmException refused = null;
        while (refused == null) {
            try {
                map(cap);
            } catch (ShmException e) {
                refused = e;
            }
        }
        assertEquals(ErrorReason.LIMIT, refused.reason());
        assertEquals(57_338, others.get() + own.get(), "the process has exactly its cap");
        assertTrue(refused.getMessage().contains("vm.max_map_count 65530") && refused.getMessage().contains("8192"),
                refused.getMessage());
        assertTrue(counts.get() < 80, counts.get() + " counts of /proc/self/maps for 56,438 mappings");
        assertTrue(counts.get() > 5, "it did count: " + counts.get());
        // a closed handle makes room again, at once
        own.decrementAndGet();
        map(cap);
        assertThrows(ShmException.class, () -> map(cap));
    }

    @Test
    void fourMappersOfOneProcessMappingAtOnceStayBelowTheCap() {
        AtomicInteger[] owns = new AtomicInteger[4];
        MapCountCap[] caps = new MapCountCap[4];
        for (int i = 0; i < 4; i++) {
            owns[i] = new AtomicInteger();
            caps[i] = new MapCountCap(() -> 65_530, 8192, () -> {
                counts.incrementAndGet();
                return others.get() + sum(owns);
            });
        }
        boolean[] refused = new boolean[4];
        int maxSeen = 0;
        while (!(refused[0] && refused[1] && refused[2] && refused[3])) {
            for (int i = 0; i < 4; i++) {
                try {
                    caps[i].admit(owns[i].get() + 1, "x", ROOT);
                    owns[i].incrementAndGet();
                    refused[i] = false;
                } catch (ShmException e) {
                    assertEquals(ErrorReason.LIMIT, e.reason());
                    refused[i] = true;
                }
                maxSeen = Math.max(maxSeen, others.get() + sum(owns));
            }
        }
        assertTrue(maxSeen <= 57_338, "the process reached " + maxSeen + " mappings, its cap is 57,338");
        assertTrue(counts.get() < 400, counts.get() + " counts");
    }

    private static int sum(AtomicInteger[] counters) {
        int sum = 0;
        for (AtomicInteger c : counters) {
            sum += c.get();
        }
        return sum;
    }

    @Test
    void aKernelLimitRaisedMeanwhileIsUsedWithoutARestart() {
        AtomicInteger kernel = new AtomicInteger(2000);
        MapCountCap cap = new MapCountCap(kernel::get, 1000, () -> others.get() + own.get());
        while (own.get() < 100) {
            map(cap);
        }
        assertEquals(ErrorReason.LIMIT, assertThrows(ShmException.class, () -> map(cap)).reason());
        assertEquals(1000, others.get() + own.get());
        kernel.set(3000);
        map(cap);
        assertEquals(2000, cap.cap());
    }

    @Test
    void theKernelsFigureIsReadAndAHeadroomBeyondItLeavesNoRoom() throws Exception {
        int kernel = MapCountCap.readMaxMapCount();
        assertEquals(Files.readAllLines(MapCountCap.MAX_MAP_COUNT).getFirst().strip(), String.valueOf(kernel));
        assertTrue(kernel >= 1024, "vm.max_map_count " + kernel);
        assertTrue(MapCountCap.countProcessMappings() > 10, "a JVM has mappings of its own");
        MapCountCap none = cap(100, 1000);
        assertEquals(0, none.cap());
        assertEquals(ErrorReason.LIMIT, assertThrows(ShmException.class, () -> map(none)).reason());
        assertThrows(IllegalArgumentException.class, () -> MmapSettings.under(ROOT).withMapCountHeadroom(
                MmapSettings.MIN_MAP_COUNT_HEADROOM - 1));
    }
}
