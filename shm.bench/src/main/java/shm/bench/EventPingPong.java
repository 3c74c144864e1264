package shm.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

import shm.api.NamedEvent;
import shm.api.WaitResult;
import shm.provider.mmap.MmapBackend;
import shm.provider.mmap.MmapSettings;

/**
 * Cross-process round trip through two named auto-reset events of the mmap backend: the pinger sets "ping" and waits
 * for "pong", the ponger (a second JVM) waits for "ping" and sets "pong". Both block in the kernel (futex), unlike the
 * spinning reference in {@code shm.bench/reference}. Prints the median, 99th percentile and 99.9th percentile in ns.
 *
 * <pre>
 *   java -cp ... shm.bench.EventPingPong ping ROOT N WARM     (starts its ponger itself)
 * </pre>
 */
public final class EventPingPong {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

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
             NamedEvent stop = backend.createOrOpenEvent("stop", true, false)) {
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
            stop.set();
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
             NamedEvent stop = backend.openEvent("stop")) {
            // The stop test comes after the answer, while the pinger takes it: a test of an event through the API
            // is not a round trip's work (the C pair reads a plain word on its path instead).
            while (ping.await(PATIENCE) == WaitResult.SIGNALED) {
                pong.set();
                if (stop.await(Duration.ZERO) == WaitResult.SIGNALED) {
                    return;
                }
            }
        }
    }
}
