package shm.provider.mmap.sync;

import static shm.provider.mmap.sync.EventStates.*;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.Objects;

import shm.api.WaitResult;

/**
 * An event shared between processes, manual or auto reset, with Win32 semantics: {@link #set}, {@link #reset},
 * {@link #pulse} and a timed {@link #await}. Waits block in the kernel on a shared futex word.
 *
 * <p>State block, 32 bytes, 8-byte aligned, little-endian:
 *
 * <pre>
 *  offset  0        4        8        12       16       20       24              32
 *         +--------+--------+--------+--------+--------+--------+----------------+
 *         | magic  |version | flags  |  (0)   |   state word    |      (0)       |
 *         | "SHEV" |   1    |        |        | lo:futex|hi:wait|                |
 *         +--------+--------+--------+--------+--------+--------+----------------+
 *  flags       bit 0: manual reset; written once at initialization
 *  state word  64 bits, changed only by compare-and-set or atomic add
 *    low half (offset 16, the futex word)
 *              bit 0: signaled
 *              bits 1..31, manual reset: a generation, advanced by every set (from non-signaled) and every pulse
 *              bits 1..31, auto reset:   grants: waits released by set/pulse that have not returned yet
 *    high half (offset 20)
 *              waiters; auto reset: waits registered now (exact); manual reset: waits that may sleep (a hint for
 *              set/pulse to skip FUTEX_WAKE)
 * </pre>
 *
 * <p><b>Manual reset.</b> A wait that finds the state signaled returns at once; otherwise it notes the generation,
 * and returns {@link WaitResult#SIGNALED} as soon as the state is signaled or the generation moved on. {@code set}
 * makes the state signaled and advances the generation, then wakes every sleeper; so even a {@code set} at once
 * followed by {@code reset} releases every wait present at the {@code set}, as in Win32.
 *
 * <p><b>Auto reset.</b> A wait that finds the state signaled clears the flag and returns; one that finds a grant
 * takes it (grants - 1) and returns; otherwise it registers (waiters + 1) and sleeps until a grant is there, takes
 * it (waiters - 1, grants - 1) and returns. {@code set} gives a
 * grant when more waits are registered than granted, and wakes one sleeper; otherwise it leaves the state signaled
 * for the next wait. Every {@code set} releases exactly one wait, immediately or later; several sets in a row
 * release as many registered waits. A wait that times out deregisters (or, when a grant is there, takes it and
 * returns signaled), so no grant is left to a wait that has returned. Registering changes only the high half,
 * so it never disturbs a sleeper's futex word. Which registered wait takes a
 * grant is unspecified (Win32 does not promise an order either).
 *
 * <p><b>Pulse</b> releases the waits present now (every one for manual reset, one for auto reset; none if none is
 * waiting) and leaves the event non-signaled. As Win32 documents for {@code PulseEvent}, this is inherently racy: a
 * thread that is about to wait, or between two waits, misses the pulse, and for auto reset a wait that registered
 * just after the pulse may take the grant instead of one that was waiting before it. Prefer {@code set}.
 *
 * <p><b>A handle closed under a wait.</b> A wait made in a {@link WaitScope} (the provider makes every wait that
 * may sleep in the scope of the handle it is made through) ends when the scope closes, before the handle's mapping
 * goes: it deregisters as a time-out does and throws {@link WaitCancelledException}, or returns
 * {@link WaitResult#SIGNALED} when a grant was given to it meanwhile.
 *
 * <p><b>A process that dies while waiting</b> cannot deregister. For manual reset this costs only a superfluous
 * {@code FUTEX_WAKE}. For auto reset its registration stays: a later {@code set} with no live wait grants to it,
 * and that grant is taken by the next wait that comes (a zero-timeout test too), so the event behaves as if it
 * stayed signaled; but each such
 * stale registration lets one more set be kept for later waits than Win32 would (two sets with no live wait in
 * between then release two later waits instead of one).
 *
 * <p>Thread-safe; the instance holds no mutable state of its own. {@link Thread#interrupt()} of a waiting thread
 * ends its wait at once as a time-out would ({@link WaitResult#TIMEOUT}, deregistered), and the thread keeps its
 * interrupt status.
 */
public final class SharedEvent {

    /** The magic word: ASCII {@code "SHEV"} in little-endian byte order. */
    public static final int MAGIC = 0x56454853;
    /** The layout version this class reads and writes. */
    public static final int VERSION = 1;
    /** Offset of the 32-bit flags word. */
    public static final long FLAGS_OFFSET = 8;
    /** Offset of the 64-bit state word; its low half is the futex word. */
    public static final long STATE_OFFSET = 16;
    /** Bytes of the state block. */
    public static final long SIZE = 32;

    /** Flags bit 0: manual reset. */
    public static final int FLAG_MANUAL_RESET = 1;
    /** State bit 0: signaled. */
    public static final long SIGNALED = 1;
    /** Manual reset: one step of the generation (bits 1..31 of the state). */
    public static final long GENERATION_STEP = 1L << 1;
    /** Auto reset: one grant (bits 1..31 of the state). */
    public static final long GRANT_ONE = 1L << 1;
    /** The low half of the state: the futex word. */
    public static final long FUTEX_MASK = 0xFFFF_FFFFL;
    /** One waiter (bits 32..63 of the state). */
    public static final long WAITER_ONE = 1L << 32;

    private static final String KIND = "shared event";

    private final MemorySegment segment;
    private final Futex futex;
    private final boolean manualReset;

    /**
     * Attaches to the event initialized in {@code segment}.
     *
     * @param segment the mapped state block (at least {@link #requiredBytes()}, 8-byte aligned)
     * @param futex   the futex binding to wait and wake with
     * @throws IllegalArgumentException when the segment holds no event of this layout version (the message says
     *                                  what it found)
     */
    public SharedEvent(MemorySegment segment, Futex futex) {
        Words.checkAttach(segment, SIZE, MAGIC, VERSION, KIND);
        int flags = Words.getInt(segment, FLAGS_OFFSET);
        if ((flags & ~FLAG_MANUAL_RESET) != 0) {
            throw new IllegalArgumentException("the shared event has unknown flags 0x" + Integer.toHexString(flags));
        }
        this.segment = segment;
        this.futex = Objects.requireNonNull(futex, "futex");
        this.manualReset = (flags & FLAG_MANUAL_RESET) != 0;
    }

    /** Bytes a segment needs to hold an event's state. */
    public static long requiredBytes() {
        return SIZE;
    }

    /**
     * Writes a new event's state into a zero-filled segment; others may attach once this returns.
     *
     * @throws IllegalArgumentException when the segment is unusable or its first {@link #requiredBytes()} bytes are
     *                                  not zero
     */
    public static void initialize(MemorySegment segment, boolean manualReset, boolean initiallySignaled) {
        Words.checkZeroed(segment, SIZE, KIND);
        Words.setInt(segment, FLAGS_OFFSET, manualReset ? FLAG_MANUAL_RESET : 0);
        Words.setLong(segment, STATE_OFFSET, initiallySignaled ? SIGNALED : 0);
        Words.publish(segment, MAGIC, VERSION);
    }

    /** Whether the event stays signaled until reset (manual) or releases one wait and resets (auto). */
    public boolean manualReset() {
        return manualReset;
    }

    /** Whether the event is signaled at this moment (a snapshot, for listings). */
    public boolean isSignaled() {
        return (state() & SIGNALED) != 0;
    }

    /**
     * Waits on the event at this moment (a snapshot, for listings): exact for auto reset; for manual reset a hint
     * that may count waits of processes that died while waiting.
     */
    public long waitingNow() {
        return waiters(state());
    }

    /**
     * Signals the event. Manual reset: releases every wait and stays signaled until {@link #reset}. Auto reset:
     * releases one registered wait, or, when none is waiting, stays signaled until one wait comes.
     */
    public void set() {
        if (manualReset) {
            long s;
            do {
                s = state();
                if ((s & SIGNALED) != 0) {
                    return;
                }
            } while (!casState(s, nextGeneration(s) | SIGNALED));
            wakeAll(s);
        } else {
            while (true) {
                long s = state();
                if (canGrant(s)) {
                    if (casState(s, s + GRANT_ONE)) {
                        futex.wake(segment, STATE_OFFSET, 1);
                        return;
                    }
                } else if ((s & SIGNALED) != 0 || casState(s, s | SIGNALED)) {
                    return;
                }
            }
        }
    }

    /** Makes the event non-signaled. Waits already released stay released. */
    public void reset() {
        while (true) {
            long s = state();
            if ((s & SIGNALED) == 0 || casState(s, s & ~SIGNALED)) {
                return;
            }
        }
    }

    /**
     * Releases the waits present now (every one for manual reset, one for auto reset) and leaves the event
     * non-signaled. Racy by nature, as Win32's {@code PulseEvent}: see the class description.
     */
    public void pulse() {
        if (manualReset) {
            long s;
            do {
                s = state();
            } while (!casState(s, nextGeneration(s)));
            wakeAll(s);
        } else {
            while (true) {
                long s = state();
                if (canGrant(s)) {
                    if (casState(s, s + GRANT_ONE)) {
                        futex.wake(segment, STATE_OFFSET, 1);
                        return;
                    }
                } else if ((s & SIGNALED) == 0 || casState(s, s & ~SIGNALED)) {
                    return;
                }
            }
        }
    }

    /**
     * Waits until the event releases this wait or the timeout passes; {@link Duration#ZERO} only tests (and, for
     * auto reset, consumes a signaled state).
     *
     * @return {@link WaitResult#SIGNALED} or {@link WaitResult#TIMEOUT}
     * @throws IllegalArgumentException when {@code timeout} is negative
     * @throws IllegalStateException    when 2<sup>32</sup> - 1 waits are registered already, or the segment was
     *                                  closed; {@link WaitCancelledException} when the {@link WaitScope} the wait
     *                                  was made in closed (the wait deregistered first)
     */
    public WaitResult await(Duration timeout) {
        long timeoutNanos = Deadline.nanos(timeout);
        return manualReset ? awaitManual(timeoutNanos) : awaitAuto(timeoutNanos);
    }

    private WaitResult awaitManual(long timeoutNanos) {
        long entry = state();
        if ((entry & SIGNALED) != 0) {
            return WaitResult.SIGNALED;
        }
        if (timeoutNanos == 0) {
            return WaitResult.TIMEOUT;
        }
        // The clock is read only by a wait that may sleep: one that finds the event signaled is on the path between
        // a signal and the next, where a clock read costs as much as the rest of the call.
        Deadline deadline = Deadline.ofNanos(timeoutNanos);
        register();
        try {
            while (true) {
                long s = state();
                if ((s & SIGNALED) != 0 || generation(s) != generation(entry)) {
                    return WaitResult.SIGNALED;
                }
                long remaining = deadline.remainingNanos();
                if (remaining == 0) {
                    return WaitResult.TIMEOUT;
                }
                futex.await(segment, STATE_OFFSET, (int) s, remaining);
            }
        } finally {
            Words.addLong(segment, STATE_OFFSET, -WAITER_ONE);
        }
    }

    private WaitResult awaitAuto(long timeoutNanos) {
        while (true) {
            long s = state();
            if ((s & SIGNALED) != 0) {
                if (casState(s, s & ~SIGNALED)) {
                    return WaitResult.SIGNALED;
                }
            } else if (grants(s) > 0) {
                // A release not yet taken by the registered wait it was meant for (which then keeps waiting), or
                // left to a wait whose process died: either way one set, one wait released.
                if (casState(s, s - GRANT_ONE)) {
                    return WaitResult.SIGNALED;
                }
            } else if (timeoutNanos == 0) {
                return WaitResult.TIMEOUT;
            } else if (waiters(s) == MAX_WAITERS) {
                throw tooManyWaiters();
            } else if (casState(s, s + WAITER_ONE)) {
                break;
            }
        }
        // As for manual reset, only a wait that registered reads the clock.
        Deadline deadline = Deadline.ofNanos(timeoutNanos);
        while (true) {
            long s = state();
            if (grants(s) > 0) {
                if (casState(s, s - WAITER_ONE - GRANT_ONE)) {
                    return WaitResult.SIGNALED;
                }
                continue;
            }
            if ((s & SIGNALED) != 0) {
                // Not reached while every participant keeps the layout's rules (signaled implies every registered
                // wait holds a grant); taken anyway, so that a state written otherwise releases rather than strands.
                if (casState(s, (s & ~SIGNALED) - WAITER_ONE)) {
                    return WaitResult.SIGNALED;
                }
                continue;
            }
            long remaining = deadline.remainingNanos();
            if (remaining == 0) {
                if (casState(s, s - WAITER_ONE)) {
                    return WaitResult.TIMEOUT;
                }
                continue;
            }
            try {
                futex.await(segment, STATE_OFFSET, (int) s, remaining);
            } catch (WaitCancelledException closed) {
                return leaveClosed(closed);
            }
        }
    }

    /**
     * Auto reset: the handle of a registered wait is being closed; leaves as a time-out does, while the state is
     * still mapped, so no registration is left behind: takes a grant given to this wait meanwhile (the wait was
     * released, and says so), otherwise deregisters and rethrows.
     */
    private WaitResult leaveClosed(WaitCancelledException closed) {
        while (true) {
            long s = state();
            if (grants(s) > 0) {
                if (casState(s, s - WAITER_ONE - GRANT_ONE)) {
                    return WaitResult.SIGNALED;
                }
            } else if (casState(s, s - WAITER_ONE)) {
                throw closed;
            }
        }
    }

    /**
     * This event's part in one wait on several objects ({@link MultiWait}).
     *
     * @param forAll for a wait on all objects: a manual-reset event counts only while signaled (a pulse during the
     *               wait does not satisfy it); for a wait on any object a pulse or a set since the wait registered
     *               releases it, as for a single wait
     */
    WaitTarget target(boolean forAll) {
        return manualReset ? new EventWaitTargets.Manual(this, forAll) : new EventWaitTargets.Auto(this);
    }

    /** The state block. */
    MemorySegment segment() {
        return segment;
    }

    /** Manual reset: counts this wait in the hint, which set and pulse read after changing the futex word. */
    void register() {
        long before = Words.addLong(segment, STATE_OFFSET, WAITER_ONE);
        if (waiters(before) == MAX_WAITERS) {
            Words.addLong(segment, STATE_OFFSET, -WAITER_ONE);
            throw tooManyWaiters();
        }
    }

    IllegalStateException tooManyWaiters() {
        return new IllegalStateException("a shared event takes at most " + MAX_WAITERS + " waits at once");
    }

    /**
     * Manual reset: wakes every sleeper unless the state that set or pulse just replaced counted no waiter. The
     * count and the futex word are one atomic word, so a wait that registered after the replacement sees the new
     * futex word and does not sleep on the old one.
     */
    private void wakeAll(long replaced) {
        if (waiters(replaced) != 0) {
            futex.wake(segment, STATE_OFFSET, Integer.MAX_VALUE);
        }
    }

    long state() {
        return Words.getLong(segment, STATE_OFFSET);
    }

    boolean casState(long expected, long value) {
        return Words.casLong(segment, STATE_OFFSET, expected, value);
    }
}
