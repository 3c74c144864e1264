package shm.provider.win32;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicBoolean;

import shm.api.Access;
import shm.api.ErrorReason;
import shm.api.ObjectType;
import shm.api.ShmException;
import shm.api.spi.BackendHandle;
import shm.api.spi.ObjectRef;

/**
 * A {@link BackendHandle} over vendor shared memory: the segment is the vendor's mapping, reinterpreted in a shared
 * {@link Arena} of this handle, so that a use after {@link #close()} throws {@link IllegalStateException} instead of
 * touching memory the vendor may have unmapped.
 */
final class VendorMemoryHandle implements BackendHandle {

    private final HandleRegistry registry;
    private final NativeObject object;
    private final ObjectRef ref;
    private final boolean alreadyExisted;
    private final long byteSize;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment segment;
    private final AtomicBoolean open = new AtomicBoolean(true);

    VendorMemoryHandle(HandleRegistry registry, NativeObject object, ObjectRef ref, boolean alreadyExisted,
                       long byteSize, Access access) {
        this.registry = registry;
        this.object = object;
        this.ref = ref;
        this.alreadyExisted = alreadyExisted;
        this.byteSize = byteSize;
        MemorySegment mapped = MemorySegment.ofAddress(object.location).reinterpret(byteSize, arena, null);
        this.segment = access == Access.READ_ONLY ? mapped.asReadOnly() : mapped;
    }

    @Override
    public String name() {
        return object.name;
    }

    @Override
    public ObjectType type() {
        return ObjectType.SHARED_MEMORY;
    }

    @Override
    public ObjectRef ref() {
        return ref;
    }

    @Override
    public boolean alreadyExisted() {
        return alreadyExisted;
    }

    @Override
    public long reservedSize() {
        return object.size;
    }

    @Override
    public long byteSize() {
        return byteSize;
    }

    @Override
    public MemorySegment segment() {
        if (!open.get()) {
            throw new ShmException(ErrorReason.CLOSED, object.name, "the handle is closed");
        }
        return segment;
    }

    @Override
    public void shrinkLogicalSize(long newLogicalSize) {
        if (!open.get()) {
            throw new ShmException(ErrorReason.CLOSED, object.name, "the handle is closed");
        }
        if (newLogicalSize < 1 || newLogicalSize > registry.logicalSize(ref, object.size)) {
            throw new ShmException(ErrorReason.INVALID_PARAMETER, object.name, "a logical size must be between 1"
                    + " and the current logical size, not " + newLogicalSize);
        }
        registry.shrink(ref, newLogicalSize);
    }

    @Override
    public boolean isOpen() {
        return open.get();
    }

    /** The vendor object this handle stands on. */
    NativeObject object() {
        return object;
    }

    @Override
    public void close() {
        if (open.compareAndSet(true, false)) {
            arena.close();
            registry.forget(this);
            object.release();
        }
    }
}
