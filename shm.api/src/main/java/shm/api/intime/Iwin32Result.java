package shm.api.intime;

import java.lang.foreign.MemorySegment;
import java.util.Objects;
import java.util.Optional;

import shm.api.ShmException;

/**
 * What an iwin32 call returned, in Java form: the handle (0 for {@code NULL}), the mapping the vendor call would have
 * stored in {@code *location} ({@link MemorySegment#NULL} when nothing was mapped), whether a create found the object
 * already existing, and the Win32 code the call reported ({@code GetLastError}).
 *
 * @param handle         the iwin32 handle (at least {@link IntimeConstants#IWIN32_HANDLE_BASE}), or 0 on failure
 * @param location       the mapping of a shared-memory object; {@link MemorySegment#NULL} on failure and for a handle
 *                       of an event, mutex or semaphore
 * @param alreadyExisted whether a create found the object already existing
 * @param errorCode      0, {@link IntimeConstants#ERROR_ALREADY_EXISTS}, or the Win32 error of a failure
 * @param failure        on failure, the exception naming the object, the rule and the vendor number; else {@code null}
 */
public record Iwin32Result(long handle, MemorySegment location, boolean alreadyExisted, int errorCode,
                           ShmException failure) {

    /** Checks that a result is either a success with a handle or a failure with its reason. */
    public Iwin32Result {
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
