package shm.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import shm.api.MapOptions;
import shm.api.ObjectType;
import shm.api.ShmException;
import shm.api.spi.BackendHandle;
import shm.provider.mmap.MmapBackend;
import shm.provider.mmap.MmapSettings;
import shm.testkit.Trees;

/**
 * Scale of the mmap backend in one process (issue 14): the process's mapping cap at the kernel's current
 * {@code vm.max_map_count}, then, with the sysctl raised, a store of {@code N} objects each held open: create, open
 * of a held object, {@code list()}, a reap and close, in objects per second, and the heap each open handle costs
 * (heap used after a full GC, before and after, divided by the handles).
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp 'shm.bench/target/classes:shm.bench/target/lib/*' \
 *     shm.bench.ScaleBenchmark [objects (100000)] [vm.max_map_count to raise to (262144; 0: leave it)]
 * </pre>
 *
 * Raising the sysctl needs root; it is put back to its value at start when the program ends. Each result is one line
 * {@code RESULT scale <figure> <value> <unit>}.
 */
public final class ScaleBenchmark {

    private static final Path MAX_MAP_COUNT = Path.of("/proc/sys/vm/max_map_count");
    private static final long SIZE = 4096;

    private ScaleBenchmark() {
    }

    /**
     * Runs the benchmark.
     *
     * @param args the number of objects, and the {@code vm.max_map_count} to raise to
     */
    public static void main(String[] args) throws Exception {
        int objects = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        long raiseTo = args.length > 1 ? Long.parseLong(args[1]) : 262_144;
        Path base = Path.of("/dev/shm", "shm-bench-scale-" + ProcessHandle.current().pid());
        long original = readMaxMapCount();
        System.out.printf("scale benchmark: %d objects, %d cores, load average %.1f%n", objects,
                Runtime.getRuntime().availableProcessors(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        try {
            capAtTheCurrentMapCount(base.resolve("cap"), original);
            if (raiseTo > original) {
                Runtime.getRuntime().addShutdownHook(new Thread(() -> restore(original)));   // also on SIGTERM
                try {
                    writeMaxMapCount(raiseTo);
                } catch (IOException e) {
                    System.out.println("cannot raise vm.max_map_count (" + e + "): run as root, or raise it first and"
                            + " pass 0; the store stops at the cap above");
                }
                System.out.printf("vm.max_map_count raised from %d to %d for the store of %d objects%n", original,
                        readMaxMapCount(), objects);
            }
            store(base.resolve("store"), objects);
        } finally {
            restore(original);
            Trees.deleteRecursively(base);
        }
    }

    /** Puts {@code vm.max_map_count} back to what it was at start, if it was changed. */
    private static synchronized void restore(long original) {
        try {
            if (readMaxMapCount() != original) {
                writeMaxMapCount(original);
                System.out.printf("vm.max_map_count put back to %d%n", original);
            }
        } catch (IOException e) {
            System.out.println("cannot put vm.max_map_count back to " + original + ": " + e);
        }
    }

    /** Opens one object over and over with the default settings until the process's cap refuses one. */
    private static void capAtTheCurrentMapCount(Path root, long maxMapCount) {
        try (MmapBackend backend = new MmapBackend(MmapSettings.under(root))) {
            List<BackendHandle> handles = new ArrayList<>();
            handles.add(backend.createOrOpen(ObjectType.SHARED_MEMORY, "one", SIZE, MapOptions.DEFAULT));
            long start = System.nanoTime();
            ShmException refused = null;
            while (refused == null) {
                try {
                    handles.add(backend.open(ObjectType.SHARED_MEMORY, "one", MapOptions.DEFAULT));
                } catch (ShmException e) {
                    refused = e;
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            result("vm.max_map_count", maxMapCount, "mappings");
            result("cap.handles", handles.size(), "handles");
            result("cap.process_mappings_at_refusal", processMappings(), "mappings");
            result("cap.open_rate", (handles.size() - 1) / seconds, "opens/s");
            System.out.println("cap: refused with " + refused.reason() + ": " + refused.getMessage());
            System.out.println("cap: the JVM lives on: " + Thread.ofPlatform().start(() -> { }).isAlive()
                    + " (a new thread could be started)");
            handles.forEach(BackendHandle::close);
        }
    }

    /** A store of {@code n} objects, each held open; then a second handle of each; list, reap, close. */
    private static void store(Path root, int n) {
        try (MmapBackend backend = new MmapBackend(MmapSettings.under(root).withMaxObjects(n))) {
            String[] names = new String[n];
            for (int i = 0; i < n; i++) {
                names[i] = String.format(Locale.ROOT, "scale-%06d", i);
            }
            BackendHandle[] created = new BackendHandle[n];
            BackendHandle[] opened = new BackendHandle[n];
            long heapBefore = heapAfterGc();
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                created[i] = backend.createOrOpen(ObjectType.SHARED_MEMORY, names[i], SIZE, MapOptions.DEFAULT);
            }
            result("store.create_rate", n / seconds(start), "objects/s");
            long heapCreated = heapAfterGc();
            result("store.heap_per_created_handle", (heapCreated - heapBefore) / (double) n, "bytes");
            start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                opened[i] = backend.open(ObjectType.SHARED_MEMORY, names[i], MapOptions.DEFAULT);
            }
            result("store.open_held_rate", n / seconds(start), "opens/s");
            result("store.heap_per_opened_handle", (heapAfterGc() - heapCreated) / (double) n, "bytes");
            result("store.handles_open", 2L * n, "handles");
            start = System.nanoTime();
            result("store.process_mappings", processMappings(), "mappings");
            result("store.proc_self_maps_read_ms", (System.nanoTime() - start) / 1e6, "ms");
            for (int round = 1; round <= 3; round++) {
                start = System.nanoTime();
                int listed = backend.list().size();
                result("store.list_ms." + round, (System.nanoTime() - start) / 1e6, "ms");
                if (listed != n) {
                    throw new IllegalStateException("list() gave " + listed + " objects, not " + n);
                }
            }
            for (int round = 1; round <= 3; round++) {
                start = System.nanoTime();
                backend.lookup(names[(n / 3) * round - 1]).orElseThrow();
                result("store.lookup_us." + round, (System.nanoTime() - start) / 1e3, "us");
            }
            for (int round = 1; round <= 2; round++) {
                start = System.nanoTime();
                backend.reapDeadProcesses();
                result("store.reap_ms." + round, (System.nanoTime() - start) / 1e6, "ms");
            }
            start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                opened[i].close();
            }
            result("store.close_held_rate", n / seconds(start), "closes/s");
            start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                created[i].close();
            }
            result("store.close_last_rate", n / seconds(start), "closes/s");
        }
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static void result(String figure, double value, String unit) {
        System.out.printf(Locale.ROOT, "RESULT scale %s %.1f %s%n", figure, value, unit);
    }

    /** Heap in use after full collections, settled. */
    private static long heapAfterGc() {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    private static long processMappings() {
        try {
            return Files.readAllLines(Path.of("/proc/self/maps"), StandardCharsets.US_ASCII).size();
        } catch (IOException e) {
            return -1;
        }
    }

    private static long readMaxMapCount() throws IOException {
        return Long.parseLong(Files.readAllLines(MAX_MAP_COUNT, StandardCharsets.US_ASCII).getFirst().strip());
    }

    private static void writeMaxMapCount(long value) throws IOException {
        Files.writeString(MAX_MAP_COUNT, value + "\n", StandardCharsets.US_ASCII);
    }
}
