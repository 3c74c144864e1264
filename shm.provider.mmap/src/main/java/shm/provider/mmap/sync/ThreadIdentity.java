package shm.provider.mmap.sync;

import java.util.AbstractMap;
import java.util.Map;

/**
 * The owner word that names the calling thread in a {@link SharedMutex}, and the liveness check of the thread an
 * owner word names.
 *
 * <p>A platform thread is named by its kernel task: its thread id ({@code gettid}) and the low 32 bits of its start
 * time (field 22 of {@code /proc/<tid>/stat}, in clock ticks since boot), so that a tid reused by a later thread is
 * told from the owner. A Java platform thread is one kernel task from its start to its end, so the end of the Java
 * thread is the end of the task: {@code /proc/<tid>} disappears (or, for a process's main thread, shows the zombie
 * state {@code Z}). A virtual thread has no task of its own (it runs on carrier threads that change), so it is named
 * by its process (pid and process start time) with {@link SharedMutex#PROCESS_SCOPED} set: its mutexes are abandoned
 * when its process ends, not when the virtual thread ends.
 *
 * <p>One instance per {@link Futex} (per backend); the calling platform thread's word is computed once and cached per
 * thread, and the word of the thread that asked last is kept beside it, so that a mutex taken and released in a loop
 * (two words asked per pair) does not look its thread-local up each time. Thread-safe.
 */
final class ThreadIdentity {

    private final Futex futex;
    /**
     * Each platform thread's word, beside the thread. A value of JDK classes only: the caller's threads outlive a
     * revision of this bundle, and a stale thread-local value would keep the old revision's class loader reachable.
     */
    private final ThreadLocal<Map.Entry<Thread, Long>> platformWord = new ThreadLocal<>();
    /**
     * The entry of {@link #platformWord} of the platform thread that asked last ({@code null} before the first): that
     * thread asking again, as a loop that takes and releases a mutex does, skips the thread-local lookup. Replaced whole
     * (one reference); a thread that finds another thread's entry takes the lookup.
     */
    private volatile Map.Entry<Thread, Long> lastAsked;
    private volatile long processWord;

    ThreadIdentity(Futex futex) {
        this.futex = futex;
    }

    /**
     * The owner word naming the calling thread (without {@link SharedMutex#WAITERS}).
     *
     * @throws IllegalStateException when {@code /proc} cannot tell the thread's start time
     */
    long currentWord() {
        Thread thread = Thread.currentThread();
        Map.Entry<Thread, Long> last = lastAsked;
        if (last != null && last.getKey() == thread) {
            return last.getValue();
        }
        if (thread.isVirtual()) {
            return processWord();
        }
        Map.Entry<Thread, Long> mine = platformWord.get();
        if (mine == null) {
            long tid = futex.currentTid();
            long start = ProcessStat.of(tid).orElseThrow(() -> new IllegalStateException("cannot read /proc/" + tid
                    + "/stat of the calling thread: mutex ownership needs Linux /proc")).startTime();
            mine = new AbstractMap.SimpleImmutableEntry<>(thread, word(tid, start, false));
            platformWord.set(mine);
        }
        lastAsked = mine;
        return mine.getValue();
    }

    /** The owner word naming this process (for virtual threads): pid, start time, {@link SharedMutex#PROCESS_SCOPED}. */
    long processWord() {
        long word = processWord;
        if (word == 0) {
            word = word(ProcessHandle.current().pid(), ProcessStat.self().startTime(), true);
            processWord = word;
        }
        return word;
    }

    /** The owner word for a task id (a tid, or a pid when {@code processScoped}) and its start time. */
    static long word(long id, long startTime, boolean processScoped) {
        if (id <= 0 || id > SharedMutex.ID_MASK) {
            throw new IllegalArgumentException("task id " + id + " does not fit the owner word's 30 bits");
        }
        return id | (processScoped ? SharedMutex.PROCESS_SCOPED : 0) | (startTime << SharedMutex.START_TIME_SHIFT);
    }

    /**
     * Whether the task an owner word names still runs: a task under that id, with that start time, that is not a
     * zombie. (For a thread word the task is the thread; for a process-scoped word it is the process.)
     */
    static boolean alive(long word) {
        long id = word & SharedMutex.ID_MASK;
        int start = (int) (word >>> SharedMutex.START_TIME_SHIFT);
        return ProcessStat.of(id).filter(ProcessStat::running).filter(stat -> (int) stat.startTime() == start)
                .isPresent();
    }
}
