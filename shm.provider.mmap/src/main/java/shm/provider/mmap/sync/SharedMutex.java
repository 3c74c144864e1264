package shm.provider.mmap.sync;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

import shm.api.WaitResult;

/**
 * A mutex shared between processes, owned by one thread of one process at a time, recursive, with Win32's rule for
 * a dead owner: when the owning thread has ended (or its whole process), the next acquirer takes the mutex over and
 * is told {@link WaitResult#ABANDONED}, never a deadlock.
 *
 * <p>State block, 32 bytes, 8-byte aligned, little-endian (layout version 2):
 *
 * <pre>
 *  offset  0        4        8                 16                24       28       32
 *         +--------+--------+--------+--------+-----------------+--------+--------+
 *         | magic  |version |   owner word     |  owner thread   |recursion owner  |
 *         | "SHMX" |   2    | lo: futex| hi    |  (in process)   |        |  pid   |
 *         +--------+--------+--------+--------+-----------------+--------+--------+
 *  owner word (64 bits; its low half, offset 8, is the futex word)
 *           bits  0..29  the owner's kernel task id: the owning thread's tid (gettid); with bit 30 set, the
 *                        owning process's pid; 0 (the whole word 0) = free
 *           bit   30     PROCESS_SCOPED: the owner is named by its process only (a Java virtual thread, which has
 *                        no task of its own): abandoned when the process ends
 *           bit   31     WAITERS: some acquirer may sleep; the release must FUTEX_WAKE
 *           bits 32..63  low 32 bits of that task's start time (field 22 of /proc/&lt;id&gt;/stat)
 *  owner thread  the owning thread's id within its process (Java: Thread.threadId(); C: its tid); 0 while free and
 *                for the instant between taking the owner word and writing this field
 *  recursion     levels the owner holds (1 after the first acquire); 0 while free
 *  owner pid     the owning process (for listings; written after the owner word, 0 while free)
 * </pre>
 *
 * <p>The owning thread is named atomically with the lock itself (one 64-bit compare-and-set), so a thread (or process)
 * that ends at any instant after taking the mutex is recognized as the owner; task id and start time together tell a
 * tid reused by a later thread from the owner. A tid is unique system-wide, so no two threads ever write the same
 * owner word, which makes every take-over compare-and-set unambiguous. The owner thread, recursion and pid fields
 * are written only by the owner.
 *
 * <p><b>Acquire</b>: compare-and-set the owner word from 0 to {@code me}; when it is held by the calling thread,
 * add a level. Otherwise set WAITERS and sleep on the futex word while it keeps its value, in slices of at most
 * {@link #LIVENESS_INTERVAL}: whenever that long has passed (and once more before giving up at the timeout) the
 * owner's liveness is checked in {@code /proc}: a task that is gone, a zombie, or an id now held by a task with
 * another start time has abandoned the mutex, and the acquirer takes it over with a compare-and-set of the owner word
 * it examined (so only one acquirer wins) and gets {@link WaitResult#ABANDONED}. An owner that releases wakes a
 * sleeper at once through the futex. <b>Release</b>: by the owner only; at the last level clear recursion, pid and
 * owner thread, swap the owner word to 0 and {@code FUTEX_WAKE} one sleeper when WAITERS was set.
 *
 * <p><b>How a thread's end is seen</b> ({@link ThreadIdentity}): a Java platform thread is one kernel task for its
 * whole life, so when it ends its {@code /proc/<tid>} entry goes away; a virtual thread is named by its process.
 * {@link #releaseAll()} lets a handle release the calling thread's levels at close. Every participant must see one
 * pid namespace. Thread-safe; the instance holds no mutable state of its own. {@link Thread#interrupt()} of a waiting
 * thread ends its wait at once as a time-out would ({@link WaitResult#TIMEOUT}), and the thread keeps its interrupt
 * status.
 */
public final class SharedMutex {

    /** The magic word: ASCII {@code "SHMX"} in little-endian byte order. */
    public static final int MAGIC = 0x584D4853;
    /** The layout version this class reads and writes (2: the owner word names a thread). */
    public static final int VERSION = 2;
    /** Offset of the 64-bit owner word; its low 32 bits are the futex word. */
    public static final long OWNER_OFFSET = 8;
    /** Offset of the 64-bit owner thread id. */
    public static final long THREAD_OFFSET = 16;
    /** Offset of the 32-bit recursion count. */
    public static final long RECURSION_OFFSET = 24;
    /** Offset of the 32-bit pid of the owning process. */
    public static final long PID_OFFSET = 28;
    /** Bytes of the state block. */
    public static final long SIZE = 32;

    /** Owner word: the task id field (a tid, or a pid with {@link #PROCESS_SCOPED}). */
    public static final long ID_MASK = 0x3FFF_FFFFL;
    /** Owner word: the owner is named by its process, not by a thread of its own. */
    public static final long PROCESS_SCOPED = 0x4000_0000L;
    /** Owner word: some acquirer may be sleeping. */
    public static final long WAITERS = 0x8000_0000L;
    /** Owner word: the shift of the start time's low 32 bits. */
    public static final int START_TIME_SHIFT = 32;
    /** How long an acquirer sleeps at most before it checks that the owner still lives. */
    public static final Duration LIVENESS_INTERVAL = Duration.ofMillis(50);

    private static final String KIND = "shared mutex";

    private final MemorySegment segment;
    private final Futex futex;
    private final ThreadIdentity threads;
    private final int pid = (int) ProcessHandle.current().pid();
    private final long livenessNanos = LIVENESS_INTERVAL.toNanos();

    /**
     * Attaches to the mutex initialized in {@code segment}, for the threads of this process.
     *
     * @param segment the mapped state block (at least {@link #requiredBytes()}, 8-byte aligned)
     * @param futex   the futex binding to wait and wake with
     * @throws IllegalArgumentException when the segment holds no mutex of this layout version
     * @throws IllegalStateException    when this process's own {@code /proc/<pid>/stat} cannot be read
     */
    public SharedMutex(MemorySegment segment, Futex futex) {
        Words.checkAttach(segment, SIZE, MAGIC, VERSION, KIND);
        this.segment = segment;
        this.futex = Objects.requireNonNull(futex, "futex");
        this.threads = futex.threads();
    }

    /** Bytes a segment needs to hold a mutex's state. */
    public static long requiredBytes() {
        return SIZE;
    }

    /**
     * Writes a new, free mutex's state into a zero-filled segment; others may attach once this returns. (An owned
     * initial state is the caller's {@link #acquire} right after.)
     *
     * @throws IllegalArgumentException when the segment is unusable or its first {@link #requiredBytes()} bytes are
     *                                  not zero
     */
    public static void initialize(MemorySegment segment) {
        Words.checkZeroed(segment, SIZE, KIND);
        Words.publish(segment, MAGIC, VERSION);
    }

    /**
     * Acquires the mutex for the calling thread, recursively, waiting up to {@code timeout}; {@link Duration#ZERO}
     * only tries (and still takes over a mutex whose owner is dead).
     *
     * @return {@link WaitResult#SIGNALED} when acquired, {@link WaitResult#ABANDONED} when taken over from an owner
     *         process that ended while holding it (the data it guards may be inconsistent), {@link WaitResult#TIMEOUT}
     * @throws IllegalArgumentException when {@code timeout} is negative
     * @throws IllegalStateException    when the calling thread already holds {@link Integer#MAX_VALUE} levels, or
     *                                  the segment was closed
     */
    public WaitResult acquire(Duration timeout) {
        long timeoutNanos = Deadline.nanos(timeout);
        long thread = Thread.currentThread().threadId();
        long self = threads.currentWord();
        long word = owner();
        if (word == 0 && casOwner(0, self)) {
            take(thread);
            return WaitResult.SIGNALED;
        }
        if (ownedBy(word, thread)) {
            int levels = Words.getInt(segment, RECURSION_OFFSET);
            if (levels == Integer.MAX_VALUE) {
                throw new IllegalStateException("the shared mutex is already held " + levels
                        + " times by this thread: the recursion limit");
            }
            Words.setInt(segment, RECURSION_OFFSET, levels + 1);
            return WaitResult.SIGNALED;
        }
        return contended(self, thread, timeoutNanos);
    }

    private WaitResult contended(long self, long thread, long timeoutNanos) {
        Deadline deadline = Deadline.ofNanos(timeoutNanos);
        long nextCheck = System.nanoTime() + livenessNanos;
        while (true) {
            long word = owner();
            if (word == 0) {
                // Others may sleep behind us: keep WAITERS so that our release wakes one.
                if (casOwner(0, self | WAITERS)) {
                    take(thread);
                    return WaitResult.SIGNALED;
                }
                continue;
            }
            long remaining = deadline.remainingNanos();
            if (remaining == 0 || System.nanoTime() - nextCheck >= 0) {
                if (!ownerAlive(word)) {
                    if (casOwner(word, self | WAITERS)) {
                        take(thread);
                        return WaitResult.ABANDONED;
                    }
                    continue;
                }
                nextCheck = System.nanoTime() + livenessNanos;
                if (remaining == 0) {
                    return WaitResult.TIMEOUT;
                }
            }
            if ((word & WAITERS) == 0) {
                if (!casOwner(word, word | WAITERS)) {
                    continue;
                }
                word |= WAITERS;
            }
            long untilCheck = Math.max(1, nextCheck - System.nanoTime());
            futex.await(segment, OWNER_OFFSET, (int) word, Math.min(remaining, untilCheck));
        }
    }

    /**
     * Releases one level of the calling thread's ownership; the last level frees the mutex and wakes one acquirer.
     *
     * @throws IllegalMonitorStateException when the calling thread does not own the mutex (only the owning thread
     *                                      of the owning process may release it)
     */
    public void release() {
        long thread = Thread.currentThread().threadId();
        long word = owner();
        if (!ownedBy(word, thread)) {
            throw new IllegalMonitorStateException("only the thread that owns a shared mutex may release it; the"
                    + " calling thread (pid " + pid + ", thread " + thread + ") does not own it ("
                    + describeOwner(word) + ")");
        }
        int levels = Words.getInt(segment, RECURSION_OFFSET);
        if (levels > 1) {
            Words.setInt(segment, RECURSION_OFFSET, levels - 1);
            return;
        }
        Words.setInt(segment, RECURSION_OFFSET, 0);
        Words.setInt(segment, PID_OFFSET, 0);
        Words.setLong(segment, THREAD_OFFSET, 0);
        long before = Words.swapLong(segment, OWNER_OFFSET, 0);
        if ((before & WAITERS) != 0) {
            futex.wake(segment, OWNER_OFFSET, 1);
        }
    }

    /**
     * Releases every level the calling thread holds (for a handle that closes); does nothing when it holds none.
     *
     * @return the levels released
     */
    public int releaseAll() {
        long thread = Thread.currentThread().threadId();
        if (!ownedBy(owner(), thread)) {
            return 0;
        }
        int levels = Words.getInt(segment, RECURSION_OFFSET);
        Words.setInt(segment, RECURSION_OFFSET, 1);
        release();
        return levels;
    }

    /** Whether the calling thread owns the mutex. */
    public boolean heldByCurrentThread() {
        return ownedBy(owner(), Thread.currentThread().threadId());
    }

    /**
     * The owner at this moment (a snapshot, for listings): its pid, thread id (0 for the instant while it is being
     * taken) and levels; empty while free.
     */
    public Optional<Owner> currentOwner() {
        long word = owner();
        if (word == 0) {
            return Optional.empty();
        }
        return Optional.of(new Owner(Integer.toUnsignedLong(Words.getInt(segment, PID_OFFSET)),
                Words.getLong(segment, THREAD_OFFSET),
                Words.getInt(segment, RECURSION_OFFSET)));
    }

    /**
     * Who owns a mutex at one moment.
     *
     * @param pid       the owning process
     * @param threadId  the owning thread's id within that process
     * @param recursion the levels it holds
     */
    public record Owner(long pid, long threadId, int recursion) {
    }

    /**
     * This mutex's part in one wait on several objects ({@link MultiWait}): acquired, recursively, or taken over from
     * an ended owner; given back exactly as it was.
     */
    WaitTarget target() {
        return new MutexWaitTarget(this);
    }

    /** The futex binding. */
    Futex futex() {
        return futex;
    }

    /** Whether the owner word (and owner thread field) name the calling thread, whose id is {@code thread}. */
    boolean ownedBy(long word, long thread) {
        return word != 0 && (word & ~WAITERS) == threads.currentWord()
                && Words.getLong(segment, THREAD_OFFSET) == thread;
    }

    /** Writes the owner's fields after its compare-and-set of the owner word took the mutex. */
    void take(long thread) {
        Words.setLong(segment, THREAD_OFFSET, thread);
        Words.setInt(segment, RECURSION_OFFSET, 1);
        Words.setInt(segment, PID_OFFSET, pid);
    }

    /** Whether the thread (or, for a process-scoped word, the process) an owner word names still runs. */
    static boolean ownerAlive(long word) {
        return ThreadIdentity.alive(word & ~WAITERS);
    }

    private String describeOwner(long word) {
        if (word == 0) {
            return "it is free";
        }
        return "owner: pid " + Integer.toUnsignedLong(Words.getInt(segment, PID_OFFSET)) + ", thread "
                + Words.getLong(segment, THREAD_OFFSET);
    }

    /** The owner word now. */
    long owner() {
        return Words.getLong(segment, OWNER_OFFSET);
    }

    /** Compare-and-set of the owner word. */
    boolean casOwner(long expected, long value) {
        return Words.casLong(segment, OWNER_OFFSET, expected, value);
    }

    /** The state block. */
    MemorySegment segment() {
        return segment;
    }

    /** The owner word naming the calling thread. */
    long currentWord() {
        return threads.currentWord();
    }
}
