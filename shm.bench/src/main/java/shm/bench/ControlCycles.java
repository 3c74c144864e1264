package shm.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;

import shm.api.MapOptions;
import shm.api.ObjectType;
import shm.api.spi.BackendHandle;
import shm.provider.mmap.MmapBackend;
import shm.provider.mmap.MmapSettings;
import shm.testkit.Trees;

/**
 * A fixed number of control-path cycles of the mmap backend, for counting system calls with {@code strace -c -f}:
 * {@code run.sh} runs it twice with different counts and divides the difference by the difference of the counts, so
 * the JVM's own start and end cancel out. Modes: {@code create} (create→map→close of a 4 KiB object, space
 * reserved), {@code create-unreserved} (the same with the backend's space reservation off),
 * {@code open-elsewhere} (open→map→close of an object the C peer holds, see {@link CPeerHolder}), {@code open-here}
 * (the same for an object another handle of this process holds); each also with the suffix {@code -confined}, whose
 * handles are {@link MapOptions#confined() confined} (the single-thread mode, whose close pauses no other thread), and
 * {@code open-here-shared}: confined handles that share the held handle's mapping and hold
 * ({@link MapOptions#shareMapping()}). A further suffix {@code -unkept} runs the mode with the backend's
 * {@link MmapSettings#keptMappings()} at 0: every open maps the file anew, as the first open of an object here does,
 * instead of using the mapping its last close kept; the suffix {@code -spares} (last) runs it with
 * {@link MmapSettings#spareFiles()} at {@value #SPARE_FILES}: a create takes the file the previous cycle's close left as a
 * spare instead of making a new one.
 * {@value #WARM} warm-up cycles run first in both runs (or {@code WARM} of them when given), so the difference holds
 * the steady state's cycles only. At the end it prints the measured cycles' rate and the calling thread's CPU time per
 * cycle (a figure that a loaded machine disturbs less than the rate). {@code run.sh}'s paired rounds give a longer
 * warm-up, so that the rate is the compiled code's, and run the C program {@code cycles} between two such runs.
 *
 * <pre>
 *   java -cp ... shm.bench.ControlCycles MODE ROOT N [WARM]
 * </pre>
 */
public final class ControlCycles {

    private static final int WARM = 500;
    private static final String CONFINED = "-confined";
    private static final String OPEN_HERE_SHARED = "open-here-shared";
    private static final String CREATE_UNRESERVED = "create-unreserved";
    private static final String UNKEPT = "-unkept";
    private static final String SPARES = "-spares";
    private static final int SPARE_FILES = 4;

    private ControlCycles() {
    }

    /** {@code MODE ROOT N [WARM]}. */
    public static void main(String[] args) throws Exception {
        String mode = args[0];
        boolean spares = mode.endsWith(SPARES);
        String unsuffixed = spares ? mode.substring(0, mode.length() - SPARES.length()) : mode;
        boolean unkept = unsuffixed.endsWith(UNKEPT);
        String kind = unkept ? unsuffixed.substring(0, unsuffixed.length() - UNKEPT.length()) : unsuffixed;
        Path root = Path.of(args[1]);
        int n = Integer.parseInt(args[2]);
        int warm = args.length > 3 ? Integer.parseInt(args[3]) : WARM;
        boolean shared = kind.equals(OPEN_HERE_SHARED);
        MapOptions options = kind.endsWith(CONFINED) || shared ? MapOptions.DEFAULT.withConfined(true)
                .withShareMapping(shared) : MapOptions.DEFAULT;
        String base = shared ? "open-here"
                : kind.endsWith(CONFINED) ? kind.substring(0, kind.length() - CONFINED.length()) : kind;
        boolean unreserved = base.equals(CREATE_UNRESERVED);
        MmapSettings settings = MmapSettings.under(root).withReserveSpace(!unreserved)
                .withKeptMappings(unkept ? 0 : MmapSettings.DEFAULT_KEPT_MAPPINGS)
                .withSpareFiles(spares ? SPARE_FILES : 0);
        try (MmapBackend backend = new MmapBackend(settings)) {
            switch (base) {
                case "create", CREATE_UNRESERVED -> cycles(mode, () -> create(backend, options), n, warm);
                case "open-here" -> {
                    try (BackendHandle held = backend.createOrOpen(ObjectType.SHARED_MEMORY, "held", 4096,
                            MapOptions.DEFAULT)) {
                        cycles(mode, () -> open(backend, options), n, warm);
                    }
                }
                case "open-elsewhere" -> {
                    try (CPeerHolder peer = CPeerHolder.hold(root, "held", 4096)) {
                        cycles(mode, () -> open(backend, options), n, warm);
                    }
                }
                default -> throw new IllegalArgumentException("mode: create | create-unreserved | open-here"
                        + " | open-elsewhere, each optionally with " + CONFINED + "; or " + OPEN_HERE_SHARED
                        + "; any of them optionally with " + UNKEPT + ", then " + SPARES);
            }
        } finally {
            Trees.deleteRecursively(root);
        }
    }

    private static void cycles(String mode, Runnable cycle, int count, int warm) {
        for (int i = 0; i < warm; i++) {
            cycle.run();
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpu = threads.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            cycle.run();
        }
        long nanos = System.nanoTime() - start;
        if (count > 0) {
            System.out.printf("CYCLES mode=%s n=%d per_s=%.0f thread_cpu_us=%.1f%n", mode, count, count * 1e9 / nanos,
                    (threads.getCurrentThreadCpuTime() - cpu) / 1e3 / count);
        }
    }

    private static void create(MmapBackend backend, MapOptions options) {
        try (BackendHandle h = backend.createOrOpen(ObjectType.SHARED_MEMORY, "cycle", 4096, options)) {
            h.segment().address();
        }
    }

    private static void open(MmapBackend backend, MapOptions options) {
        try (BackendHandle h = backend.open(ObjectType.SHARED_MEMORY, "held", options)) {
            h.segment().address();
        }
    }
}
