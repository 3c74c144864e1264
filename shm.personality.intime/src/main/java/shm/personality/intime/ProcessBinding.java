package shm.personality.intime;

import static shm.api.intime.IntimeConstants.E_EXIST;
import static shm.api.intime.IntimeConstants.E_NOT_CONFIGURED;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import shm.api.ErrorReason;
import shm.api.ShmException;
import shm.api.spi.ShmBackend;
import shm.util.KeptState;

/**
 * What ties one INtime process to its backend and to the revision of its bundle: the lock that serializes the
 * process's calls, the process's parts over the bound backend ({@link IntimeProcess}), what it parked when its backend
 * left, and the moves between backends (the same store: everything comes back under the same values) and between
 * revisions ({@link KeptState}). {@link IntimePersonality} is the API over it.
 */
final class ProcessBinding {

    private static final System.Logger LOG = System.getLogger(IntimePersonality.class.getName());

    private final IntimeSettings settings;
    private final ReentrantLock lock = new ReentrantLock();
    /** Signaled when a backend is bound, or the process ends: for waits that wait for the next backend. */
    private final Condition boundOrEnded = lock.newCondition();
    private volatile boolean ended;
    /** The process's parts over the bound backend; {@code null} while none is bound. Guarded by {@link #lock}. */
    private IntimeProcess process;
    /**
     * The door for calls made without the lock: open on {@link #process} once bound, shut (under the lock) before
     * anything of the process is parked or closed.
     */
    private final CallsWithoutLock withoutLock = new CallsWithoutLock();
    /** What the process left when its backend went, for the next backend of the same store. Guarded by the lock. */
    private List<String> parked;
    /** The backend bound or last bound, and its store. Guarded by {@link #lock}. */
    private ShmBackend backend;
    private String storeNamespace;

    /** A process waiting for a backend. */
    ProcessBinding(IntimeSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /**
     * Starts the process over {@code backend} at once.
     *
     * @throws ShmException when the backend cannot hold the tables or the pool
     */
    void start(ShmBackend first) {
        lock.lock();
        try {
            process = new IntimeProcess(Objects.requireNonNull(first, "backend"), settings);
            withoutLock.open(process);
            this.backend = first;
        } finally {
            lock.unlock();
        }
    }

    /** Whether the process has ended (closed, or suspended for its next revision). */
    boolean ended() {
        return ended;
    }

    /** The door for calls of this process made without its lock. */
    CallsWithoutLock withoutLock() {
        return withoutLock;
    }

    /** The process's parts now; only under {@link #locked}, where they are never {@code null}. */
    IntimeProcess process() {
        return process;
    }

    /**
     * Runs {@code call} under this process's lock; fails with E_EXIST once the process has ended, with
     * E_NOT_CONFIGURED while no backend is bound.
     */
    <T> T locked(Supplier<T> call) {
        enter();
        try {
            return call.get();
        } finally {
            exit();
        }
    }

    /**
     * Takes this process's lock and answers its parts, for a call that runs between this and {@link #exit()} (in a
     * {@code finally}) without a lambda; fails as {@link #locked} does, with the lock released.
     */
    IntimeProcess enter() {
        lock.lock();
        try {
            return current();
        } catch (RuntimeException e) {
            lock.unlock();
            throw e;
        }
    }

    /** The process's parts, under the lock; fails as {@link #locked} does. */
    private IntimeProcess current() {
        if (ended) {
            throw IntimeErrors.rt(ErrorReason.CLOSED, E_EXIST, null, "this INtime process has ended");
        }
        if (process == null) {
            throw IntimeErrors.rt(ErrorReason.INTERNAL, E_NOT_CONFIGURED, null, "no shared memory backend is"
                    + " bound (the process waits for one)");
        }
        return process;
    }

    /** Releases the lock {@link #enter()} took. */
    void exit() {
        lock.unlock();
    }

    /**
     * As {@link #enter()}, but while the process waits for a backend (its backend left and it parked its part of the
     * store), first waits for the next one, for at most {@code timeoutNanos} ({@link Long#MAX_VALUE}: no end): for a
     * wait that was under way when the backend left.
     *
     * @return the process's parts, the lock held; {@code null} (the lock not held) when the time ran out first
     * @throws InterruptedException when the waiting thread is interrupted (the lock not held)
     */
    IntimeProcess enterOnceBound(long timeoutNanos) throws InterruptedException {
        lock.lock();
        boolean entered = false;
        try {
            long left = timeoutNanos;
            while (!ended && process == null && parked != null) {
                if (timeoutNanos == Long.MAX_VALUE) {
                    boundOrEnded.await();
                } else if (left <= 0) {
                    return null;
                } else {
                    left = boundOrEnded.awaitNanos(left);
                }
            }
            IntimeProcess now = current();
            entered = true;
            return now;
        } finally {
            if (!entered) {
                lock.unlock();
            }
        }
    }

    /** See {@link IntimePersonality#table}. */
    shm.api.inspect.InspectionTable table(String name) {
        lock.lock();
        try {
            IntimeProcess current = process;
            if (current == null) {
                throw new IllegalStateException("the INtime process has no backend bound");
            }
            return new IntimeTablesView(current.backend, settings, current.memory, current.handles,
                    current.directories, current.iwin32Handles).table(name);
        } finally {
            lock.unlock();
        }
    }

    /** See {@link IntimePersonality#close()}. */
    void close() {
        lock.lock();
        try {
            if (ended) {
                return;
            }
            ended = true;
            boundOrEnded.signalAll();
            withoutLock.stop();
            if (process != null) {
                process.close();
            }
        } finally {
            process = null;
            lock.unlock();
        }
    }

    /** See {@link IntimePersonality#useBackend(ShmBackend, String)}. */
    void useBackend(ShmBackend replacement, String namespace) {
        Objects.requireNonNull(replacement, "replacement");
        lock.lock();
        try {
            if (ended) {
                return;
            }
            boolean sameStore = namespace != null ? namespace.equals(storeNamespace) : replacement == backend;
            if (process != null && !sameStore) {
                LOG.log(System.Logger.Level.WARNING, "INtime " + settings + ": backend " + replacement.type()
                        + " serves " + namespace + ", not " + storeNamespace + " where this process lives; it stays");
                return;
            }
            withoutLock.stop();
            List<String> lost = new ArrayList<>();
            List<String> state = process != null ? process.park(lost) : parked;
            if (state != null && !sameStore) {
                lost.add(state.size() + " parked items: the new backend serves another store (they are released at"
                        + " the park deadline)");
                state = null;
            }
            parked = state; // kept should the new backend refuse the process
            process = null;
            IntimeProcess next = new IntimeProcess(replacement, settings);
            int restored = state == null ? 0 : next.restore(state, lost);
            process = next;
            withoutLock.open(next);
            boundOrEnded.signalAll();
            parked = null;
            backend = replacement;
            storeNamespace = namespace;
            if (state != null || !lost.isEmpty()) {
                log("backend " + replacement.type() + " bound; items taken over " + restored, lost);
            }
        } finally {
            lock.unlock();
        }
    }

    /** See {@link IntimePersonality#backendGone}. */
    void backendGone(ShmBackend gone) {
        lock.lock();
        try {
            if (ended || process == null || process.backend != gone) {
                return;
            }
            withoutLock.stop();
            List<String> lost = new ArrayList<>();
            parked = process.park(lost);
            process = null;
            log("backend " + gone.type() + " left; items parked " + parked.size(), lost);
        } finally {
            lock.unlock();
        }
    }

    /** See {@link IntimePersonality#suspend}. */
    int suspend(String stateName) {
        lock.lock();
        try {
            if (ended) {
                return 0;
            }
            ended = true;
            boundOrEnded.signalAll();
            withoutLock.stop();
            List<String> lost = new ArrayList<>();
            List<String> state = process != null ? process.park(lost) : parked;
            int kept = state == null ? 0 : state.size();
            if (kept > 0 && (process == null || !KeptState.leave(process.backend, stateName, state))) {
                lost.add(kept + " items: " + (process == null ? "no backend is bound to keep them in"
                        : "the backend cannot keep them") + " (released at the park deadline)");
                kept = 0;
            }
            process = null;
            parked = null;
            log("kept for the next revision " + kept + " items", lost);
            return kept;
        } finally {
            lock.unlock();
        }
    }

    /** See {@link IntimePersonality#resume}. */
    int resume(String stateName) {
        lock.lock();
        try {
            if (ended || process == null) {
                return 0;
            }
            List<String> state = KeptState.take(process.backend, stateName).orElse(List.of());
            if (state.isEmpty()) {
                return 0;
            }
            List<String> lost = new ArrayList<>();
            int restored = process.restore(state, lost);
            log("taken over from the previous revision " + restored + " items", lost);
            return restored;
        } finally {
            lock.unlock();
        }
    }

    private void log(String what, List<String> lost) {
        LOG.log(lost.isEmpty() ? System.Logger.Level.INFO : System.Logger.Level.WARNING, "INtime " + settings + ": "
                + what + (lost.isEmpty() ? "" : "; lost: " + String.join("; ", lost)));
    }
}
