package shm.bench;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

import shm.api.MapOptions;
import shm.api.NamedEvent;
import shm.api.ObjectType;
import shm.api.WaitResult;
import shm.api.spi.BackendHandle;
import shm.provider.mmap.MmapBackend;
import shm.provider.mmap.MmapSettings;

/**
 * Cross-process round trip through two named auto-reset events of the mmap backend: the pinger sets "ping" and waits
 * for "pong", the ponger (a second JVM) waits for "ping" and sets "pong". Both block in the kernel (futex), unlike the
 * spinning reference in {@code shm.bench/reference}. Prints the median, 99th percentile and 99.9th percentile in ns.
 *
 * <p>The end is told as the blocking C reference ({@code eventpp.c}) tells it: the pinger writes a stop word in a shared
 * object before its last ping, and the ponger reads that word after each ping, before it answers. Both sides of the
 * comparison thus do the same work per round trip: two event sets, two waits, one read of a plain word.
 *
 * <pre>
 *   java -cp ... shm.bench.EventPingPong ping ROOT N WARM     (starts its ponger itself)
 * </pre>
 */
public final class EventPingPong {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    /** The shared object that holds the stop word (an int at offset 0), 4 KiB as the C pair's object. */
    private static final String STOP_OBJECT = "stop";
    private static final long STOP_SIZE = 4096;
    private static final VarHandle STOP_WORD = ValueLayout.JAVA_INT.varHandle();

    private EventPingPong() {
    }

    /** {@code ping ROOT N WARM} or {@code pong ROOT}. */
    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[1]);
        try (MmapBackend backend = new MmapBackend(MmapSettings.under(root))) {
            if (args[0].equals("pong")) {
                pong(backend);
            } else {
                ping(backend, root, Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            }
        }
    }

    private static void ping(MmapBackend backend, Path root, int n, int warm) throws Exception {
        try (NamedEvent ping = backend.createOrOpenEvent("ping", false, false);
             NamedEvent pong = backend.createOrOpenEvent("pong", false, false);
             BackendHandle stop = backend.createOrOpen(ObjectType.SHARED_MEMORY, STOP_OBJECT, STOP_SIZE,
                     MapOptions.DEFAULT)) {
            Process ponger = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                    EventPingPong.class.getName(), "pong", root.toString()).inheritIO().start();
            long[] samples = new long[n];
            for (int i = -warm; i < n; i++) {
                long start = System.nanoTime();
                ping.set();
                if (pong.await(PATIENCE) != WaitResult.SIGNALED) {
                    throw new IllegalStateException("the ponger did not answer round trip " + i);
                }
                if (i >= 0) {
                    samples[i] = System.nanoTime() - start;
                }
            }
            STOP_WORD.setRelease(stop.segment(), 0L, 1);
            ping.set();
            ponger.waitFor();
            Arrays.sort(samples);
            System.out.printf(Locale.ROOT, "RESULT platform.event.pingpong p50=%d p99=%d p99.9=%d max=%d unit=ns n=%d%n",
                    samples[n / 2], samples[(int) (n * 0.99)], samples[(int) (n * 0.999)], samples[n - 1], n);
        }
    }

    private static void pong(MmapBackend backend) {
        try (NamedEvent ping = backend.openEvent("ping");
             NamedEvent pong = backend.openEvent("pong");
             BackendHandle stop = backend.open(ObjectType.SHARED_MEMORY, STOP_OBJECT, MapOptions.DEFAULT)) {
            MemorySegment stopWord = stop.segment();
            while (ping.await(PATIENCE) == WaitResult.SIGNALED) {
                if ((int) STOP_WORD.getAcquire(stopWord, 0L) != 0) {
                    return;
                }
                pong.set();
            }
        }
    }
}
