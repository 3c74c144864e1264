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
 * An object this backend holds: its identity in the table and its open handles, each with a mapping of its own
 * ({@link ObjectMapping}: Win32 view semantics, a distinct address per handle and a view freed at its handle's close,
 * which the personalities rely on). Every handle has one hold of this process in the object table
 * ({@code docs/mmap-store.md}, "holds"): each open adds one (or takes over one this process parked), each close
 * releases one, each park moves one to a parked slot; a forgotten handle ({@link shm.api.spi.BackendHandle#forget()})
 * releases none, since another process released it. What this class saves is the rest: an open of an object held here
 * makes its view from an open handle's mapping ({@code mremap}, no file opened), or else maps the file again from what
 * it recorded (type, size, the table's inode), without building a table entry.
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
    private final Set<MmapHandle> handles = new LinkedHashSet<>();

    OpenObject(MmapBackend backend, String fileName, int slot, ObjectRef ref, ObjectType type, String name,
               long reservedSize) {
        this.backend = backend;
        this.fileName = fileName;
        this.slot = slot;
        this.ref = ref;
        this.type = type;
        this.name = name;
        this.reservedSize = reservedSize;
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

    /**
     * A new handle of {@code logicalSize} bytes (at most what is mapped) on {@code mapping}, confined to this thread
     * when the options say so; on failure nothing is counted.
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
     * Releases one handle: closes its confined arena, or for a handle of the shared arena the shared arena when it was
     * the last such handle, and unmaps the mapping it used when it was that mapping's last user.
     *
     * @return {@code false} when the handle was not open here
     * @throws IllegalStateException when the shared arena is in use by a native call now (nothing changed)
     */
    boolean release(MmapHandle handle) {
        if (!handles.contains(handle)) {
            return false;
        }
        ObjectMapping mapping = handle.mapping();
        handle.markClosed();   // a thread racing the close sees a closed handle, never one whose memory is gone
        try {
            if (handle.confined()) {
                mapping.releaseConfined(handle.closeConfinedArena());
            } else {
                mapping.releaseShared();
            }
        } catch (IllegalStateException inUse) {
            handle.markOpen();
            throw inUse;
        }
        handles.remove(handle);
        return true;
    }

    /**
     * Drops a handle whose memory could not be released (a native call used it while its hold was parked): it is
     * marked closed and no longer counted here; its mapping stays until the process ends.
     */
    void abandon(MmapHandle handle) {
        handle.markClosed();
        handles.remove(handle);
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
