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
 * which the personalities rely on). The object table counts one hold of this process for it however many handles are
 * open ({@code docs/mmap-store.md}, "holds"): the hold is taken when the object is first opened and released when its
 * last handle closes, so a further open of an object held here writes nothing into the table.
 *
 * <p>Parking keeps one hold per parked handle, as if every handle held the object: a handle parked while others stay
 * open here parks a hold of its own, and an open here that finds a hold this process parked takes it over, so this
 * backend then has more than one hold ({@link #holds()}), all released with its last handle.
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
    /** The holds this backend has on the object in the table: 1, plus parked holds it took over. */
    private int holds = 1;

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

    /** How many holds this backend has on the object in the table (at least 1 while a handle is open). */
    int holds() {
        return holds;
    }

    /** One more hold: a parked hold of this process taken over by an open here. */
    void addHold() {
        holds++;
    }

    /** One hold fewer: moved to the parked slot for a handle parked while others stay open. */
    void dropHold() {
        if (holds <= 1) {
            throw new IllegalStateException("the last hold goes with the last handle");
        }
        holds--;
    }

    boolean isEmpty() {
        return handles.isEmpty();
    }

    /** How many handles are open here. */
    int handleCount() {
        return handles.size();
    }

    /** A copy of the open handles, in opening order. */
    List<MmapHandle> handles() {
        return List.copyOf(handles);
    }
}
