package shm.personality.ntx;

import static shm.api.ntx.NtxConstants.E_OK;

import java.util.Optional;

import shm.api.ShmException;

/** The per-thread {@code ntxGetLastRtError} storage of one Windows process, with the failure behind the status. */
final class LastStatus {

    /** The status and failure the last failing call of a thread left. */
    private record Entry(int status, ShmException failure) {
    }

    private final ThreadLocal<Entry> last = new ThreadLocal<>();

    /** Stores a failure as this thread's last status; returns the status. */
    int remember(ShmException failure) {
        int status = (int) failure.vendorError().orElseThrow().value();
        last.set(new Entry(status, failure));
        return status;
    }

    /** This thread's last status, {@code E_OK} when no call failed. */
    int status() {
        Entry entry = last.get();
        return entry == null ? E_OK : entry.status();
    }

    /** The failure behind the last status, if any. */
    Optional<ShmException> failure() {
        Entry entry = last.get();
        return entry == null ? Optional.empty() : Optional.of(entry.failure());
    }
}
