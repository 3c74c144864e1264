package shm.provider.mmap.sync;

import java.lang.foreign.MemorySegment;

import shm.api.WaitResult;

/**
 * One object's part in a {@link MultiWait}: how the wait registers with it, reads its futex word, takes it without
 * blocking, and gives back what it took. One instance per wait (it remembers what this wait registered and took);
 * made by {@link SharedEvent#target}, {@link SharedMutex#target} and {@link SharedSemaphore#target}.
 */
interface WaitTarget {

    /** The state block that holds the futex word. */
    MemorySegment segment();

    /** The offset of the futex word in {@link #segment()}. */
    long futexOffset();

    /** Registers the wait, so that a signal of the object wakes it (and, for an auto-reset event, grants to it). */
    void register();

    /**
     * Prepares a sleep and returns the futex word's value to sleep on; read before the wait probes the object, so a
     * change after the probe wakes the sleep or keeps it from starting.
     */
    int prepareSleep();

    /**
     * Whether the object could be taken now, without changing it (for wait-all's first pass).
     *
     * @param checkOwner also take a dead mutex owner into account (reads {@code /proc})
     */
    boolean available(boolean checkOwner);

    /**
     * Takes the object if it can be taken now.
     *
     * @param checkOwner also take a mutex over from a dead owner (reads {@code /proc})
     * @return {@link WaitResult#SIGNALED} or {@link WaitResult#ABANDONED} when taken; {@code null} when not
     */
    WaitResult tryTake(boolean checkOwner);

    /** Undoes the last {@link #tryTake} that took the object, leaving it as if it had never been taken. */
    void giveBack();

    /** Ends the registration (and gives back to the object what was granted to this wait but not taken). */
    void deregister();

    /** Whether a sleep must end at the latest after {@link SharedMutex#LIVENESS_INTERVAL} to check an owner. */
    boolean needsOwnerCheck();
}
