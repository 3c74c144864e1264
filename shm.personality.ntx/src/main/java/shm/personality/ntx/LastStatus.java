package shm.personality.ntx;

import static shm.api.ntx.NtxConstants.E_OK;

import java.util.Optional;

import shm.api.ShmException;

/**
 * The per-thread {@code ntxGetLastRtError} storage of one Windows process: the failure the last failing call of a thread
 * left, whose vendor number is the status. A thread's value is an {@code shm.api} object, never an instance of a class
 * of this bundle: the caller's threads outlive a revision of this bundle, and a stale thread-local value stays in each
 * thread's map until that thread happens to clean it, which would keep the old revision's class loader reachable.
 */
final class LastStatus {

    private final ThreadLocal<ShmException> last = new ThreadLocal<>();

    /** Stores a failure as this thread's last status; returns the status. */
    int remember(ShmException failure) {
        int status = status(failure);
        last.set(failure);
        return status;
    }

    /** This thread's last status, {@code E_OK} when no call failed. */
    int status() {
        ShmException failure = last.get();
        return failure == null ? E_OK : status(failure);
    }

    /** The failure behind the last status, if any. */
    Optional<ShmException> failure() {
        return Optional.ofNullable(last.get());
    }

    private static int status(ShmException failure) {
        return (int) failure.vendorError().orElseThrow().value();
    }
}
