package shm.core;

import java.util.List;

import shm.core.NeutralSharedMemoryService.ParkedNames;

/**
 * What a change of backends, or of revision, does to every handle of a neutral service. After a change of candidates
 * it makes a {@link BackendChoice}, binds the chosen backend and brings each handle to the backend of its store that
 * serves it now, or parks it, or keeps it where it is, then releases the parked holds of handles closed meanwhile.
 * When the service goes away it parks every hold for the next revision, or releases them all. {@link HandleMoves}
 * moves, parks or gives up each handle; each swap is logged in one line.
 *
 * <p>Not thread-safe: runs under the service's lock, which guards the handles, the binding and the candidates.
 */
final class Swaps {

    private final System.Logger log;
    private final HandleMoves moves;
    private final LiveHandles handles;
    private final BackendBinding binding;

    /** Swaps of {@code handles} and {@code binding}, logged to {@code log}. */
    Swaps(LiveHandles handles, BackendBinding binding, System.Logger log) {
        this.log = log;
        this.moves = new HandleMoves(log);
        this.handles = handles;
        this.binding = binding;
    }

    /** Chooses the serving backend and brings every handle to it, or parks it, or keeps it where it is. */
    void reconcile(String why, List<Candidate> candidates) {
        Candidate previous = binding.current();
        BackendChoice choice = BackendChoice.among(candidates, handles.stores());
        Candidate chosen = choice.chosen();
        binding.serve(chosen);
        SwapCount count = new SwapCount();
        for (NeutralHandle handle : handles.copy()) {
            bringOver(handle, choice, candidates, count);
        }
        for (NeutralHandle handle : handles.closedWhileParked()) {
            Candidate store = choice.bestOf(handle.namespace());
            if (store != null) {
                handles.removeClosedWhileParked(handle);
                moves.releaseParked(handle, store);
            }
        }
        choice.logRefusal(log);
        if (count.any()) {
            count.log(why, chosen, log);
        } else if (previous != chosen) {
            log.log(System.Logger.Level.DEBUG, "shm swap: " + why + "; serving: "
                    + (chosen == null ? "none" : chosen.origin()) + "; no handle open");
        }
        binding.wakeWaiters();
    }

    /** Brings one handle to the backend of its store that serves it now, if any (see {@link HandleMoves}). */
    private void bringOver(NeutralHandle handle, BackendChoice choice, List<Candidate> candidates, SwapCount count) {
        Candidate current = binding.current();
        Candidate target = current != null && current.namespace().equals(handle.namespace()) ? current
                : choice.bestOf(handle.namespace());
        boolean ownerStays = candidates.stream().anyMatch(c -> c.backend() == handle.owner().backend());
        if (!moves.bringOver(handle, target, ownerStays, count)) {
            handles.forget(handle);
        }
    }

    /**
     * Parks the hold of every handle for the next revision of the service, gives each parked handle {@code successor}
     * and tells {@code parkedNames} each named one; then no backend serves. Returns how many holds were parked.
     */
    int orphanAll(Successor successor, ParkedNames parkedNames) {
        SwapCount count = new SwapCount();
        // A copy: a LOST listener runs on this thread under the service's lock and may close other handles.
        for (NeutralHandle handle : handles.copy()) {
            if (!handles.isOpen(handle)) {
                continue; // closed by a listener meanwhile; its hold is released already
            }
            if (handle.delegate() != null) {
                moves.park(handle, count);
            }
            if (handle.isParked()) {
                handle.orphaned(successor);
                if (handle.nameOrNull() != null) {
                    parkedNames.parked(handle.namespace(), handle.nameOrNull(), handle.parkedUntil());
                }
            }
        }
        handles.forgetAll();
        binding.serve(null);
        if (count.any()) {
            count.log("this revision of the neutral service is going away", null, log);
        }
        binding.wakeWaiters();
        return count.parked;
    }

    /** Closes every open handle, releasing its hold; then no backend serves. */
    void releaseAll() {
        for (NeutralHandle handle : handles.copy()) {
            moves.releaseQuietly(handle.detach(), handle);
        }
        handles.forgetAll();
        binding.serve(null);
        binding.wakeWaiters();
    }
}
