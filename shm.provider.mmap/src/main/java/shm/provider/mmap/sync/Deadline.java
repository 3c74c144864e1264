package shm.provider.mmap.sync;

import java.time.Duration;

/**
 * The end of a wait, on the monotonic clock ({@link System#nanoTime()}). A timeout too long to count in nanoseconds
 * (more than about 292 years) never passes.
 */
final class Deadline {

    /** Remaining time of a deadline that never passes. */
    static final long FOREVER = Long.MAX_VALUE;

    private final long start;
    private final long timeoutNanos;

    private Deadline(long timeoutNanos) {
        // A test (zero) and a wait without end never look at the clock again, so they need no start either: a
        // zero-timeout test is often on the path between a wake-up and the next signal.
        this.start = timeoutNanos == 0 || timeoutNanos == FOREVER ? 0 : System.nanoTime();
        this.timeoutNanos = timeoutNanos;
    }

    /**
     * A deadline {@code timeout} from now.
     *
     * @throws IllegalArgumentException when {@code timeout} is negative
     * @throws NullPointerException     when {@code timeout} is null
     */
    static Deadline after(Duration timeout) {
        return ofNanos(nanos(timeout));
    }

    /**
     * {@code timeout} in nanoseconds, {@link #FOREVER} when too long to count. A wait checks its timeout with this
     * first and makes its deadline where it waits ({@link #ofNanos}): a deadline that never leaves the method that
     * waits costs no allocation once compiled, one handed to another method does.
     *
     * @throws IllegalArgumentException when {@code timeout} is negative
     * @throws NullPointerException     when {@code timeout} is null
     */
    static long nanos(Duration timeout) {
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("a wait's timeout cannot be negative: " + timeout);
        }
        try {
            return timeout.toNanos();
        } catch (ArithmeticException tooLong) {
            return FOREVER;
        }
    }

    /** A deadline {@code timeoutNanos} (at least 0, {@link #FOREVER}: none) from now. */
    static Deadline ofNanos(long timeoutNanos) {
        return new Deadline(timeoutNanos);
    }

    /**
     * Nanoseconds left, 0 once passed, {@link #FOREVER} when the deadline never passes; 0 as well once the calling
     * thread is interrupted, so that every wait ends through its time-out path (deregistering as a time-out does),
     * and its caller tells the two apart by the thread's interrupt status.
     */
    long remainingNanos() {
        if (Thread.currentThread().isInterrupted()) {
            return 0;
        }
        if (timeoutNanos == FOREVER || timeoutNanos == 0) {
            return timeoutNanos;
        }
        return Math.max(0, timeoutNanos - (System.nanoTime() - start));
    }
}
