package shm.provider.mmap;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import shm.api.MapOptions;
import shm.api.ObjectType;
import shm.api.spi.ObjectRef;

/**
 * An object this backend holds: its identity in the table and its open handles. A handle has a mapping of its own
 * ({@link ObjectMapping}: Win32 view semantics, a distinct address per handle and a view freed at its handle's close,
 * which the personalities rely on), or, when opened with {@link MapOptions#shareMapping()}, shares the mapping of a
 * handle open here.
 *
 * <p>Holds ({@code docs/mmap-store.md}, "holds"): this process's holds in the object table that back the handles here
 * are counted ({@link #holds()}). Each ordinary open adds one (or takes over one this process parked) and each joined
 * open ({@link #joinHandle}) adds none, so there are never more holds than handles, and at least one while a handle is
 * open (unless another process released it). A close releases a hold only when holds would outnumber the handles left
 * ({@link #release}); a park moves one to a parked slot; a forgotten handle ({@link shm.api.spi.BackendHandle#forget()})
 * releases none, since another process released it. What this class saves beyond that: an open of an object held
 * here makes its view from an open handle's mapping ({@code mremap}, no file opened), or else maps the file again from
 * what it recorded (type, size, the table's inode), without building a table entry.
 *
 * <p>Not thread-safe: guarded by the backend's lock.
 */
final class OpenObject {

    private final MmapBackend backend;
    private final String fileName;
    private final int slot;
    private final ObjectRef ref;
    private final ObjectType type;
    private final String name;
    private final long reservedSize;
    /** The inode of the object file the table recorded (0: not recorded), which a kept mapping must match. */
    private final long inode;
    private final Set<MmapHandle> handles = new LinkedHashSet<>();
    /** This process's holds in the table that back the handles here; at most {@code handles.size()}. */
    private int holds;

    OpenObject(MmapBackend backend, String fileName, int slot, ObjectRef ref, ObjectType type, String name,
               long reservedSize, long inode) {
        this.backend = backend;
        this.fileName = fileName;
        this.slot = slot;
        this.ref = ref;
        this.type = type;
        this.name = name;
        this.reservedSize = reservedSize;
        this.inode = inode;
    }

    String fileName() {
        return fileName;
    }

    int slot() {
        return slot;
    }

    ObjectRef ref() {
        return ref;
    }

    ObjectType type() {
        return type;
    }

    String name() {
        return name;
    }

    /** The reserved size recorded when the object was opened here (it never changes while the object lives). */
    long reservedSize() {
        return reservedSize;
    }

    /** The inode of the object file as the table recorded it; 0 when it did not record one. */
    long inode() {
        return inode;
    }

    /** How many of this process's holds in the object table back the handles here. */
    int holds() {
        return holds;
    }

    /** Counts the hold that the table just recorded for the newest handle (an ordinary open or a create). */
    void holdAdded() {
        if (holds >= handles.size()) {
            throw new IllegalStateException(holds + " holds for " + handles.size() + " handles of " + fileName);
        }
        holds++;
    }

    /**
     * Whether a park of one handle must first add a hold to the table: the handles here outnumber their holds (some
     * were joined), so moving one of the holds away would leave a handle here without one.
     */
    boolean sharesHolds() {
        return holds < handles.size();
    }

    /**
     * A new handle of {@code logicalSize} bytes (at most what is mapped) on {@code mapping}, confined to this thread
     * when the options say so; on failure nothing is counted. Its hold is counted by {@link #holdAdded} once the table
     * has it.
     */
    MmapHandle newHandle(ObjectMapping mapping, long logicalSize, MapOptions options, boolean alreadyExisted) {
        long size = Math.min(logicalSize, mapping.dataLength());
        Arena confined = options.confined() ? Arena.ofConfined() : null;
        MemorySegment view = confined != null ? mapping.confinedView(size, confined) : mapping.sharedView(size);
        if (!options.access().equals(shm.api.Access.READ_WRITE)) {
            view = view.asReadOnly();
        }
        MmapHandle handle = new MmapHandle(backend, this, mapping, alreadyExisted, reservedSize, view, confined);
        handles.add(handle);
        return handle;
    }

    /**
     * A handle that joins {@code mapping}, the mapping of a handle open here ({@link #joinableMapping}), and shares the
     * holds counted here: no system call, nothing written to the table.
     */
    MmapHandle joinHandle(ObjectMapping mapping, long logicalSize, MapOptions options) {
        if (holds == 0) {
            throw new IllegalStateException("no hold of " + fileName + " to share");
        }
        return newHandle(mapping, logicalSize, options, true);
    }

    /**
     * The mapping of an open handle that a joined handle of {@code dataLength} bytes can see, writable if asked
     * ({@link ObjectMapping#canBeShared}), or {@code null} when none can.
     */
    ObjectMapping joinableMapping(boolean writable, long dataLength) {
        for (MmapHandle handle : handles) {
            if (handle.mapping().canBeShared(writable, dataLength)) {
                return handle.mapping();
            }
        }
        return null;
    }

    /**
     * Releases one handle: closes its confined arena, or for a handle of the shared arena the shared arena when it was
     * the last such handle, and, when it was the last user of its mapping, unmaps the mapping, or keeps it for the
     * object's next handle here ({@link KeptMappings}) when this was the object's last handle here.
     *
     * @return whether one of this process's holds in the table is no longer backed by a handle here: the caller
     *         releases it in the table (or has moved it to a parked slot); {@code false} also when the handle was not
     *         open here
     * @throws IllegalStateException when the shared arena is in use by a native call now (nothing changed)
     */
    boolean release(MmapHandle handle) {
        return release(handle, true);
    }

    /**
     * Releases the handle of an open or create that failed after it was made: as {@link #release(MmapHandle)}, but
     * its mapping is never kept, so the failure leaves nothing mapped.
     */
    void releaseFailed(MmapHandle handle) {
        release(handle, false);
    }

    private boolean release(MmapHandle handle, boolean mayKeep) {
        if (!handles.contains(handle)) {
            return false;
        }
        ObjectMapping mapping = handle.mapping();
        handle.markClosed();   // a thread racing the close sees a closed handle, never one whose memory is gone
        handle.endWaits();     // and a wait made through it leaves the object's state before the memory goes
        boolean unused;
        try {
            unused = handle.confined() ? mapping.releaseConfined(handle.closeConfinedArena()) : mapping.releaseShared();
        } catch (IllegalStateException inUse) {
            handle.markOpen();
            throw inUse;
        }
        // Only the object's last handle here leaves its mapping to be kept: while other handles stay open, a further
        // handle's view costs one mremap, and a view kept beside them would only hold more mappings.
        boolean last = handles.size() == 1;
        if (unused && !(mayKeep && last && backend.keptMappings().keep(inode, ref.value(), mapping))) {
            mapping.unmapUnused();
        }
        return drop(handle);
    }

    /**
     * Releases a handle whose hold another process released ({@link shm.api.spi.BackendHandle#forget()}): as
     * {@link #release}, but the hold it took away is not counted any more, and nothing is left for the caller to
     * release in the table.
     *
     * @throws IllegalStateException when the shared arena is in use by a native call now (nothing changed)
     */
    void forget(MmapHandle handle) {
        if (handles.contains(handle) && !release(handle)) {
            holds = Math.max(0, holds - 1);
        }
    }

    /**
     * Drops a handle whose memory could not be released (a native call used it while its hold was parked): it is
     * marked closed and no longer counted here; its mapping stays until the process ends.
     */
    void abandon(MmapHandle handle) {
        handle.markClosed();
        if (handles.contains(handle)) {
            drop(handle);
        }
    }

    /** Removes a handle; whether a hold is no longer backed (see {@link #release}). */
    private boolean drop(MmapHandle handle) {
        handles.remove(handle);
        if (holds > handles.size()) {
            holds--;
            return true;
        }
        return false;
    }

    /**
     * A mapping of an open handle from which a new view of {@code dataLength} bytes with that protection can be made
     * ({@link ObjectMapping#canBeDuplicated}), or {@code null} when none can.
     */
    ObjectMapping duplicableMapping(boolean writable, long dataLength) {
        for (MmapHandle handle : handles) {
            if (handle.mapping().canBeDuplicated(writable, dataLength)) {
                return handle.mapping();
            }
        }
        return null;
    }

    boolean isEmpty() {
        return handles.isEmpty();
    }

    /** A copy of the open handles, in opening order. */
    List<MmapHandle> handles() {
        return List.copyOf(handles);
    }
}
