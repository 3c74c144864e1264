package shm.api;

import java.util.Objects;

/**
 * How a handle maps its object.
 *
 * @param access    read-only or read-write
 * @param lockPages lock the mapped pages in RAM ({@code mlock}), as real-time memory is non-paged
 * @param prefault  touch every page at map time so the first access does not fault
 */
public record MapOptions(Access access, boolean lockPages, boolean prefault) {

    /** Read-write, no page locking, no pre-faulting. */
    public static final MapOptions DEFAULT = new MapOptions(Access.READ_WRITE, false, false);

    /** Checks that {@code access} is present. */
    public MapOptions {
        Objects.requireNonNull(access, "access");
    }

    /** A copy with the given access. */
    public MapOptions withAccess(Access newAccess) {
        return new MapOptions(newAccess, lockPages, prefault);
    }

    /** A copy that locks pages, or does not. */
    public MapOptions withLockPages(boolean lock) {
        return new MapOptions(access, lock, prefault);
    }

    /** A copy that pre-faults pages, or does not. */
    public MapOptions withPrefault(boolean touch) {
        return new MapOptions(access, lockPages, touch);
    }
}
