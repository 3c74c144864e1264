package shm.bench;

import java.io.IOException;
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
 * The control-path cycles of {@link LifecycleBenchmark} as a plain loop, for counting system calls per cycle with
 * {@code strace -f -c} (robust on a loaded machine, where throughput is not): run it with two cycle counts and divide
 * the difference of the counts by the difference of the cycles, which cancels start-up and shut-down.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp 'shm.bench/target/classes:shm.bench/target/lib/*' \
 *      shm.bench.ControlPathLoop &lt;create|open|open-held&gt; &lt;cycles&gt; [reserve] [confined]
 * </pre>
 *
 * {@code create}: create→map→close of a 4 KiB object; {@code open}: open→map→close of an object another backend
 * instance holds (the system calls of an object held by another process); {@code open-held}: open→close of an object
 * this backend holds. Prints the cycles per second and the calling thread's CPU time per cycle of each of
 * {@code -Drounds} rounds (default 3).
 */
public final class ControlPathLoop {

    private ControlPathLoop() {
    }

    public static void main(String[] args) throws IOException {
        String mode = args[0];
        int cycles = Integer.parseInt(args[1]);
        boolean reserve = args.length > 2 && Boolean.parseBoolean(args[2]);
        MapOptions options = args.length > 3 && args[3].equals("confined") ? MapOptions.DEFAULT.withConfined(true)
                : MapOptions.DEFAULT;
        int rounds = Integer.getInteger("rounds", 3);
        Path root = Path.of("/dev/shm", "shm-loop-" + ProcessHandle.current().pid(), "ns");
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (MmapBackend backend = new MmapBackend(MmapSettings.under(root).withReserveSpace(reserve));
             MmapBackend holder = new MmapBackend(MmapSettings.under(root).withReserveSpace(reserve));
             BackendHandle elsewhere = holder.createOrOpen(ObjectType.SHARED_MEMORY, "elsewhere", 4096,
                     MapOptions.DEFAULT);
             BackendHandle here = backend.createOrOpen(ObjectType.SHARED_MEMORY, "here", 4096, MapOptions.DEFAULT)) {
            long sink = elsewhere.segment().address() ^ here.segment().address();
            for (int round = 0; round < rounds; round++) {
                long cpu = threads.getCurrentThreadCpuTime();
                long start = System.nanoTime();
                for (int i = 0; i < cycles; i++) {
                    String name = switch (mode) {
                        case "create" -> "cycle";
                        case "open" -> "elsewhere";
                        case "open-held" -> "here";
                        default -> throw new IllegalArgumentException("create, open or open-held, not " + mode);
                    };
                    try (BackendHandle h = mode.equals("create")
                            ? backend.createOrOpen(ObjectType.SHARED_MEMORY, name, 4096, options)
                            : backend.open(ObjectType.SHARED_MEMORY, name, options)) {
                        sink ^= h.segment().address();
                    }
                }
                long nanos = System.nanoTime() - start;
                System.out.printf("%s round %d: %.0f cycles/s, thread CPU %.1f us/cycle%n", mode, round,
                        cycles * 1e9 / nanos, (threads.getCurrentThreadCpuTime() - cpu) / 1e3 / cycles);
            }
            if (sink == 42) {
                System.out.println();
            }
        } finally {
            Trees.deleteRecursively(root.getParent());
        }
    }
}
