package shm.provider.mmap;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import shm.api.ErrorReason;
import shm.api.ObjectType;
import shm.api.ShmException;
import shm.api.spi.BackendHandle;
import shm.api.spi.ObjectRef;
import shm.provider.mmap.sync.Futex;
import shm.provider.mmap.sync.WaitScope;

/**
 * One handle of an object this backend holds ({@link OpenObject}): a view of the object's mapping
 * ({@link ObjectMapping}), through the mapping's shared arena, or through a confined arena of its own when opened
 * {@link shm.api.MapOptions#confined() confined}. Every handle has a mapping of its own, so a segment taken from it
 * throws {@link IllegalStateException} once the handle is closed (a confined handle closed by another thread is the
 * exception: its pages stay mapped, see {@link #closeConfinedArena}).
 */
final class MmapHandle implements BackendHandle {

    private final MmapBackend backend;
    private final OpenObject object;
    private final ObjectMapping mapping;
    private final boolean alreadyExisted;
    private final long reservedSize;
    private final MemorySegment segment;
    /** The arena of a confined handle; {@code null} for a handle of the mapping's shared arena. */
    private final Arena confined;
    private volatile boolean open = true;
    /** The scope of the waits made through this handle (an event's, mutex's or semaphore's); made at first use. */
    private volatile WaitScope waits;

    MmapHandle(MmapBackend backend, OpenObject object, ObjectMapping mapping, boolean alreadyExisted,
               long reservedSize, MemorySegment segment, Arena confined) {
        this.backend = backend;
        this.object = object;
        this.mapping = mapping;
        this.alreadyExisted = alreadyExisted;
        this.reservedSize = reservedSize;
        this.segment = segment;
        this.confined = confined;
    }

    /** The object this handle is of. */
    OpenObject object() {
        return object;
    }

    /** The mapping this handle sees. */
    ObjectMapping mapping() {
        return mapping;
    }

    String fileName() {
        return object.fileName();
    }

    /** The object's slot in the object table. */
    int slot() {
        return object.slot();
    }

    @Override
    public String name() {
        return object.name();
    }

    @Override
    public ObjectRef ref() {
        return object.ref();
    }

    @Override
    public ObjectType type() {
        return object.type();
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
            throw new ShmException(ErrorReason.CLOSED, object.name(), "the handle is closed");
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

    /** Whether this handle has a confined arena of its own. */
    boolean confined() {
        return confined != null;
    }

    /**
     * Closes this confined handle's arena; {@code false} when this thread cannot (the handle belongs to another
     * thread, which may still use the segment).
     */
    boolean closeConfinedArena() {
        try {
            confined.close();
            return true;
        } catch (WrongThreadException otherThread) {
            System.getLogger(MmapHandle.class.getName()).log(System.Logger.Level.WARNING, this + " is confined to"
                    + " the thread that opened it and was closed by " + Thread.currentThread().getName() + "; its "
                    + segment.byteSize() + " bytes stay mapped until the process ends");
            return false;
        }
    }

    /**
     * The scope of the waits made through this handle, so that its release ends them before its memory goes; the
     * same scope for every event, mutex or semaphore over this handle.
     */
    WaitScope waitScope(Futex futex) {
        WaitScope scope = waits;
        if (scope == null) {
            synchronized (this) {
                scope = waits;
                if (scope == null) {
                    scope = futex.newScope();
                    waits = scope;
                }
            }
        }
        return scope;
    }

    /** Marks the handle closed; called by the backend under its lock before the memory goes. */
    void markClosed() {
        open = false;
    }

    /**
     * Ends the waits made through this handle, after {@link #markClosed} and before the memory goes: each leaves
     * the object's state as a time-out would (see {@link WaitScope}). Waits at most
     * {@link WaitScope#CLOSE_BOUND_NANOS}; a wait still there then (its thread did not run for that long) fails at
     * its next access to the unmapped state, its registration left in the object's state.
     */
    void endWaits() {
        WaitScope scope = waits;
        if (scope != null && !scope.close(WaitScope.CLOSE_BOUND_NANOS)) {
            System.getLogger(MmapHandle.class.getName()).log(System.Logger.Level.WARNING, "a wait on " + this
                    + " did not end within " + WaitScope.CLOSE_BOUND_NANOS / 1_000_000 + " ms of the close; its"
                    + " registration may stay in the object's state");
        }
    }

    /** Undoes {@link #markClosed} (and {@link #endWaits}) when the memory could not be released. */
    void markOpen() {
        WaitScope scope = waits;
        if (scope != null) {
            scope.reopen();
        }
        open = true;
    }

    @Override
    public String toString() {
        return "mmap handle of " + (object.name() == null ? "an unnamed object" : "'" + object.name() + "'")
                + (open ? "" : " (closed)");
    }
}
