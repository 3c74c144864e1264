package shm.provider.mmap.sync;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The multi-word sleep of a {@link Futex}: the Linux {@code futex_waitv} system call (5.16 and later), bound through
 * the FFM API, sleeping on up to {@link #WAITV_MAX} shared 32-bit words at once, the last of which is always the
 * calling thread's {@link InterruptWord}. {@link Futex#await} sleeps on its one word this way and
 * {@link Futex#awaitAny} on several, so that {@link Thread#interrupt()} ends either at once. On an older kernel
 * ({@code ENOSYS}) {@link #missing()} turns true and the caller falls back to {@code FUTEX_WAIT}.
 *
 * <p>The call takes an array of {@code struct futex_waitv} in the caller's scratch segment and an absolute
 * {@code CLOCK_MONOTONIC} deadline (the clock of {@link System#nanoTime()} on Linux):
 *
 * <pre>
 *   scratch  0 .. 15   struct timespec { tv_sec, tv_nsec }     (absolute deadline; NULL: none)
 *           64 ..      struct futex_waitv[n + 1] { u64 val; u64 uaddr; u32 flags; u32 __reserved; }   24 bytes each
 *                      entries 0 .. n-1: the caller's words; entry n: the interrupt word (expected 0)
 * </pre>
 *
 * One instance per {@link Futex}, made by its constructor (nothing is bound in a static initializer). Thread-safe.
 */
final class FutexWaitv {

    /** {@code SYS_futex_waitv}: the same number on x86-64 and AArch64 (Linux 5.16). */
    static final long SYS_FUTEX_WAITV = 449;
    /** {@code FUTEX2_SIZE_U32}: a 32-bit futex word, shared (no {@code FUTEX2_PRIVATE}). */
    static final long FUTEX2_SIZE_U32 = 0x02;
    /** {@code CLOCK_MONOTONIC}, the clock of {@link System#nanoTime()} on Linux. */
    static final long CLOCK_MONOTONIC = 1;
    /** errno: the system call does not exist (a kernel before 5.16). */
    static final int ENOSYS = 38;
    /** {@code FUTEX_WAITV_MAX}: the most words one {@code futex_waitv} sleeps on. */
    static final int WAITV_MAX = 128;
    /**
     * {@link #sleep}: sleep again (a signal interrupted the call, a {@link WaitScope}'s close poked the word and the
     * next call looks at the scopes, or the kernel has no {@code futex_waitv}).
     */
    static final int REPEAT = Integer.MIN_VALUE;
    /** {@link #sleep}: a scope the thread waits in was closed ({@link WaitScope#close}); the wait must end. */
    static final int CANCELLED = Integer.MIN_VALUE + 1;

    /** {@code struct futex_waitv}: {@code u64 val; u64 uaddr; u32 flags; u32 __reserved;}, 24 bytes. */
    private static final StructLayout FUTEX_WAITV = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("val"), ValueLayout.JAVA_LONG.withName("uaddr"),
            ValueLayout.JAVA_INT.withName("flags"), ValueLayout.JAVA_INT.withName("reserved"));
    /** Where the {@code futex_waitv} array lives in the scratch segment (after the timespec). */
    private static final long WAITV_OFFSET = 64;
    private static final StructLayout TIMESPEC = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("tv_sec"), ValueLayout.JAVA_LONG.withName("tv_nsec"));
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    static {
        if (FUTEX_WAITV.byteSize() != 24 || TIMESPEC.byteSize() > WAITV_OFFSET
                || WAITV_OFFSET + FUTEX_WAITV.byteSize() * WAITV_MAX > CallState.SCRATCH_BYTES) {
            throw new IllegalStateException("the futex_waitv layout does not fit the call scratch");
        }
    }

    private final CallState callState;
    private final MethodHandle waitv;
    private volatile boolean missing;
    private final WaitingThreads threads;

    /**
     * Calls {@code futex_waitv} through {@code syscall}, the handle {@link Futex} linked in its one shape
     * ({@link Futex#SYSCALL_SHAPE}); {@code threads} gives each thread its record and interrupt word.
     */
    FutexWaitv(CallState callState, MethodHandle syscall, WaitingThreads threads) {
        this.threads = threads;
        this.callState = callState;
        // long syscall(SYS_futex_waitv, struct futex_waitv *waiters, unsigned nr, unsigned flags,
        //              struct timespec *timeout (absolute), clockid_t clockid)
        this.waitv = syscall;
    }

    /** Whether the kernel turned out to have no {@code futex_waitv}: callers then sleep with {@code FUTEX_WAIT}. */
    boolean missing() {
        return missing;
    }

    /**
     * One {@code futex_waitv} sleep on every word and the calling thread's interrupt word, until {@code deadline}
     * ({@link System#nanoTime()} value, or {@link Futex#FOREVER}).
     *
     * @param first     the segment of the first word, checked to be still mapped when a signal interrupts the call
     * @param addresses the words' addresses, checked by the caller (native, aligned, inside a live segment)
     * @param expected  the value each word must hold for the thread to sleep
     * @return the index of the word whose wake ended the sleep, {@link Futex#ANY_VALUE_CHANGED},
     *         {@link Futex#ANY_TIMED_OUT}, {@link Futex#ANY_INTERRUPTED}, {@link #CANCELLED} (a scope the thread waits
     *         in is closed; it did not sleep), or {@link #REPEAT} ({@code EINTR}, a poke, or no {@code futex_waitv}:
     *         then {@link #missing()} is true)
     * @throws IllegalStateException when the segment was unmapped or the kernel refuses the call
     */
    int sleep(MemorySegment first, long[] addresses, int[] expected, long deadline) throws Throwable {
        int n = addresses.length;
        Waiter waiter = threads.mine();
        InterruptWord interrupt = waiter.interruptWord();
        interrupt.enter();
        try {
            if (interrupt.isSet()) {
                interrupt.clear();   // a poke, or an interrupt, whose status the next line reads
            }
            if (Thread.currentThread().isInterrupted()) {
                return Futex.ANY_INTERRUPTED;
            }
            if (waiter.cancelled()) {
                return CANCELLED;
            }
            MemorySegment scratch = callState.scratch();
            long entry = FUTEX_WAITV.byteSize();
            MemorySegment waiters = scratch.asSlice(WAITV_OFFSET, entry * (n + 1));
            for (int i = 0; i <= n; i++) {
                long at = entry * i;
                waiters.set(ValueLayout.JAVA_LONG, at, i < n ? Integer.toUnsignedLong(expected[i]) : 0L);
                waiters.set(ValueLayout.JAVA_LONG, at + 8, i < n ? addresses[i] : interrupt.address());
                waiters.set(ValueLayout.JAVA_INT, at + 16, (int) FUTEX2_SIZE_U32);
                waiters.set(ValueLayout.JAVA_INT, at + 20, 0);
            }
            MemorySegment timespec = MemorySegment.NULL;
            if (deadline != Futex.FOREVER) {
                timespec = scratch.asSlice(0, TIMESPEC);
                timespec.set(ValueLayout.JAVA_LONG, 0, Math.floorDiv(deadline, NANOS_PER_SECOND));
                timespec.set(ValueLayout.JAVA_LONG, 8, Math.floorMod(deadline, NANOS_PER_SECOND));
            }
            long result = (long) waitv.invokeExact(callState.segment(), SYS_FUTEX_WAITV, waiters.address(),
                    (long) (n + 1), 0L, timespec.address(), CLOCK_MONOTONIC, 0L);
            if (result >= 0) {
                return result == n || interrupt.isSet() ? woken(interrupt) : (int) result;
            }
            int errno = callState.errno();
            switch (errno) {
                case Futex.EAGAIN:
                    return interrupt.isSet() ? woken(interrupt) : Futex.ANY_VALUE_CHANGED;
                case Futex.ETIMEDOUT:
                    return Futex.ANY_TIMED_OUT;
                case Futex.EINTR:
                    Futex.requireAlive(first);
                    return REPEAT;
                case ENOSYS:
                    missing = true;
                    return REPEAT;
                default:
                    throw Futex.failure("futex_waitv", errno, addresses[0]);
            }
        } finally {
            interrupt.leave();
        }
    }

    /**
     * What a set interrupt word means: an interrupt closed its channel; otherwise a close poked it, and the next
     * sleep (which clears it) tells a closed scope from a stale poke.
     */
    private static int woken(InterruptWord interrupt) {
        return interrupt.isOpen() ? REPEAT : Futex.ANY_INTERRUPTED;
    }
}
