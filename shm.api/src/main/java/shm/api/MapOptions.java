package shm.api;

import java.util.Objects;

/**
 * How a handle maps its object.
 *
 * <p><b>Confined handles</b> ({@link #confined()}, since 1.2) are the fast mode for a caller that promises a single
 * thread: only the thread that opened the handle may use its segment and close it. In exchange, the handle's close
 * costs no pause of the other threads of the JVM (a shared mapping's last close stops every thread for a moment, a
 * confined one does not), and a segment taken from the handle throws {@link IllegalStateException} as soon as the
 * handle is closed. A backend that cannot confine a handle maps it as a shared one; the segment then follows the
 * rules of {@link SharedMemory}. Closing a confined handle from another thread releases the handle but leaves its
 * pages mapped until the process ends (the owner thread may still use them; unmapping them under it could crash the
 * JVM). The same happens when a backend swap moves a confined handle of the neutral service: the swapping thread maps
 * the object again as a shared handle, and the confined mapping stays until the process ends.
 *
 * <p><b>Shared mappings</b> ({@link #shareMapping()}, since 1.3) make opening an object that this process already has
 * open cost no system call: the new handle sees the pages of a handle already open on the object (through the same
 * backend, with at least the access asked for), and shares that process's hold on the object instead of adding one.
 * The object still lives until the process's last handle of it closes. The price: the handle's segment has the
 * address of the handle it joined, not one of its own, and a segment taken from a closed handle that is not confined
 * throws only when the process's last handle on those pages that is not confined closes (a confined one throws at
 * once, as above); this also holds for a segment taken before a backend swap moved the handle. Without a handle
 * open here, or where a backend cannot share, the open is an ordinary one; an open that takes back a hold parked by
 * a swap shares the mapping but takes its own hold. The personalities never ask for it: their views have addresses of
 * their own, as the vendors document.
 *
 * @param access    read-only or read-write
 * @param lockPages lock the mapped pages in RAM ({@code mlock}), as real-time memory is non-paged
 * @param prefault  touch every page at map time so the first access does not fault
 * @param confined  whether the handle is confined to the thread that opens it (see above); {@code false} by default
 * @param shareMapping whether an open of an object this process already has open shares that handle's mapping and
 *                     hold (see above); {@code false} by default
 */
public record MapOptions(Access access, boolean lockPages, boolean prefault, boolean confined, boolean shareMapping) {

    /** Read-write, no page locking, no pre-faulting, usable from any thread, a mapping of its own. */
    public static final MapOptions DEFAULT = new MapOptions(Access.READ_WRITE, false, false, false, false);

    /** Checks that {@code access} is present. */
    public MapOptions {
        Objects.requireNonNull(access, "access");
    }

    /**
     * Options of a handle with a mapping of its own (not {@link #shareMapping()}), as in 1.2.
     *
     * @param access    read-only or read-write
     * @param lockPages lock the mapped pages in RAM
     * @param prefault  touch every page at map time
     * @param confined  whether the handle is confined to the thread that opens it
     * @since 1.2
     */
    public MapOptions(Access access, boolean lockPages, boolean prefault, boolean confined) {
        this(access, lockPages, prefault, confined, false);
    }

    /**
     * Options of a handle usable from any thread (not {@link #confined()}), as in 1.0 and 1.1.
     *
     * @param access    read-only or read-write
     * @param lockPages lock the mapped pages in RAM
     * @param prefault  touch every page at map time
     */
    public MapOptions(Access access, boolean lockPages, boolean prefault) {
        this(access, lockPages, prefault, false, false);
    }

    /**
     * A copy confined to the thread that opens the handle, or not (see the class description).
     *
     * @since 1.2
     */
    public MapOptions withConfined(boolean singleThread) {
        return new MapOptions(access, lockPages, prefault, singleThread, shareMapping);
    }

    /** A copy with the given access. */
    public MapOptions withAccess(Access newAccess) {
        return new MapOptions(newAccess, lockPages, prefault, confined, shareMapping);
    }

    /** A copy that locks pages, or does not. */
    public MapOptions withLockPages(boolean lock) {
        return new MapOptions(access, lock, prefault, confined, shareMapping);
    }

    /** A copy that pre-faults pages, or does not. */
    public MapOptions withPrefault(boolean touch) {
        return new MapOptions(access, lockPages, touch, confined, shareMapping);
    }

    /**
     * A copy that shares the mapping and hold of a handle this process already has open on the object, or does not
     * (see the class description).
     *
     * @since 1.3
     */
    public MapOptions withShareMapping(boolean share) {
        return new MapOptions(access, lockPages, prefault, confined, share);
    }
}
