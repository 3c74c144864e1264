package shm.core;

import java.util.concurrent.TimeUnit;

import shm.api.ErrorReason;
import shm.api.ObjectType;
import shm.api.ShmException;
import shm.api.spi.BackendHandle;

/**
 * What a swap of the {@link NeutralSharedMemoryService} does to one handle: move it make-before-break to another
 * backend of its store, park its hold when its backend leaves with no successor, take a parked hold back, or give the
 * handle up ({@link NeutralHandle#lose}) when it cannot go on. {@link Swaps} decides which backend each handle goes
 * to, and the service keeps the set of its handles ({@link LiveHandles}); each method here answers whether the handle
 * stays in that set. Called under the service's lock.
 */
final class HandleMoves {

    private final System.Logger log;

    /** Moves that log to {@code log}. */
    HandleMoves(System.Logger log) {
        this.log = log;
    }

    /**
     * Brings {@code handle} to {@code target}, the backend of its store chosen to serve it ({@code null}: none is
     * bound). A parked handle takes its own parked hold back there; a handle still bound adds a hold there, then lets
     * its old one go. With no target, a bound handle whose backend left is parked.
     *
     * @param ownerStays whether the handle's backend is still a candidate (a failed move then leaves it there)
     * @return whether the handle is still the service's (false: ended or lost)
     */
    boolean bringOver(NeutralHandle handle, Candidate target, boolean ownerStays, SwapCount count) {
        if (handle.isEnded()) {
            return false;
        }
        BackendHandle old = handle.delegate();
        if (old != null && target != null && target.backend() == handle.owner().backend()) {
            return true;
        }
        if (target == null) {
            return old == null || ownerStays || park(handle, count);
        }
        try {
            BackendHandle moved = old == null ? target.backend().reclaiming(() -> reopen(handle, target))
                    : reopen(handle, target);
            handle.remapTo(moved, target);
            releaseQuietly(old, handle);
            count.moved++;
            return true;
        } catch (ShmException e) {
            if (old != null && ownerStays) {
                log.log(System.Logger.Level.ERROR, "cannot move " + handle + " to " + target + "; it stays", e);
                return true;
            }
            if (old != null) {
                releaseQuietly(old, handle);
            }
            handle.lose(new ShmException(e.reason(), handle.nameOrNull(), target.origin()
                    + " cannot take the object over: " + e.getMessage(), null, e));
            count.lost++;
            return false;
        }
    }

    /**
     * Parks the hold of a bound handle until its backend's park deadline; a handle whose backend cannot park it is
     * released and lost.
     *
     * @return whether the handle is still the service's (false: lost)
     */
    boolean park(NeutralHandle handle, SwapCount count) {
        BackendHandle old = handle.delegate();
        Candidate owner = handle.owner();
        boolean parked;
        try {
            parked = old.park();
        } catch (RuntimeException e) {
            log.log(System.Logger.Level.ERROR, "cannot park " + handle, e);
            parked = false;
        }
        if (parked) {
            handle.parked(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(owner.parkMillis()));
            count.parked++;
            return true;
        }
        releaseQuietly(old, handle);
        handle.lose(new ShmException(ErrorReason.CLOSED, handle.nameOrNull(), owner.origin()
                + " left and cannot park the handle's hold, so it was released"));
        count.lost++;
        return false;
    }

    /** Releases the parked hold of a handle its user closed while it was parked, now that {@code target} serves it. */
    void releaseParked(NeutralHandle handle, Candidate target) {
        try {
            target.backend().reclaiming(() -> reopen(handle, target)).close();
        } catch (ShmException e) {
            log.log(System.Logger.Level.DEBUG, "the parked hold of closed " + handle + " is gone already", e);
        }
    }

    /** Closes a handle's old backend handle, logging (not throwing) a failure; nothing when {@code old} is null. */
    void releaseQuietly(BackendHandle old, NeutralHandle handle) {
        if (old == null) {
            return;
        }
        try {
            old.close();
        } catch (RuntimeException e) {
            log.log(System.Logger.Level.WARNING, "cannot release the old mapping of " + handle, e);
        }
    }

    /** Opens the object of {@code handle} on {@code target}: by name, or by reference when it has none. */
    private static BackendHandle reopen(NeutralHandle handle, Candidate target) {
        return handle.nameOrNull() == null ? target.backend().openByRef(handle.ref(), handle.options())
                : target.backend().open(ObjectType.SHARED_MEMORY, handle.nameOrNull(), handle.options());
    }
}
