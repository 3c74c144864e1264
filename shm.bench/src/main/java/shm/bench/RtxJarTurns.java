package shm.bench;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import shm.api.NamedEvent;
import shm.api.NamedMutex;
import shm.api.NamedSemaphore;
import shm.api.rtx.RtxSync;
import shm.api.spi.ShmBackend;
import shm.provider.mmap.MmapBackend;
import shm.provider.mmap.MmapSettings;

/**
 * An A/B of two builds of the RTX personality: the signalling pair of one kind ({@code event}: {@code RtSetEvent} +
 * {@code RtWaitForSingleObject(h, 0)}; {@code mutex}: the wait + {@code RtReleaseMutex}; {@code semaphore}:
 * {@code RtReleaseSemaphore} + the wait) through each of the two personality jars (or one), and the backend's own
 * pair, in <em>one</em> JVM, taking turns round after round, the two jars changing places every round. Each jar's
 * {@code shm.personality.rtx} classes live in a class loader of their own over the same backend, so every build runs
 * on the same compiled backend code, heap and hour of the host: on this virtual machine the speed of a whole JVM moves
 * by up to half between runs, which A/B runs in separate JVMs could not tell from a change. Prints per path the median
 * time per pair and the median of its per-round ratio to the first jar.
 *
 * <pre>
 *   java --enable-native-access=ALL-UNNAMED -cp shm.bench/target/classes:shm.bench/target/lib/* \
 *        shm.bench.RtxJarTurns ROOT KIND ROUNDS JAR [JAR]
 * </pre>
 * Prints lines {@code TURNS kind=.. path=<jar file name>|backend ns_per_pair=.. times_first=.. rounds=..}.
 */
public final class RtxJarTurns {

    private static final int PAIRS = 1_000_000;
    private static final String PERSONALITY_PACKAGE = "shm.personality.rtx.";

    private RtxJarTurns() {
    }

    /** Loads the personality's own package from its jar first, everything else from the application. */
    private static final class PersonalityLoader extends URLClassLoader {

        PersonalityLoader(Path jar) throws Exception {
            super(new URL[] {jar.toUri().toURL()}, RtxJarTurns.class.getClassLoader());
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith(PERSONALITY_PACKAGE)) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> loaded = findLoadedClass(name);
                return loaded != null ? loaded : findClass(name);
            }
        }
    }

    /** {@code ROOT KIND ROUNDS JAR [JAR]}. */
    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        String kind = args[1];
        int rounds = Integer.parseInt(args[2]);
        List<Path> jars = Arrays.stream(args, 3, args.length).map(Path::of).toList();
        try (MmapBackend backend = new MmapBackend(MmapSettings.under(root.resolve("store")))) {
            List<AutoCloseable> opened = new ArrayList<>();
            RtxSync[] personalities = new RtxSync[jars.size()];
            long[] handles = new long[jars.size()];
            for (int j = 0; j < jars.size(); j++) {
                personalities[j] = personality(jars.get(j), backend);
                opened.add((AutoCloseable) personalities[j]);
                handles[j] = switch (kind) {
                    case "event" -> personalities[j].RtCreateEvent(false, false, "turns-event-" + j).handle();
                    case "mutex" -> personalities[j].RtCreateMutex(false, "turns-mutex-" + j).handle();
                    case "semaphore" -> personalities[j].RtCreateSemaphore(0, 1, "turns-semaphore-" + j).handle();
                    default -> throw new IllegalArgumentException("KIND is event, mutex or semaphore: " + kind);
                };
            }
            NamedEvent event = backend.createOrOpenEvent("turns-backend-event", false, false);
            NamedMutex mutex = backend.createOrOpenMutex("turns-backend-mutex", false);
            NamedSemaphore semaphore = backend.createOrOpenSemaphore("turns-backend-semaphore", 0, 1);
            int paths = jars.size() + 1;
            double[][] nanos = new double[paths][rounds + 1];
            for (int round = 0; round <= rounds; round++) {   // round 0 warms up and is not counted
                for (int turn = 0; turn < paths; turn++) {
                    // the jars change places every round (the path that ran second in a round measured a few
                    // per cent faster than the same jar run first); the backend runs last
                    int p = turn < jars.size() && round % 2 == 1 ? jars.size() - 1 - turn : turn;
                    long start = System.nanoTime();
                    long sink = p == jars.size()
                            ? backendPairs(kind, event, mutex, semaphore)
                            : personalityPairs(p, kind, personalities[p], handles[p]);
                    nanos[p][round] = (System.nanoTime() - start) / (double) PAIRS + (sink == 42 ? 1e-9 : 0);
                }
            }
            for (int p = 0; p < paths; p++) {
                double[] perRound = Arrays.copyOfRange(nanos[p], 1, rounds + 1);
                double[] ratios = new double[rounds];
                for (int r = 0; r < rounds; r++) {
                    ratios[r] = perRound[r] / nanos[0][r + 1];
                }
                System.out.printf(Locale.ROOT, "TURNS kind=%s path=%s ns_per_pair=%.1f times_first=%.3f rounds=%d%n",
                        kind, p == jars.size() ? "backend" : jars.get(p).getFileName(), median(perRound),
                        median(ratios), rounds);
            }
            event.close();
            mutex.close();
            semaphore.close();
            for (AutoCloseable personality : opened) {
                personality.close();
            }
        }
    }

    private static RtxSync personality(Path jar, ShmBackend backend) throws Exception {
        ClassLoader loader = new PersonalityLoader(jar);
        Class<?> settings = loader.loadClass(PERSONALITY_PACKAGE + "RtxSettings");
        return (RtxSync) loader.loadClass(PERSONALITY_PACKAGE + "RtxPersonality")
                .getConstructor(ShmBackend.class, settings)
                .newInstance(backend, settings.getMethod("defaults").invoke(null));
    }

    // A loop method per jar, so that each call site sees one personality class, as a program's would.

    private static long personalityPairs(int jar, String kind, RtxSync rtx, long handle) {
        return switch (jar) {
            case 0 -> pairs0(kind, rtx, handle);
            case 1 -> pairs1(kind, rtx, handle);
            default -> throw new IllegalArgumentException("two jars at most");
        };
    }

    private static long pairs0(String kind, RtxSync rtx, long handle) {
        return switch (kind) {
            case "event" -> eventPairs0(rtx, handle);
            case "mutex" -> mutexPairs0(rtx, handle);
            default -> semaphorePairs0(rtx, handle);
        };
    }

    private static long pairs1(String kind, RtxSync rtx, long handle) {
        return switch (kind) {
            case "event" -> eventPairs1(rtx, handle);
            case "mutex" -> mutexPairs1(rtx, handle);
            default -> semaphorePairs1(rtx, handle);
        };
    }

    private static long eventPairs0(RtxSync rtx, long handle) {
        long sink = 0;
        for (int i = 0; i < PAIRS; i++) {
            rtx.RtSetEvent(handle);
            sink += rtx.RtWaitForSingleObject(handle, 0);
        }
        return sink;
    }

    private static long eventPairs1(RtxSync rtx, long handle) {
        long sink = 0;
        for (int i = 0; i < PAIRS; i++) {
            rtx.RtSetEvent(handle);
            sink += rtx.RtWaitForSingleObject(handle, 0);
        }
        return sink;
    }

    private static long mutexPairs0(RtxSync rtx, long handle) {
        long sink = 0;
        for (int i = 0; i < PAIRS; i++) {
            sink += rtx.RtWaitForSingleObject(handle, 0);
            rtx.RtReleaseMutex(handle);
        }
        return sink;
    }

    private static long mutexPairs1(RtxSync rtx, long handle) {
        long sink = 0;
        for (int i = 0; i < PAIRS; i++) {
            sink += rtx.RtWaitForSingleObject(handle, 0);
            rtx.RtReleaseMutex(handle);
        }
        return sink;
    }

    private static long semaphorePairs0(RtxSync rtx, long handle) {
        long sink = 0;
        for (int i = 0; i < PAIRS; i++) {
            sink += rtx.RtReleaseSemaphore(handle, 1);
            sink += rtx.RtWaitForSingleObject(handle, 0);
        }
        return sink;
    }

    private static long semaphorePairs1(RtxSync rtx, long handle) {
        long sink = 0;
        for (int i = 0; i < PAIRS; i++) {
            sink += rtx.RtReleaseSemaphore(handle, 1);
            sink += rtx.RtWaitForSingleObject(handle, 0);
        }
        return sink;
    }

    private static long backendPairs(String kind, NamedEvent event, NamedMutex mutex, NamedSemaphore semaphore) {
        long sink = 0;
        switch (kind) {
            case "event" -> {
                for (int i = 0; i < PAIRS; i++) {
                    event.set();
                    sink += event.await(Duration.ZERO).ordinal();
                }
            }
            case "mutex" -> {
                for (int i = 0; i < PAIRS; i++) {
                    sink += mutex.acquire(Duration.ZERO).ordinal();
                    mutex.release();
                }
            }
            default -> {
                for (int i = 0; i < PAIRS; i++) {
                    sink += semaphore.release(1);
                    sink += semaphore.acquire(Duration.ZERO).ordinal();
                }
            }
        }
        return sink;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
