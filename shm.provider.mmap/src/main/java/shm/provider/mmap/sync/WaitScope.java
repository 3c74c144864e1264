package shm.provider.mmap.sync;

import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * The waits made through one handle of an event, mutex or semaphore, so that the handle's close can end them while
 * the handle's mapping is still there. A wait that may sleep {@link #enter enters} the scope before it registers with
 * the object and {@link Waiter#leave leaves} it after its last access to the object's state; {@link #close} marks the
 * scope closed, wakes every thread waiting in it and waits (bounded) until each has left. A wait that finds its scope
 * closed before it sleeps, or is woken by the close, ends as a time-out would (it deregisters from the object, and an
 * auto-reset event's grant already given to it is taken, the wait then returning signaled) and then throws
 * {@link WaitCancelledException}. Without this, a close unmapped the state under a sleeping wait: the wait slept
 * on until the next signal or its time-out, and an auto-reset event kept its registration for good.
 *
 * <p>Cost for a wait that may sleep: a thread-local lookup and a volatile store of the scope in the calling thread's
 * {@link Waiter} before it registers (off the path of a signal, which the wait has not received yet), a plain release
 * store after it; a few reads before each sleep in the kernel. Zero-timeout tests do not enter a scope. Thread-safe.
 */
public final class WaitScope {

    /** How long {@link #close} waits at most for the waits in the scope to leave it. */
    public static final long CLOSE_BOUND_NANOS = 1_000_000_000L;

    private static final int SPINS_BEFORE_PARKING = 64;
    private static final long PARK_NANOS = 20_000;

    private final WaitingThreads threads;
    private volatile boolean closed;

    WaitScope(WaitingThreads threads) {
        this.threads = threads;
    }

    /**
     * Marks the calling thread as waiting in this scope until {@link Waiter#leave}; call before the wait registers
     * with the object, leave in a {@code finally} after its last access to the object's state. The mark is published
     * before the scope's state is read (a volatile store, then the read): either a {@link #close} sees the thread in
     * the scope and waits for it, or this sees the scope closed.
     *
     * @throws WaitCancelledException when the scope is closed already (the thread is not left marked)
     */
    public Waiter enter() {
        Waiter waiter = threads.mine();
        waiter.enter(this);
        if (closed) {
            waiter.leave();
            throw new WaitCancelledException();
        }
        return waiter;
    }

    /**
     * Marks the calling thread as waiting in every scope of {@code scopes} (a wait on several objects) until
     * {@link Waiter#leave}; as {@link #enter}.
     *
     * @throws IllegalArgumentException when the scopes are of different {@link Futex} bindings
     * @throws WaitCancelledException   when one of the scopes is closed already
     */
    public static Waiter enterAll(List<WaitScope> scopes) {
        WaitingThreads threads = scopes.getFirst().threads;
        for (WaitScope scope : scopes) {
            if (scope.threads != threads) {
                throw new IllegalArgumentException("a wait on several objects takes the objects of one futex binding");
            }
        }
        WaitScope[] several = scopes.toArray(WaitScope[]::new);
        Waiter waiter = threads.mine();
        waiter.enter(several);
        if (anyClosed(several)) {
            waiter.leave();
            throw new WaitCancelledException();
        }
        return waiter;
    }

    /** Whether one of {@code scopes} is closed. */
    static boolean anyClosed(WaitScope[] scopes) {
        for (WaitScope scope : scopes) {
            if (scope.isClosed()) {
                return true;
            }
        }
        return false;
    }


    /** Whether {@link #close} was called (and not undone by {@link #reopen}). */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Ends the waits in this scope: marks it closed, wakes every thread waiting in it, and waits until each has left
     * or {@code boundNanos} passed (a thread that does not run for that long, stopped in a debugger say). Idempotent.
     *
     * @return whether every wait left in time; {@code false}: a wait still in the scope may touch the state after the
     *         caller unmaps it (it then fails with the closed segment, as before this class existed)
     */
    public boolean close(long boundNanos) {
        closed = true;
        long deadline = System.nanoTime() + boundNanos;
        for (int round = 0; ; round++) {
            boolean waiting = false;
            for (Waiter waiter : threads.all()) {
                if (waiter.isIn(this)) {
                    waiting = true;
                    waiter.poke();
                }
            }
            if (!waiting) {
                return true;
            }
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            if (round < SPINS_BEFORE_PARKING) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(PARK_NANOS);
            }
        }
    }

    /** Undoes {@link #close} when the handle stays open after all (its memory could not be released). */
    public void reopen() {
        closed = false;
    }
}
