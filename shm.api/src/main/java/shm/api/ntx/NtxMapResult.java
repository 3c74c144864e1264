package shm.api.ntx;

import java.lang.foreign.MemorySegment;
import java.util.Objects;
import java.util.Optional;

import shm.api.ShmException;

/**
 * What {@code ntxMapRtSharedMemory} / {@code ntxMapRtSharedMemoryEx} returned: the mapping, or
 * {@link MemorySegment#NULL} with the status {@code ntxGetLastRtError} would give. The segment is the pointer's Java
 * form: its address is the pointer, its size the segment's ({@code RTHANDLE}'s) size; it is read-only when the
 * mapping was made without {@link NtxConstants#NTX_MAP_WRITE}.
 *
 * <p>A map of a handle that is already mapped returns the very same result object (and so the same segment instance)
 * as the map that made the mapping: the Java form of "the same pointer value".
 *
 * @param address the mapping, or {@link MemorySegment#NULL} on failure
 * @param status  {@link NtxConstants#E_OK} on success, else the NTX status
 * @param failure on failure, the exception naming the rule and the status; else {@code null}
 */
public record NtxMapResult(MemorySegment address, int status, ShmException failure) {

    /** Checks that a result is either a success with memory and {@code E_OK} or a failure with its reason. */
    public NtxMapResult {
        Objects.requireNonNull(address, "address");
        if (address.equals(MemorySegment.NULL) != (failure != null)) {
            throw new IllegalArgumentException("a result has memory or a failure, never both, never neither");
        }
        if ((status == NtxConstants.E_OK) != (failure == null)) {
            throw new IllegalArgumentException("a success has status E_OK, a failure another status: " + status);
        }
    }

    /** Whether the call succeeded (a non-NULL pointer). */
    public boolean succeeded() {
        return failure == null;
    }

    /** The failure, empty on success. */
    public Optional<ShmException> error() {
        return Optional.ofNullable(failure);
    }
}
