package shm.api;

/**
 * The state of a named object at the moment of a snapshot, typed per object type: what an operator (or a test)
 * reads from {@link ObjectInfo#objectState()}. Rendering it in words is the job of the reader (the shell does it).
 *
 * @since 1.1
 */
public sealed interface ObjectState {

    /** Shared memory: no state beyond its sizes and holders. */
    record None() implements ObjectState {
    }

    /**
     * An event.
     *
     * @param signaled    whether it is signaled now
     * @param manualReset whether it stays signaled until reset (otherwise one wait resets it)
     * @param waiting     how many waits are registered on it now, in every process
     */
    record Event(boolean signaled, boolean manualReset, long waiting) implements ObjectState {

        /** Checks that the number of waits is not negative. */
        public Event {
            if (waiting < 0) {
                throw new IllegalArgumentException("waiting must not be negative: " + waiting);
            }
        }
    }

    /**
     * A mutex.
     *
     * @param ownerPid      the process of the owning thread; 0 when the mutex is free
     * @param ownerThreadId the owning thread's id in that process; 0 when free
     * @param recursion     how many times the owner holds it; 0 when free
     */
    record Mutex(long ownerPid, long ownerThreadId, int recursion) implements ObjectState {

        /** The state of a mutex nobody owns. */
        public static final Mutex FREE = new Mutex(0, 0, 0);

        /** Checks that a free mutex has no owner and an owned one a positive recursion count. */
        public Mutex {
            if ((ownerPid == 0) != (recursion == 0) || ownerPid < 0 || recursion < 0) {
                throw new IllegalArgumentException("a mutex is free (pid 0, recursion 0) or owned (pid > 0,"
                        + " recursion > 0): pid " + ownerPid + ", recursion " + recursion);
            }
        }

        /** Whether no thread owns the mutex. */
        public boolean isFree() {
            return ownerPid == 0;
        }
    }

    /**
     * A semaphore.
     *
     * @param count        its count now
     * @param maximumCount the highest count it may reach
     */
    record Semaphore(long count, long maximumCount) implements ObjectState {

        /** Checks {@code 0 <= count <= maximumCount}. */
        public Semaphore {
            if (count < 0 || count > maximumCount) {
                throw new IllegalArgumentException("0 <= count <= maximumCount: " + count + ", " + maximumCount);
            }
        }
    }

    /**
     * The state could not be read (for example, the object went away between the listing and the read).
     *
     * @param reason why, for an operator
     */
    record Unreadable(String reason) implements ObjectState {

        /** Checks that there is a reason. */
        public Unreadable {
            java.util.Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * A state known only in words: what an {@link ObjectInfo} made by a producer written for version 1.0 carries.
     *
     * @param words the state as that producer described it
     */
    record Text(String words) implements ObjectState {

        /** Checks that there are words. */
        public Text {
            java.util.Objects.requireNonNull(words, "words");
        }
    }

    /** The state of shared memory (and of any object without state). */
    ObjectState NONE = new None();
}
