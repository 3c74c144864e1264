package shm.itest;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** The live threads of this JVM, to find threads a bundle left running after it stopped. */
final class Threads {

    /**
     * Threads the JDK itself starts and keeps on demand, and the pooled threads of Gogo's command sessions
     * ("session-N-thread-M", a cached pool of the Gogo runtime that ends idle threads after 60 s; the shell runs in
     * the test framework since it is provisioned from the runtime's run descriptor): they belong to none of our bundles.
     */
    private static final List<String> JDK_PREFIXES = List.of("ForkJoinPool.commonPool-worker-", "process reaper",
            "Attach Listener", "Common-Cleaner", "session-");

    private Threads() {
    }

    /** The ids of the threads alive now. */
    static Set<Long> ids() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::threadId).collect(Collectors.toSet());
    }

    /** The names of the threads alive now that were not in {@code before}, leaving out the JDK's own. */
    static List<String> startedSince(Set<Long> before) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !before.contains(t.threadId()))
                .map(Thread::getName)
                .filter(name -> JDK_PREFIXES.stream().noneMatch(name::startsWith))
                .sorted()
                .toList();
    }
}
