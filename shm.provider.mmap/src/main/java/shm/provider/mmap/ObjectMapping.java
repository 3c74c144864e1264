package shm.provider.mmap;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One mapping of one object file, owned by the handle that maps it (and counted by its users, so that a mapping
 * handed to several handles is released with the last of them): unmapped when released, or kept for the object's next
 * handle here ({@link KeptMappings}).
 *
 * <p>The mapping is raw ({@link Mapper#mapRaw}); handles see it through arenas: one {@link Arena#ofShared() shared
 * arena}, made when the first handle usable from any thread asks and closed when the mapping's last user goes, and one
 * {@link Arena#ofConfined() confined arena} per confined handle, closed when that handle closes. The pages are
 * unmapped only after every arena through which a segment of them was handed out is closed, so a segment kept past
 * its handle's close throws {@link IllegalStateException} and never reads unmapped memory. A confined arena that
 * cannot be closed (its handle was closed by another thread) {@link #releaseConfined pins} the mapping: it then stays mapped until
 * the process ends.
 *
 * <pre>
 *  address (the file's offset 4096: its header page is never mapped)              address + length
 *  |-- data: what handles see, each sliced to its logical size ------------------------|
 * </pre>
 *
 * <p>Not thread-safe: used under the backend's lock.
 */
final class ObjectMapping {

    private final Mapper mapper;
    private final long address;
    private final long length;
    private final boolean writable;
    private Arena shared;
    private MemorySegment sharedData;
    private int users;
    private int sharedUsers;
    private boolean locked;
    private boolean pinned;
    private boolean unmapped;

    /** Takes over a mapping of {@code length} data bytes made by {@link Mapper#mapRaw} or {@link Mapper#duplicateRaw}. */
    ObjectMapping(Mapper mapper, long address, long length, boolean writable) {
        if (length < 1) {
            throw new IllegalArgumentException("a mapping of " + length + " bytes");
        }
        this.mapper = mapper;
        this.address = address;
        this.length = length;
        this.writable = writable;
    }

    /** Whether handles may write through this mapping. */
    boolean writable() {
        return writable;
    }

    /** How many data bytes are mapped. */
    long dataLength() {
        return length;
    }

    /** The whole mapping, for locking and touching its pages; valid until it is unmapped. */
    MemorySegment whole(Arena arena) {
        return MemorySegment.ofAddress(address).reinterpret(length, arena, null);
    }

    /**
     * Whether a new view of the same pages can be made from this mapping ({@link Mapper#duplicateRaw}): still mapped,
     * with the protection asked for, and mapping at least {@code dataLength} data bytes.
     */
    boolean canBeDuplicated(boolean writable, long dataLength) {
        return !unmapped && !pinned && this.writable == writable && dataLength() >= dataLength;
    }

    /**
     * Whether a handle joining this mapping ({@link shm.api.MapOptions#shareMapping()}) can see {@code dataLength}
     * data bytes through it: still mapped, not pinned, and writable when asked (a read-only handle sees a writable
     * mapping through a read-only segment).
     */
    boolean canBeShared(boolean writable, long dataLength) {
        return !unmapped && !pinned && (this.writable || !writable) && dataLength() >= dataLength;
    }

    /** Where the mapping starts, for {@link Mapper#duplicateRaw}. */
    long address() {
        return address;
    }

    /** Whether its pages are locked in RAM. */
    boolean locked() {
        return locked;
    }

    /** Records that its pages are locked in RAM. */
    void markLocked() {
        locked = true;
    }

    /**
     * A view of the first {@code size} data bytes for a handle usable from any thread, through the shared arena (made
     * now if this is the first); counts one user.
     */
    MemorySegment sharedView(long size) {
        if (shared == null) {
            Arena arena = Arena.ofShared();
            sharedData = MemorySegment.ofAddress(address).reinterpret(length, arena, null);
            shared = arena;
        }
        sharedUsers++;
        users++;
        return sharedData.asSlice(0, size);
    }

    /** A view of the first {@code size} data bytes through {@code confined}, the arena of one handle; counts one user. */
    MemorySegment confinedView(long size, Arena confined) {
        MemorySegment view = MemorySegment.ofAddress(address).reinterpret(size, confined, null);
        users++;
        return view;
    }

    /**
     * A handle of the shared arena is gone; after the last, the shared arena is closed.
     *
     * @return {@code true} when the pages are no longer used by any handle: the caller keeps the mapping ({@link
     *         KeptMappings}) or {@linkplain #unmapUnused() unmaps} it
     * @throws IllegalStateException when the shared arena is in use by a native call now; nothing changed
     */
    boolean releaseShared() {
        if (sharedUsers <= 0) {
            throw new IllegalStateException("the mapping has no shared user to release");
        }
        if (sharedUsers == 1) {
            shared.close();   // throws while a native call keeps it: the user stays counted
            shared = null;
            sharedData = null;
        }
        sharedUsers--;
        return releaseOne();
    }

    /**
     * A confined handle is gone; {@code arenaClosed} says whether its arena could be closed. If not (another thread
     * closed the handle), the mapping is pinned: its owner thread may still use the pages, so they stay mapped until
     * the process ends.
     *
     * @return {@code true} when the pages are no longer used by any handle: the caller keeps the mapping ({@link
     *         KeptMappings}) or {@linkplain #unmapUnused() unmaps} it
     */
    boolean releaseConfined(boolean arenaClosed) {
        if (!arenaClosed) {
            pinned = true;
        }
        return releaseOne();
    }

    private boolean releaseOne() {
        if (users <= 0) {
            throw new IllegalStateException("the mapping has no user to release");
        }
        users--;
        return users == 0;
    }

    /**
     * Whether this mapping, which no handle uses, may be kept for the next handle of its object ({@link
     * KeptMappings}): still mapped, no shared arena open, not pinned by a confined arena that stayed open, not locked in
     * RAM.
     */
    boolean keepable() {
        return users == 0 && shared == null && !unmapped && !pinned && !locked;
    }

    /**
     * Unmaps this mapping once its last user is gone ({@link #releaseShared} or {@link #releaseConfined} answered
     * {@code true}) and it is not kept, or when {@link KeptMappings} lets it go; a pinned mapping stays. Idempotent.
     */
    void unmapUnused() {
        if (users != 0) {
            throw new IllegalStateException("the mapping has " + users + " users");
        }
        unmap();
    }

    /** Whether another thread's close left the pages mapped for good. */
    boolean pinned() {
        return pinned;
    }

    /** Unmaps a mapping no handle was given out of yet (a failed create or open). */
    void discard() {
        if (users != 0 || shared != null) {
            throw new IllegalStateException("the mapping has users");
        }
        unmap();
    }

    private void unmap() {
        if (!unmapped && !pinned) {
            unmapped = true;
            mapper.unmapRaw(address, length);
        }
    }
}
