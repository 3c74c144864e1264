package shm.provider.mmap.sync;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Locale;

/**
 * The Linux {@code futex} system call, bound through the FFM API: {@code FUTEX_WAIT} and {@code FUTEX_WAKE} on
 * <em>shared</em> futex words (never {@code FUTEX_PRIVATE_FLAG}), so that processes that map the same file
 * {@code MAP_SHARED} wait on and wake the same word.
 *
 * <p>One instance per owner (a backend, a test), made when needed: the constructor binds the native call, nothing
 * is bound in a static initializer. Instances are immutable and thread-safe. Needs native access
 * ({@code --enable-native-access=ALL-UNNAMED} on the class path).
 *
 * <p>A wait passes the word's raw address to the kernel and does not keep the segment's arena acquired, so a
 * handle that closes (unmaps) its segment while a thread waits does not fail. A wait made in a {@link WaitScope}
 * (the provider makes every wait that may sleep in the scope of its handle) is ended by the scope's close before the
 * unmapping ({@link WaitCancelledException}); any other waiting thread returns at its timeout or at the next wake,
 * and its next access to the closed segment throws {@link IllegalStateException}.
 *
 * <p><b>Interrupts.</b> A wait sleeps in {@code futex_waitv} (Linux 5.16 and later; {@link FutexWaitv}) on two words:
 * the caller's and a word of its own that {@link Thread#interrupt()} sets and wakes (through the interruptor of an
 * {@link AbstractInterruptibleChannel}, the JDK's public hook into {@code interrupt}); the kernel compares both before
 * it sleeps, so an interrupt is never lost, and the wait returns {@link Wake#INTERRUPTED} with the thread's interrupt
 * status kept. On an older kernel ({@code ENOSYS}) waits fall back to {@code FUTEX_WAIT}, which does not see
 * interrupts.
 */
public final class Futex {

    /** How a {@link #await wait} ended. Callers re-check their state in every case: wakes may be spurious. */
    public enum Wake {
        /** {@code FUTEX_WAKE} woke the thread (or a spurious wake-up). */
        WOKEN,
        /** The word did not hold the expected value when the wait began ({@code EAGAIN}). */
        VALUE_CHANGED,
        /** The timeout passed ({@code ETIMEDOUT}), or it was zero. */
        TIMED_OUT,
        /** The waiting thread was interrupted (before or during the wait); its interrupt status is kept. */
        INTERRUPTED
    }

    /** Wait without a timeout: {@code timeoutNanos} that never passes. */
    public static final long FOREVER = Long.MAX_VALUE;

    /** How long a wait spins on the word before it sleeps in the kernel. */
    static final long SPIN_NANOS = 20_000;

    /** {@code FUTEX_WAIT}: sleep while the word holds a value. */
    static final long FUTEX_WAIT = 0;
    /** {@code FUTEX_WAKE}: wake up to a number of sleepers. */
    static final long FUTEX_WAKE = 1;

    /** errno: a signal interrupted the wait; it goes on with the time left. */
    static final int EINTR = 4;
    /** errno: the word did not hold the expected value. */
    static final int EAGAIN = 11;
    /** errno: the timeout passed. */
    static final int ETIMEDOUT = 110;

    /** {@code SYS_futex} on x86-64. */
    static final long SYS_FUTEX_X86_64 = 202;
    /** {@code SYS_futex} on AArch64 (the generic system call table). */
    static final long SYS_FUTEX_AARCH64 = 98;
    /** {@code SYS_gettid} on x86-64. */
    static final long SYS_GETTID_X86_64 = 186;
    /** {@code SYS_gettid} on AArch64. */
    static final long SYS_GETTID_AARCH64 = 178;

    private static final StructLayout TIMESPEC = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("tv_sec"), ValueLayout.JAVA_LONG.withName("tv_nsec"));
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    /**
     * {@code long syscall(long number, ...)} with six arguments, every one passed as a full 64-bit register value
     * (pointers as addresses): the one shape in which the provider makes every system call, so that the FFM API
     * generates the code for it once per JVM ({@code futex}: {@code uaddr, futex_op, val, timeout or val2, uaddr2,
     * val3}; {@code futex_waitv}: {@code waiters, nr, flags, timeout, clockid}).
     */
    public static final FunctionDescriptor SYSCALL_SHAPE = FunctionDescriptor.of(ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG);

    private final long sysFutex;
    private final long sysGettid;
    private final MethodHandle syscall;
    private final CallState callState = new CallState();
    private final WaitingThreads waiting;
    private final FutexWaitv waitv;
    private final ThreadIdentity threads = new ThreadIdentity(this);

    /**
     * Binds {@code syscall(2)} of the C library the JVM links, for this machine's architecture.
     *
     * @throws UnsupportedOperationException when not on Linux x86-64 or AArch64
     */
    public Futex() {
        this.sysFutex = syscallNumber(System.getProperty("os.name", ""), System.getProperty("os.arch", ""));
        this.sysGettid = sysFutex == SYS_FUTEX_X86_64 ? SYS_GETTID_X86_64 : SYS_GETTID_AARCH64;
        Linker linker = Linker.nativeLinker();
        MemorySegment symbol = linker.defaultLookup().find("syscall")
                .orElseThrow(() -> new IllegalStateException("the C library has no symbol syscall"));
        this.syscall = linker.downcallHandle(symbol, SYSCALL_SHAPE, CallState.captureErrno(),
                Linker.Option.firstVariadicArg(1));
        this.waiting = new WaitingThreads(new AddressWaker(syscall, callState, sysFutex));
        this.waitv = new FutexWaitv(callState, syscall, waiting);
    }

    /** A new scope for the waits made through one handle, whose close ends them ({@link WaitScope}). */
    public WaitScope newScope() {
        return waiting.newScope();
    }

    /**
     * The {@code SYS_futex} number for an operating system and architecture ({@code os.name}, {@code os.arch}).
     *
     * @throws UnsupportedOperationException for anything but Linux on x86-64 or AArch64
     */
    static long syscallNumber(String osName, String arch) {
        if (!osName.toLowerCase(Locale.ROOT).startsWith("linux")) {
            throw new UnsupportedOperationException("futex is a Linux system call; this is " + osName);
        }
        return switch (arch) {
            case "amd64", "x86_64" -> SYS_FUTEX_X86_64;
            case "aarch64", "arm64" -> SYS_FUTEX_AARCH64;
            default -> throw new UnsupportedOperationException("no futex system call number known for " + arch
                    + " (x86-64 and AArch64 are supported)");
        };
    }

    /**
     * {@code FUTEX_WAIT}: sleeps while the 32-bit word at {@code offset} of {@code segment} holds {@code expected},
     * until a {@link #wake}, or until {@code timeoutNanos} pass ({@link #FOREVER}: no timeout). The kernel compares
     * and sleeps atomically, so a wake that follows a change of the word is never lost. Interrupted sleeps
     * ({@code EINTR}) continue with the time that remains. A zero timeout returns {@link Wake#TIMED_OUT} at once.
     *
     * @throws IllegalArgumentException when the word is not 4-byte aligned, outside the segment, or the segment is
     *                                  not native
     * @throws IllegalStateException    when the segment is closed or the kernel refuses the call;
     *                                  {@link WaitCancelledException} when a {@link WaitScope} the thread waits in
     *                                  is closed (before it sleeps or during the sleep)
     */
    public Wake await(MemorySegment segment, long offset, int expected, long timeoutNanos) {
        if (timeoutNanos < 0) {
            throw new IllegalArgumentException("a futex wait's timeout cannot be negative: " + timeoutNanos);
        }
        long address = wordAddress(segment, offset);
        if (timeoutNanos == 0) {
            return Wake.TIMED_OUT;
        }
        long start = System.nanoTime();
        // Spin briefly first: a signal from a process running on another CPU usually comes within microseconds,
        // and waking a sleeping thread costs tens of microseconds on a virtual machine. A change seen while
        // spinning is answered as the kernel answers it (EAGAIN), so callers need no other path.
        long spinUntil = start + Math.min(SPIN_NANOS, timeoutNanos);
        do {
            if (Words.getInt(segment, offset) != expected) {
                return Wake.VALUE_CHANGED;
            }
            Thread.onSpinWait();
        } while (System.nanoTime() - spinUntil < 0);
        try {
            MemorySegment state = callState.segment();
            MemorySegment timespec = timeoutNanos == FOREVER ? MemorySegment.NULL
                    : callState.scratch().asSlice(0, TIMESPEC);
            while (true) {
                if (timeoutNanos != FOREVER) {
                    long remaining = timeoutNanos - (System.nanoTime() - start);
                    if (remaining <= 0) {
                        return Wake.TIMED_OUT;
                    }
                    timespec.set(ValueLayout.JAVA_LONG, 0, remaining / NANOS_PER_SECOND);
                    timespec.set(ValueLayout.JAVA_LONG, 8, remaining % NANOS_PER_SECOND);
                }
                if (!waitv.missing()) {
                    int woken = waitv.sleep(segment, new long[] {address}, new int[] {expected},
                            timeoutNanos == FOREVER ? FOREVER : start + timeoutNanos);
                    switch (woken) {
                        case 0:
                            return Wake.WOKEN;
                        case ANY_VALUE_CHANGED:
                            return Wake.VALUE_CHANGED;
                        case ANY_TIMED_OUT:
                            return Wake.TIMED_OUT;
                        case ANY_INTERRUPTED:
                            return Wake.INTERRUPTED;
                        case FutexWaitv.CANCELLED:
                            throw new WaitCancelledException();
                        default:
                            // EINTR; or no futex_waitv: the next round sleeps with FUTEX_WAIT, on a relative timeout
                            // written anew (the absolute one of futex_waitv shares the scratch)
                            continue;
                    }
                }
                if (waiting.mine().cancelled()) {
                    throw new WaitCancelledException();   // without futex_waitv a close cannot wake the sleep below
                }
                long result = (long) syscall.invokeExact(state, sysFutex, address, FUTEX_WAIT, (long) expected,
                        timespec.address(), 0L, 0L);
                if (result == 0) {
                    return Wake.WOKEN;
                }
                int errno = callState.errno();
                switch (errno) {
                    case EAGAIN:
                        return Wake.VALUE_CHANGED;
                    case ETIMEDOUT:
                        return Wake.TIMED_OUT;
                    case EINTR:
                        requireAlive(segment);
                        continue;
                    default:
                        throw failure("FUTEX_WAIT", errno, address);
                }
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("futex FUTEX_WAIT", t);
        }
    }

    /** The most words {@link #awaitAny} takes: {@code futex_waitv}'s 128 less the interrupt word. */
    public static final int AWAIT_ANY_MAX = FutexWaitv.WAITV_MAX - 1;
    /** {@link #awaitAny}: a word did not hold its expected value (or changed while spinning). */
    public static final int ANY_VALUE_CHANGED = -1;
    /** {@link #awaitAny}: the timeout passed, or it was zero. */
    public static final int ANY_TIMED_OUT = -2;
    /** {@link #awaitAny}: the waiting thread was interrupted; its interrupt status is kept. */
    public static final int ANY_INTERRUPTED = -3;
    /** How long one sleep of {@link #awaitAny} lasts at most on a kernel without {@code futex_waitv}. */
    static final long POLL_NANOS = 1_000_000;

    /**
     * Sleeps on several 32-bit words at once ({@code futex_waitv}, plus this wait's interrupt word): until a
     * {@link #wake} of any of them, until one of them does not hold its expected value, or until
     * {@code timeoutNanos} pass ({@link #FOREVER}: no timeout). The kernel compares every word before it sleeps, so a
     * wake that follows a change of any word is never lost. On a kernel without {@code futex_waitv} it sleeps on
     * the first word for at most {@link #POLL_NANOS} (callers re-check every word in every case).
     *
     * @param segments     the segments of the words, one per word
     * @param offsets      each word's offset in its segment
     * @param expected     the value each word must hold for the thread to sleep
     * @param timeoutNanos at least 0
     * @return the index of the word whose wake ended the sleep, or {@link #ANY_VALUE_CHANGED},
     *         {@link #ANY_TIMED_OUT}, {@link #ANY_INTERRUPTED}
     * @throws IllegalArgumentException for arrays of different lengths, none or more than {@link #AWAIT_ANY_MAX}
     *                                  words, or a word that is unusable (see {@link #await})
     * @throws IllegalStateException    when a segment is closed or the kernel refuses the call;
     *                                  {@link WaitCancelledException} as for {@link #await}
     */
    public int awaitAny(MemorySegment[] segments, long[] offsets, int[] expected, long timeoutNanos) {
        int n = segments.length;
        if (n < 1 || n > AWAIT_ANY_MAX || offsets.length != n || expected.length != n) {
            throw new IllegalArgumentException("a wait on several futex words takes 1 to " + AWAIT_ANY_MAX
                    + " words with one offset and one expected value each, got " + n + ", " + offsets.length + " and "
                    + expected.length);
        }
        if (timeoutNanos < 0) {
            throw new IllegalArgumentException("a futex wait's timeout cannot be negative: " + timeoutNanos);
        }
        long[] addresses = new long[n];
        for (int i = 0; i < n; i++) {
            addresses[i] = wordAddress(segments[i], offsets[i]);
        }
        if (timeoutNanos == 0) {
            return ANY_TIMED_OUT;
        }
        long start = System.nanoTime();
        long spinUntil = start + Math.min(SPIN_NANOS, timeoutNanos);
        do {
            for (int i = 0; i < n; i++) {
                if (Words.getInt(segments[i], offsets[i]) != expected[i]) {
                    return ANY_VALUE_CHANGED;
                }
            }
            Thread.onSpinWait();
        } while (System.nanoTime() - spinUntil < 0);
        long deadline = timeoutNanos == FOREVER ? FOREVER : start + timeoutNanos;
        try {
            while (!waitv.missing()) {
                int woken = waitv.sleep(segments[0], addresses, expected, deadline);
                if (woken == FutexWaitv.CANCELLED) {
                    throw new WaitCancelledException();
                }
                if (woken != FutexWaitv.REPEAT) {
                    return woken;
                }
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("futex futex_waitv", t);
        }
        long left = timeoutNanos == FOREVER ? POLL_NANOS : timeoutNanos - (System.nanoTime() - start);
        return switch (await(segments[0], offsets[0], expected[0], Math.max(0, Math.min(POLL_NANOS, left)))) {
            case WOKEN -> 0;
            case VALUE_CHANGED -> ANY_VALUE_CHANGED;
            case INTERRUPTED -> ANY_INTERRUPTED;
            case TIMED_OUT -> left <= POLL_NANOS ? ANY_TIMED_OUT : ANY_VALUE_CHANGED;
        };
    }

    /** Who the calling thread is as a mutex owner: one per binding, so the per-thread cache is shared. */
    ThreadIdentity threads() {
        return threads;
    }

    /**
     * The kernel's id of the calling thread ({@code gettid}): the task that {@code /proc/<tid>} describes, unique
     * system-wide (in one pid namespace) while the thread runs.
     */
    public long currentTid() {
        try {
            long tid = (long) syscall.invokeExact(callState.segment(), sysGettid, 0L, 0L, 0L, 0L, 0L, 0L);
            if (tid <= 0) {
                throw new IllegalStateException("gettid failed with errno " + callState.errno());
            }
            return tid;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("gettid", t);
        }
    }

    /**
     * {@code FUTEX_WAKE}: wakes up to {@code count} threads (of any process) sleeping on the 32-bit word at
     * {@code offset} of {@code segment}.
     *
     * @return how many were woken
     * @throws IllegalArgumentException when {@code count} is below 1 or the word is unusable (see {@link #await})
     * @throws IllegalStateException    when the segment is closed or the kernel refuses the call
     */
    public int wake(MemorySegment segment, long offset, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("a futex wake wakes at least one thread: " + count);
        }
        long address = wordAddress(segment, offset);
        try {
            long result = (long) syscall.invokeExact(callState.segment(), sysFutex, address, FUTEX_WAKE,
                    (long) count, 0L, 0L, 0L);
            if (result < 0) {
                throw failure("FUTEX_WAKE", callState.errno(), address);
            }
            return (int) result;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("futex FUTEX_WAKE", t);
        }
    }

    private static long wordAddress(MemorySegment segment, long offset) {
        if (!segment.isNative()) {
            throw new IllegalArgumentException("a futex word lives in native (mapped) memory, not a heap segment");
        }
        requireAlive(segment);
        if (offset < 0 || offset > segment.byteSize() - Integer.BYTES) {
            throw new IllegalArgumentException("futex word at offset " + offset + " is outside the "
                    + segment.byteSize() + "-byte segment");
        }
        long address = segment.address() + offset;
        if (address % Integer.BYTES != 0) {
            throw new IllegalArgumentException("a futex word must be 4-byte aligned; offset " + offset
                    + " gives address 0x" + Long.toHexString(address));
        }
        return address;
    }

    static void requireAlive(MemorySegment segment) {
        if (!segment.scope().isAlive()) {
            throw new IllegalStateException("Already closed: the segment of the futex word was unmapped");
        }
    }

    static IllegalStateException failure(String operation, int errno, long address) {
        return new IllegalStateException("futex " + operation + " on address 0x" + Long.toHexString(address)
                + " failed with errno " + errno);
    }
}
