package shm.api.intime;

import java.lang.foreign.MemorySegment;
import java.util.Objects;
import java.util.Optional;

import shm.api.ShmException;

/**
 * What an INtime kernel call returning a pointer ({@code AllocateRtMemory}, {@code MapRtSharedMemory}) returned: the
 * memory, or {@link MemorySegment#NULL} with the status {@code GetLastRtError} would give. The segment is the
 * pointer's Java form: its address is the pointer, its size the block's.
 *
 * @param address the memory, or {@link MemorySegment#NULL} on failure
 * @param status  {@link IntimeConstants#E_OK} on success, else the INtime status
 * @param failure on failure, the exception naming the rule and the status; else {@code null}
 */
public record RtMemoryResult(MemorySegment address, int status, ShmException failure) {

    /** Checks that a result is either a success with memory or a failure with its reason. */
    public RtMemoryResult {
        Objects.requireNonNull(address, "address");
        if ((address.equals(MemorySegment.NULL)) != (failure != null)) {
            throw new IllegalArgumentException("a result has memory or a failure, never both, never neither");
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
