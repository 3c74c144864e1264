package shm.provider.mmap.sync;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.Objects;

import shm.api.WaitResult;

/**
 * A counting semaphore shared between processes, with a 64-bit count and maximum: {@link #acquire} takes one unit,
 * waiting in the kernel while the count is zero; {@link #release} adds units up to the maximum.
 *
 * <p>State block, 32 bytes, 8-byte aligned, little-endian:
 *
 * <pre>
 *  offset  0        4        8                 16                24       28       32
 *         +--------+--------+-----------------+-----------------+--------+--------+
 *         | magic  |version |     maximum     |      count      |sequence|waiters |
 *         | "SHSM" |   1    |   (constant)    |  (authoritative)|  futex |  hint  |
 *         +--------+--------+-----------------+-----------------+--------+--------+
 *  maximum   the most the count can reach, at least 1; written once at initialization
 *  count     units available, 0 &lt;= count &lt;= maximum; changed only by compare-and-set
 *  sequence  the futex word: advanced (wrapping) after every release that changed the count
 *  waiters   how many acquirers may sleep (a hint for release to skip FUTEX_WAKE)
 * </pre>
 *
 * <p><b>Acquire</b>: compare-and-set the count from {@code c > 0} to {@code c - 1}. When it is 0: add to waiters,
 * read the sequence, read the count again (take a unit if one came), else sleep on the sequence while it keeps
 * the value read; on waking, repeat; leave the waiters hint on the way out. <b>Release</b>: compare-and-set the
 * count from {@code c} to {@code c + n} (refused, unchanged, when {@code n > maximum - c}), then advance the
 * sequence and, when the waiters hint is not 0, wake up to {@code n} sleepers. Because the acquirer reads the
 * sequence before it re-reads the count, and the releaser changes the count before the sequence, a release is
 * never missed. A process that dies while waiting leaves the hint one too high, which costs only a superfluous
 * {@code FUTEX_WAKE}.
 *
 * <p>Thread-safe; the instance holds no mutable state of its own. {@link Thread#interrupt()} of a waiting thread
 * ends its wait at once as a time-out would ({@link WaitResult#TIMEOUT}, deregistered), and the thread keeps its
 * interrupt status.
 */
public final class SharedSemaphore {

    /** The magic word: ASCII {@code "SHSM"} in little-endian byte order. */
    public static final int MAGIC = 0x4D534853;
    /** The layout version this class reads and writes. */
    public static final int VERSION = 1;
    /** Offset of the 64-bit maximum count. */
    public static final long MAXIMUM_OFFSET = 8;
    /** Offset of the 64-bit count. */
    public static final long COUNT_OFFSET = 16;
    /** Offset of the 32-bit release sequence, the futex word. */
    public static final long SEQUENCE_OFFSET = 24;
    /** Offset of the 32-bit waiter hint. */
    public static final long WAITERS_OFFSET = 28;
    /** Bytes of the state block. */
    public static final long SIZE = 32;

    private static final String KIND = "shared semaphore";

    private final MemorySegment segment;
    private final Futex futex;
    private final long maximum;

    /**
     * Attaches to the semaphore initialized in {@code segment}.
     *
     * @param segment the mapped state block (at least {@link #requiredBytes()}, 8-byte aligned)
     * @param futex   the futex binding to wait and wake with
     * @throws IllegalArgumentException when the segment holds no semaphore of this layout version, or its counts
     *                                  are out of range
     */
    public SharedSemaphore(MemorySegment segment, Futex futex) {
        Words.checkAttach(segment, SIZE, MAGIC, VERSION, KIND);
        long max = Words.getLong(segment, MAXIMUM_OFFSET);
        long count = Words.getLong(segment, COUNT_OFFSET);
        if (max < 1 || count < 0 || count > max) {
            throw new IllegalArgumentException("the shared semaphore's state is out of range: count " + count
                    + ", maximum " + max);
        }
        this.segment = segment;
        this.futex = Objects.requireNonNull(futex, "futex");
        this.maximum = max;
    }

    /** Bytes a segment needs to hold a semaphore's state. */
    public static long requiredBytes() {
        return SIZE;
    }

    /**
     * Writes a new semaphore's state into a zero-filled segment; others may attach once this returns.
     *
     * @throws IllegalArgumentException when {@code maximumCount < 1}, {@code initialCount} is not within
     *                                  {@code [0, maximumCount]}, the segment is unusable, or its first
     *                                  {@link #requiredBytes()} bytes are not zero
     */
    public static void initialize(MemorySegment segment, long initialCount, long maximumCount) {
        if (maximumCount < 1) {
            throw new IllegalArgumentException("a semaphore's maximum count is at least 1: " + maximumCount);
        }
        if (initialCount < 0 || initialCount > maximumCount) {
            throw new IllegalArgumentException("a semaphore's initial count " + initialCount
                    + " is not within 0.." + maximumCount);
        }
        Words.checkZeroed(segment, SIZE, KIND);
        Words.setLong(segment, MAXIMUM_OFFSET, maximumCount);
        Words.setLong(segment, COUNT_OFFSET, initialCount);
        Words.publish(segment, MAGIC, VERSION);
    }

    /** The most the count can reach. */
    public long maximumCount() {
        return maximum;
    }

    /** The count at this moment (a snapshot, for listings). */
    public long count() {
        return Words.getLong(segment, COUNT_OFFSET);
    }

    /**
     * Takes one unit, waiting up to {@code timeout} while the count is zero; {@link Duration#ZERO} only tries.
     *
     * @return {@link WaitResult#SIGNALED} or {@link WaitResult#TIMEOUT}
     * @throws IllegalArgumentException when {@code timeout} is negative
     */
    public WaitResult acquire(Duration timeout) {
        long timeoutNanos = Deadline.nanos(timeout);
        if (tryTake()) {
            return WaitResult.SIGNALED;
        }
        if (timeoutNanos == 0) {
            return WaitResult.TIMEOUT;
        }
        Deadline deadline = Deadline.ofNanos(timeoutNanos);   // the clock only for a wait that may sleep
        Words.addInt(segment, WAITERS_OFFSET, 1);
        try {
            while (true) {
                int sequence = Words.getInt(segment, SEQUENCE_OFFSET);
                if (tryTake()) {
                    return WaitResult.SIGNALED;
                }
                long remaining = deadline.remainingNanos();
                if (remaining == 0) {
                    return WaitResult.TIMEOUT;
                }
                futex.await(segment, SEQUENCE_OFFSET, sequence, remaining);
            }
        } finally {
            Words.addInt(segment, WAITERS_OFFSET, -1);
        }
    }

    /**
     * Adds {@code count} units and wakes as many waiting acquirers.
     *
     * @return the count before the release
     * @throws IllegalArgumentException when {@code count < 1} or the count would exceed the maximum; the count is
     *                                  then unchanged
     */
    public long release(long count) {
        if (count < 1) {
            throw new IllegalArgumentException("a semaphore release adds at least 1, not " + count);
        }
        long before;
        while (true) {
            before = Words.getLong(segment, COUNT_OFFSET);
            if (count > maximum - before) {
                throw new IllegalArgumentException("releasing " + count + " would raise the semaphore's count from "
                        + before + " above its maximum " + maximum + "; the count is unchanged");
            }
            if (Words.casLong(segment, COUNT_OFFSET, before, before + count)) {
                break;
            }
        }
        Words.addInt(segment, SEQUENCE_OFFSET, 1);
        int waiting = Words.getInt(segment, WAITERS_OFFSET);
        if (waiting > 0) {
            futex.wake(segment, SEQUENCE_OFFSET, (int) Math.min(count, waiting));
        }
        return before;
    }

    /** This semaphore's part in one wait on several objects ({@link MultiWait}): a unit taken, or given back. */
    WaitTarget target() {
        return new WaitTarget() {
            @Override
            public MemorySegment segment() {
                return segment;
            }

            @Override
            public long futexOffset() {
                return SEQUENCE_OFFSET;
            }

            @Override
            public void register() {
                Words.addInt(segment, WAITERS_OFFSET, 1);
            }

            @Override
            public int prepareSleep() {
                return Words.getInt(segment, SEQUENCE_OFFSET);
            }

            @Override
            public boolean available(boolean checkOwner) {
                return count() > 0;
            }

            @Override
            public WaitResult tryTake(boolean checkOwner) {
                return SharedSemaphore.this.tryTake() ? WaitResult.SIGNALED : null;
            }

            @Override
            public void giveBack() {
                release(1);
            }

            @Override
            public void deregister() {
                Words.addInt(segment, WAITERS_OFFSET, -1);
            }

            @Override
            public boolean needsOwnerCheck() {
                return false;
            }
        };
    }

    private boolean tryTake() {
        while (true) {
            long count = Words.getLong(segment, COUNT_OFFSET);
            if (count == 0) {
                return false;
            }
            if (Words.casLong(segment, COUNT_OFFSET, count, count - 1)) {
                return true;
            }
        }
    }
}
