package shm.api.rtx;

import java.lang.foreign.MemorySegment;
import java.util.Objects;
import java.util.Optional;

import shm.api.ShmException;

/**
 * What an RTX call returned, in Java form: the handle (0 for {@code NULL}), the mapping that the vendor call would
 * have stored in {@code *location} ({@link MemorySegment#NULL} when nothing was mapped), whether the object already
 * existed, and the error code the vendor call would have left: the {@code GetLastError} value for the Rt* calls and
 * legacy {@code *pErrorCode}, or the NTSTATUS return value of the RTX64 / wRTOS Rtk* calls.
 *
 * @param handle         the handle, or 0 when the call failed
 * @param location       the mapping, or {@link MemorySegment#NULL} when the call failed or maps nothing
 * @param alreadyExisted whether a create found the object already existing
 * @param errorCode      the vendor's code: 0, {@link RtxConstants#ERROR_ALREADY_EXISTS}, an error, or an NTSTATUS
 * @param failure        on failure, the exception naming the object, the rule and the vendor number; else {@code null}
 */
public record RtxResult(long handle, MemorySegment location, boolean alreadyExisted, int errorCode,
                        ShmException failure) {

    /** Checks that a result is either a success with a handle or a failure with its reason. */
    public RtxResult {
        Objects.requireNonNull(location, "location");
        if ((handle == 0) != (failure != null)) {
            throw new IllegalArgumentException("a result has a handle or a failure, never both, never neither");
        }
    }

    /** Whether the call succeeded (a non-NULL handle). */
    public boolean succeeded() {
        return handle != 0;
    }

    /** The failure, empty on success. */
    public Optional<ShmException> error() {
        return Optional.ofNullable(failure);
    }
}
