package shm.core;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;

import shm.api.ErrorReason;
import shm.api.ShmException;

/**
 * Which backend serves a neutral service's new calls, whether the service is closed, and the waits of calls made
 * while no backend serves (during a swap) or on a parked handle, up to the swap wait.
 *
 * <p>Every method but {@link #setSwapWait} runs under the service's lock, which guards the serving backend and the
 * closed flag; the waits wait on a condition of that lock (releasing it meanwhile) and {@link #wakeWaiters} wakes
 * them. The swap wait is volatile and may change at any time.
 */
final class BackendBinding {

    private final Condition changed;
    private volatile long swapWaitNanos;
    /** Guarded by the service's lock; {@code null} while no backend is bound. */
    private Candidate current;
    /** Guarded by the service's lock. */
    private boolean closed;

    /** No backend yet; waits wait on {@code changed}, a condition of the service's lock, up to {@code swapWait}. */
    BackendBinding(Condition changed, Duration swapWait) {
        this.changed = changed;
        this.swapWaitNanos = swapWait.toNanos();
    }

    /** Changes how long calls wait for a backend during a swap. */
    void setSwapWait(Duration swapWait) {
        swapWaitNanos = swapWait.toNanos();
    }

    /** The backend serving new calls; {@code null} while none is bound. */
    Candidate current() {
        return current;
    }

    /** Lets {@code chosen} serve new calls ({@code null}: none); waiting calls see it once woken. */
    void serve(Candidate chosen) {
        current = chosen;
    }

    /** Marks the service closed, so that calls are refused; returns false when it was closed already. */
    boolean markClosed() {
        if (closed) {
            return false;
        }
        closed = true;
        return true;
    }

    /** Wakes every waiting call to look again: a backend came or went, a handle moved, was closed or was lost. */
    void wakeWaiters() {
        changed.signalAll();
    }

    /**
     * The serving backend, waiting up to the swap wait while none is bound.
     *
     * @throws ShmException CLOSED when the service is closed, or no backend came within the swap wait
     */
    Candidate awaitServing(String name) {
        long deadline = System.nanoTime() + swapWaitNanos;
        try {
            while (!closed && current == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new ShmException(ErrorReason.CLOSED, name, "no shared memory backend is bound (waited "
                            + TimeUnit.NANOSECONDS.toMillis(swapWaitNanos) + " ms)");
                }
                changed.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ShmException(ErrorReason.CLOSED, name, "interrupted while waiting for a backend");
        }
        if (closed) {
            throw new ShmException(ErrorReason.CLOSED, name, "the shared memory service is closed");
        }
        return current;
    }

    /**
     * Waits while {@code handle} is parked, up to the swap wait. Returns when it is bound, orphaned or lost.
     *
     * @return false when this wait lost the handle (its parked hold's deadline passed): the service forgets it
     * @throws ShmException CLOSED when no backend took it over within the swap wait
     */
    boolean awaitRebind(NeutralHandle handle) {
        try {
            long deadline = System.nanoTime() + swapWaitNanos;
            while (handle.isParked()) {
                long now = System.nanoTime();
                if (now - handle.parkedUntil() > 0) {
                    handle.lose(new ShmException(ErrorReason.CLOSED, handle.nameOrNull(), "no backend of its store"
                            + " took the object over before its parked hold's deadline, so the store released it"));
                    return false;
                }
                long left = Math.min(deadline - now, handle.parkedUntil() - now);
                if (deadline - now <= 0) {
                    throw new ShmException(ErrorReason.CLOSED, handle.nameOrNull(), "no backend took the object over"
                            + " within " + TimeUnit.NANOSECONDS.toMillis(swapWaitNanos) + " ms of swap wait after "
                            + handle.owner().origin() + " left; its hold stays parked until its deadline");
                }
                changed.awaitNanos(left);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ShmException(ErrorReason.CLOSED, handle.nameOrNull(), "interrupted while waiting for a backend");
        }
    }
}
