package shm.api.intime;

import java.util.Optional;

import shm.api.ShmException;

/**
 * What an INtime kernel call returning an {@code RTHANDLE} returned: the handle, or {@link IntimeConstants#BAD_RTHANDLE}
 * with the status {@code GetLastRtError} would give.
 *
 * @param handle  the 16-bit handle; {@link IntimeConstants#BAD_RTHANDLE} on failure (a lookup may succeed with
 *                {@link IntimeConstants#NULL_RTHANDLE} when a NULL handle was cataloged)
 * @param status  {@link IntimeConstants#E_OK} on success, else the INtime status
 * @param failure on failure, the exception naming the object, the rule and the status; else {@code null}
 */
public record RtHandleResult(int handle, int status, ShmException failure) {

    /** Checks that a result is either a success with a handle or a failure with its reason. */
    public RtHandleResult {
        if (handle < 0 || handle > 0xFFFF) {
            throw new IllegalArgumentException("an RTHANDLE is 16 bits: " + handle);
        }
        if ((handle == IntimeConstants.BAD_RTHANDLE) != (failure != null)) {
            throw new IllegalArgumentException("a result has a handle or a failure, never both, never neither");
        }
    }

    /** Whether the call succeeded (not {@code BAD_RTHANDLE}). */
    public boolean succeeded() {
        return failure == null;
    }

    /** The failure, empty on success. */
    public Optional<ShmException> error() {
        return Optional.ofNullable(failure);
    }
}
