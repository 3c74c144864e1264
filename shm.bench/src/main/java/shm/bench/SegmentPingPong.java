package shm.bench;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

import shm.api.MapOptions;
import shm.api.ObjectType;
import shm.api.spi.BackendHandle;
import shm.provider.mmap.MmapBackend;
import shm.provider.mmap.MmapSettings;

/**
 * Cross-process round trip through two handles' segments of one object of the mmap backend: the pinger creates the
 * object and starts the ponger (a second JVM), which opens it through a backend of its own; both spin on 64-bit
 * sequence numbers with release stores and acquire loads, in the layout of {@code shmbase ping/pong} in
 * {@code shm.bench/reference} (ping at data offset 0, pong at 64, ready at 256), unpinned, without a spin hint. Prints
 * the median, 99th and 99.9th percentile in ns.
 *
 * <pre>
 *   java -cp ... shm.bench.SegmentPingPong ping ROOT N WARM     (starts its ponger itself)
 * </pre>
 */
public final class SegmentPingPong {

    private static final long PING = 0;
    private static final long PONG = 64;
    private static final long READY = 256;
    private static final long SIZE = 4096;
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    private SegmentPingPong() {
    }

    /** {@code ping ROOT N WARM} or {@code pong ROOT}. */
    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[1]);
        try (MmapBackend backend = new MmapBackend(MmapSettings.under(root))) {
            if (args[0].equals("pong")) {
                try (BackendHandle handle = backend.open(ObjectType.SHARED_MEMORY, "pp", MapOptions.DEFAULT)) {
                    pong(handle.segment());
                }
            } else {
                try (BackendHandle handle = backend.createOrOpen(ObjectType.SHARED_MEMORY, "pp", SIZE,
                        MapOptions.DEFAULT)) {
                    ping(handle.segment(), root, Integer.parseInt(args[2]), Integer.parseInt(args[3]));
                }
            }
        }
    }

    private static void ping(MemorySegment s, Path root, int n, int warm) throws Exception {
        Process ponger = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                SegmentPingPong.class.getName(), "pong", root.toString()).inheritIO().start();
        while ((long) LONG.getAcquire(s, READY) != 1) {
            if (!ponger.isAlive()) {
                throw new IllegalStateException("the ponger ended before it was ready");
            }
            Thread.sleep(0, 100_000);
        }
        long[] scratch = new long[Math.max(1, warm / 2000)];
        long seq = 1;
        for (int i = 0; i < 2000; i++) {
            seq = measure(s, scratch, seq);
        }
        Thread.sleep(500);
        long[] samples = new long[n];
        measure(s, samples, seq);
        LONG.setRelease(s, PING, -1L);
        ponger.waitFor();
        Arrays.sort(samples);
        System.out.printf(Locale.ROOT, "RESULT platform.segment.pingpong p50=%d p99=%d p99.9=%d max=%d unit=ns n=%d%n",
                samples[n / 2], samples[(int) (n * 0.99)], samples[(int) (n * 0.999)], samples[n - 1], n);
    }

    private static long measure(MemorySegment s, long[] samples, long seq) {
        for (int i = 0; i < samples.length; i++, seq++) {
            long start = System.nanoTime();
            LONG.setRelease(s, PING, seq);
            while ((long) LONG.getAcquire(s, PONG) != seq) {
                // spin
            }
            samples[i] = System.nanoTime() - start;
        }
        return seq;
    }

    private static void pong(MemorySegment s) {
        LONG.setRelease(s, READY, 1L);
        long expect = 1;
        while (true) {
            long v = (long) LONG.getAcquire(s, PING);
            if (v == expect) {
                LONG.setRelease(s, PONG, expect);
                expect++;
            } else if (v == -1) {
                return;
            }
        }
    }
}
