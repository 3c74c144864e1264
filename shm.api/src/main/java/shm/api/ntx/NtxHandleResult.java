package shm.api.ntx;

import java.util.Optional;

import shm.api.ShmException;

/**
 * What an NTX call returning an {@code NTXHANDLE} returned: the handle, or {@link NtxConstants#NTX_BAD_NTXHANDLE}
 * with the status {@code ntxGetLastRtError} would give.
 *
 * @param handle  the {@code NTXHANDLE} (see {@link NtxConstants} for its encoding), or
 *                {@link NtxConstants#NTX_BAD_NTXHANDLE} on failure
 * @param status  {@link NtxConstants#E_OK} on success, else the NTX status
 * @param failure on failure, the exception naming the handle, the rule and the status; else {@code null}
 */
public record NtxHandleResult(long handle, int status, ShmException failure) {

    /** Checks that a result is either a success with a handle and {@code E_OK} or a failure with its reason. */
    public NtxHandleResult {
        if ((handle == NtxConstants.NTX_BAD_NTXHANDLE) != (failure != null)) {
            throw new IllegalArgumentException("a result has a handle or a failure, never both, never neither");
        }
        if ((status == NtxConstants.E_OK) != (failure == null)) {
            throw new IllegalArgumentException("a success has status E_OK, a failure another status: " + status);
        }
    }

    /** Whether the call succeeded (not {@code NTX_BAD_NTXHANDLE}). */
    public boolean succeeded() {
        return failure == null;
    }

    /** The failure, empty on success. */
    public Optional<ShmException> error() {
        return Optional.ofNullable(failure);
    }
}
