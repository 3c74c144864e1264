package shm.provider.mmap;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import shm.api.ErrorReason;
import shm.api.ObjectType;
import shm.api.ShmException;
import shm.api.spi.BackendHandle;
import shm.api.spi.ObjectRef;

/** One mapping of one object file, owned by a shared arena of its own. */
final class MmapHandle implements BackendHandle {

    private final MmapBackend backend;
    private final String fileName;
    private final int slot;
    private final ObjectRef ref;
    private final ObjectType type;
    private final String name;
    private final boolean alreadyExisted;
    private final long reservedSize;
    private final Arena arena;
    private final MemorySegment segment;
    private volatile boolean open = true;

    MmapHandle(MmapBackend backend, String fileName, int slot, ObjectRef ref, ObjectType type, String name, boolean alreadyExisted,
               long reservedSize, Arena arena, MemorySegment segment) {
        this.backend = backend;
        this.fileName = fileName;
        this.slot = slot;
        this.ref = ref;
        this.type = type;
        this.name = name;
        this.alreadyExisted = alreadyExisted;
        this.reservedSize = reservedSize;
        this.arena = arena;
        this.segment = segment;
    }

    String fileName() {
        return fileName;
    }

    /** The object's slot in the object table. */
    int slot() {
        return slot;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public ObjectRef ref() {
        return ref;
    }

    @Override
    public ObjectType type() {
        return type;
    }

    @Override
    public boolean alreadyExisted() {
        return alreadyExisted;
    }

    @Override
    public long reservedSize() {
        return reservedSize;
    }

    @Override
    public long byteSize() {
        return segment.byteSize();
    }

    @Override
    public MemorySegment segment() {
        if (!open) {
            throw new ShmException(ErrorReason.CLOSED, name, "the handle is closed");
        }
        return segment;
    }

    @Override
    public void shrinkLogicalSize(long newLogicalSize) {
        backend.shrinkLogicalSize(this, newLogicalSize);
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public boolean park() {
        return open && backend.park(this);
    }

    @Override
    public boolean forget() {
        return open && backend.forget(this);
    }

    @Override
    public void close() {
        if (open) {
            backend.release(this);
        }
    }

    /**
     * Marks the handle closed, then closes the arena (unmapping the data); called by the backend under its lock. A
     * thread that races the close therefore sees a closed handle, never an open one whose memory is gone.
     */
    void unmap() {
        open = false;
        try {
            arena.close();
        } catch (IllegalStateException inUse) {
            open = true;
            throw inUse;
        }
    }

    @Override
    public String toString() {
        return "mmap handle of " + (name == null ? "an unnamed object" : "'" + name + "'") + (open ? "" : " (closed)");
    }
}
