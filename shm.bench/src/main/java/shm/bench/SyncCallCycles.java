package shm.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

import shm.api.NamedEvent;
import shm.personality.intime.IntimePersonality;
import shm.personality.intime.IntimeSettings;
import shm.personality.rtx.RtxPersonality;
import shm.personality.rtx.RtxSettings;
import shm.provider.mmap.MmapBackend;
import shm.provider.mmap.MmapSettings;

/**
 * The personalities' cost over the backend for the calls a real-time program makes most: an auto-reset event set and
 * then tested with a zero timeout, through the backend's {@link NamedEvent}, the RTX personality
 * ({@code RtSetEvent} + {@code RtWaitForSingleObject(h, 0)}) and the INtime personality ({@code RtSetEvent} +
 * {@code WaitForSingleObject(h, 0)}) of a process holding 1, 11 and 101 iwin32 handles (an iwin32 call first looks
 * for the handles another process closed). Each path runs in a loop of its own method, as a program's loop around its
 * calls would; the paths take turns in one JVM, rounds of {@code PAIRS} pairs each after one warm-up round; prints per
 * path the median over the rounds of the time per pair and of its ratio to the backend's.
 *
 * <pre>
 *   java -cp ... shm.bench.SyncCallCycles ROOT PAIRS ROUNDS
 * </pre>
 * Prints lines {@code SYNC path=backend|rtx|iwin32 handles=N ns_per_pair=.. times_backend=.. rounds=.. pairs=..}.
 */
public final class SyncCallCycles {

    private static final int[] IWIN32_HANDLES = {1, 11, 101};

    private SyncCallCycles() {
    }

    /** {@code ROOT PAIRS ROUNDS}. */
    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        int pairs = Integer.parseInt(args[1]);
        int rounds = Integer.parseInt(args[2]);
        try (MmapBackend backend = new MmapBackend(MmapSettings.under(root.resolve("store")))) {
            NamedEvent event = backend.createOrOpenEvent("backend-event", false, false);
            RtxPersonality rtx = new RtxPersonality(backend, RtxSettings.defaults());
            long rtxEvent = rtx.RtCreateEvent(false, false, "rtx-event").handle();
            IntimePersonality[] intime = new IntimePersonality[IWIN32_HANDLES.length];
            long[] intimeEvent = new long[IWIN32_HANDLES.length];
            for (int p = 0; p < intime.length; p++) {
                intime[p] = new IntimePersonality(backend, IntimeSettings.defaults());
                intimeEvent[p] = intime[p].RtCreateEvent(false, false, "iwin32-event-" + p).handle();
                for (int h = 1; h < IWIN32_HANDLES[p]; h++) {
                    intime[p].RtCreateEvent(false, false, "iwin32-other-" + p + "-" + h);
                }
            }
            int paths = 2 + intime.length;
            double[][] nanos = new double[paths][rounds + 1];
            for (int round = 0; round <= rounds; round++) {   // round 0 warms up and is not counted
                for (int path = 0; path < paths; path++) {
                    long start = System.nanoTime();
                    long sink = switch (path) {
                        case 0 -> backendPairs(event, pairs);
                        case 1 -> rtxPairs(rtx, rtxEvent, pairs);
                        default -> iwin32Pairs(intime[path - 2], intimeEvent[path - 2], pairs);
                    };
                    nanos[path][round] = (System.nanoTime() - start) / (double) pairs + (sink == 42 ? 1e-9 : 0);
                }
            }
            double[] backendPerRound = Arrays.copyOfRange(nanos[0], 1, rounds + 1);
            for (int path = 0; path < paths; path++) {
                double[] perRound = Arrays.copyOfRange(nanos[path], 1, rounds + 1);
                double[] times = new double[rounds];
                for (int r = 0; r < rounds; r++) {
                    times[r] = perRound[r] / backendPerRound[r];
                }
                String name = path == 0 ? "backend" : path == 1 ? "rtx" : "iwin32";
                int handles = path < 2 ? 1 : IWIN32_HANDLES[path - 2];
                System.out.printf(Locale.ROOT, "SYNC path=%s handles=%d ns_per_pair=%.1f times_backend=%.3f rounds=%d"
                        + " pairs=%d%n", name, handles, median(perRound), median(times), rounds, pairs);
            }
            for (IntimePersonality process : intime) {
                process.close();
            }
            rtx.close();
            event.close();
        }
    }

    // One method per path, as a program's own loop around its calls would be: a loop that took every path in turn
    // made the JIT compile the three into one method, whose inlining budget the paths then shared (the RTX pair
    // measured 56 ns there against 33 ns in a loop of its own).

    private static long backendPairs(NamedEvent event, int pairs) {
        long sink = 0;
        for (int i = 0; i < pairs; i++) {
            event.set();
            sink += event.await(Duration.ZERO).ordinal();
        }
        return sink;
    }

    private static long rtxPairs(RtxPersonality rtx, long handle, int pairs) {
        long sink = 0;
        for (int i = 0; i < pairs; i++) {
            rtx.RtSetEvent(handle);
            sink += rtx.RtWaitForSingleObject(handle, 0);
        }
        return sink;
    }

    private static long iwin32Pairs(IntimePersonality process, long handle, int pairs) {
        long sink = 0;
        for (int i = 0; i < pairs; i++) {
            process.RtSetEvent(handle);
            sink += process.WaitForSingleObject(handle, 0);
        }
        return sink;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
