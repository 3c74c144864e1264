package shm.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.IntToLongFunction;

import shm.api.NamedEvent;
import shm.api.NamedMutex;
import shm.api.NamedSemaphore;
import shm.personality.intime.IntimePersonality;
import shm.personality.intime.IntimeSettings;
import shm.personality.rtx.RtxPersonality;
import shm.personality.rtx.RtxSettings;
import shm.provider.mmap.MmapBackend;
import shm.provider.mmap.MmapSettings;

/**
 * The personalities' cost over the backend for the calls a real-time program makes most, each a pair of one signal and
 * one zero-timeout wait: an auto-reset event set and then tested, a mutex taken and released, a semaphore released and
 * then taken. Each pair runs through the backend's objects ({@link NamedEvent}, {@link NamedMutex},
 * {@link NamedSemaphore}), the RTX personality ({@code RtSetEvent} / {@code RtReleaseMutex} / {@code
 * RtReleaseSemaphore} with {@code RtWaitForSingleObject(h, 0)}) and the INtime personality (the same calls with
 * {@code WaitForSingleObject(h, 0)}); the event pair also in INtime processes holding 11 and 101 iwin32 handles (an
 * iwin32 call first looks for the handles another process closed). Each path runs in a loop of its own method, as a
 * program's loop around its calls would; the paths take turns in one JVM, rounds of {@code PAIRS} pairs each after one
 * warm-up round; prints per path the median over the rounds of the time per pair and of its ratio to the backend's
 * pair of the same kind in the same round.
 *
 * <pre>
 *   java -cp ... shm.bench.SyncCallCycles ROOT PAIRS ROUNDS [KINDS]
 * </pre>
 * {@code KINDS}: the kinds to run, comma-separated ({@code event,mutex,semaphore}, the default). The paths of one JVM
 * share the backend's compiled code, and a kind's paths make the profile of the code the other kinds share with it (the
 * backend's wait of one object, say): run each kind in a JVM of its own to measure it as a program that signals only
 * that kind would run it.
 * Prints lines {@code SYNC kind=event|mutex|semaphore path=backend|rtx|iwin32 handles=N ns_per_pair=..
 * times_backend=.. rounds=.. pairs=..}.
 */
public final class SyncCallCycles {

    private static final int[] IWIN32_EVENT_HANDLES = {1, 11, 101};

    private SyncCallCycles() {
    }

    /** The loop of one path: {@code pairs} pairs of one kind through one path. */
    private record PairLoop(String kind, String name, int handles, IntToLongFunction pairs) {
    }

    /** {@code ROOT PAIRS ROUNDS [KINDS]}. */
    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        int pairs = Integer.parseInt(args[1]);
        int rounds = Integer.parseInt(args[2]);
        List<String> kinds = List.of((args.length > 3 ? args[3] : "event,mutex,semaphore").split(","));
        try (MmapBackend backend = new MmapBackend(MmapSettings.under(root.resolve("store")))) {
            List<AutoCloseable> opened = new ArrayList<>();
            List<PairLoop> paths = new ArrayList<>();
            RtxPersonality rtx = new RtxPersonality(backend, RtxSettings.defaults());
            opened.add(rtx);
            IntimePersonality intime = null;
            for (int handles : IWIN32_EVENT_HANDLES) {
                IntimePersonality process = new IntimePersonality(backend, IntimeSettings.defaults());
                opened.add(process);
                for (int h = 1; h < handles; h++) {
                    process.RtCreateEvent(false, false, "iwin32-other-" + handles + "-" + h);
                }
                if (intime == null) {
                    intime = process;
                }
                long event = process.RtCreateEvent(false, false, "iwin32-event-" + handles).handle();
                paths.add(new PairLoop("event", "iwin32", handles, n -> iwin32EventPairs(process, event, n)));
            }
            NamedEvent event = backend.createOrOpenEvent("backend-event", false, false);
            opened.add(event);
            long rtxEvent = rtx.RtCreateEvent(false, false, "rtx-event").handle();
            paths.add(0, new PairLoop("event", "backend", 1, n -> backendEventPairs(event, n)));
            paths.add(1, new PairLoop("event", "rtx", 1, n -> rtxEventPairs(rtx, rtxEvent, n)));

            NamedMutex mutex = backend.createOrOpenMutex("backend-mutex", false);
            opened.add(mutex);
            long rtxMutex = rtx.RtCreateMutex(false, "rtx-mutex").handle();
            IntimePersonality iwin32 = intime;
            long iwin32Mutex = iwin32.RtCreateMutex(false, "iwin32-mutex").handle();
            paths.add(new PairLoop("mutex", "backend", 1, n -> backendMutexPairs(mutex, n)));
            paths.add(new PairLoop("mutex", "rtx", 1, n -> rtxMutexPairs(rtx, rtxMutex, n)));
            paths.add(new PairLoop("mutex", "iwin32", 1, n -> iwin32MutexPairs(iwin32, iwin32Mutex, n)));

            NamedSemaphore semaphore = backend.createOrOpenSemaphore("backend-semaphore", 0, 1);
            opened.add(semaphore);
            long rtxSemaphore = rtx.RtCreateSemaphore(0, 1, "rtx-semaphore").handle();
            long iwin32Semaphore = iwin32.RtCreateSemaphore(0, 1, "iwin32-semaphore").handle();
            paths.add(new PairLoop("semaphore", "backend", 1, n -> backendSemaphorePairs(semaphore, n)));
            paths.add(new PairLoop("semaphore", "rtx", 1, n -> rtxSemaphorePairs(rtx, rtxSemaphore, n)));
            paths.add(new PairLoop("semaphore", "iwin32", 1, n -> iwin32SemaphorePairs(iwin32, iwin32Semaphore, n)));

            paths.removeIf(path -> !kinds.contains(path.kind()));
            double[][] nanos = new double[paths.size()][rounds + 1];
            for (int round = 0; round <= rounds; round++) {   // round 0 warms up and is not counted
                for (int p = 0; p < paths.size(); p++) {
                    long start = System.nanoTime();
                    long sink = paths.get(p).pairs().applyAsLong(pairs);
                    nanos[p][round] = (System.nanoTime() - start) / (double) pairs + (sink == 42 ? 1e-9 : 0);
                }
            }
            for (int p = 0; p < paths.size(); p++) {
                PairLoop path = paths.get(p);
                int base = backendOf(paths, path.kind());
                double[] perRound = Arrays.copyOfRange(nanos[p], 1, rounds + 1);
                double[] times = new double[rounds];
                for (int r = 0; r < rounds; r++) {
                    times[r] = perRound[r] / nanos[base][r + 1];
                }
                System.out.printf(Locale.ROOT, "SYNC kind=%s path=%s handles=%d ns_per_pair=%.1f times_backend=%.3f"
                        + " rounds=%d pairs=%d%n", path.kind(), path.name(), path.handles(), median(perRound),
                        median(times), rounds, pairs);
            }
            for (int i = opened.size() - 1; i >= 0; i--) {
                opened.get(i).close();
            }
        }
    }

    private static int backendOf(List<PairLoop> paths, String kind) {
        for (int p = 0; p < paths.size(); p++) {
            if (paths.get(p).kind().equals(kind) && paths.get(p).name().equals("backend")) {
                return p;
            }
        }
        throw new IllegalStateException("no backend path for " + kind);
    }

    // One method per path, as a program's own loop around its calls would be: a loop that took every path in turn
    // made the JIT compile the three into one method, whose inlining budget the paths then shared (the RTX pair
    // measured 56 ns there against 33 ns in a loop of its own).

    private static long backendEventPairs(NamedEvent event, int pairs) {
        long sink = 0;
        for (int i = 0; i < pairs; i++) {
            event.set();
            sink += event.await(Duration.ZERO).ordinal();
        }
        return sink;
    }

    private static long rtxEventPairs(RtxPersonality rtx, long handle, int pairs) {
        long sink = 0;
        for (int i = 0; i < pairs; i++) {
            rtx.RtSetEvent(handle);
            sink += rtx.RtWaitForSingleObject(handle, 0);
        }
        return sink;
    }

    private static long iwin32EventPairs(IntimePersonality process, long handle, int pairs) {
        long sink = 0;
        for (int i = 0; i < pairs; i++) {
            process.RtSetEvent(handle);
            sink += process.WaitForSingleObject(handle, 0);
        }
        return sink;
    }

    private static long backendMutexPairs(NamedMutex mutex, int pairs) {
        long sink = 0;
        for (int i = 0; i < pairs; i++) {
            sink += mutex.acquire(Duration.ZERO).ordinal();
            mutex.release();
        }
        return sink;
    }

    private static long rtxMutexPairs(RtxPersonality rtx, long handle, int pairs) {
        long sink = 0;
        for (int i = 0; i < pairs; i++) {
            sink += rtx.RtWaitForSingleObject(handle, 0);
            rtx.RtReleaseMutex(handle);
        }
        return sink;
    }

    private static long iwin32MutexPairs(IntimePersonality process, long handle, int pairs) {
        long sink = 0;
        for (int i = 0; i < pairs; i++) {
            sink += process.WaitForSingleObject(handle, 0);
            process.RtReleaseMutex(handle);
        }
        return sink;
    }

    private static long backendSemaphorePairs(NamedSemaphore semaphore, int pairs) {
        long sink = 0;
        for (int i = 0; i < pairs; i++) {
            sink += semaphore.release(1);
            sink += semaphore.acquire(Duration.ZERO).ordinal();
        }
        return sink;
    }

    private static long rtxSemaphorePairs(RtxPersonality rtx, long handle, int pairs) {
        long sink = 0;
        for (int i = 0; i < pairs; i++) {
            sink += rtx.RtReleaseSemaphore(handle, 1);
            sink += rtx.RtWaitForSingleObject(handle, 0);
        }
        return sink;
    }

    private static long iwin32SemaphorePairs(IntimePersonality process, long handle, int pairs) {
        long sink = 0;
        for (int i = 0; i < pairs; i++) {
            sink += process.RtReleaseSemaphore(handle, 1);
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
