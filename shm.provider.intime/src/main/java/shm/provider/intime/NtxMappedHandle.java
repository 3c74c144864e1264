package shm.provider.intime;

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
 * A {@link BackendHandle} on RT memory mapped through NTX: unnamed (RT memory is named by the directory, not by the
 * object), its segment in an arena of its own so a use after close fails cleanly.
 */
final class NtxMappedHandle implements BackendHandle {

    private final NtxExtension extension;
    private final NtxMapping mapping;
    private final ObjectRef ref;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment segment;
    private final AtomicBoolean open = new AtomicBoolean(true);

    NtxMappedHandle(NtxExtension extension, NtxMapping mapping, ObjectRef ref, Access access) {
        this.extension = extension;
        this.mapping = mapping;
        this.ref = ref;
        MemorySegment mapped = NtxExtension.segmentOf(mapping, arena);
        this.segment = access == Access.READ_ONLY ? mapped.asReadOnly() : mapped;
    }

    @Override
    public String name() {
        return null;
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
        return true;
    }

    @Override
    public long reservedSize() {
        return mapping.size();
    }

    @Override
    public long byteSize() {
        return mapping.size();
    }

    @Override
    public MemorySegment segment() {
        if (!open.get()) {
            throw new ShmException(ErrorReason.CLOSED, null, "the handle on RT memory is closed");
        }
        return segment;
    }

    @Override
    public void shrinkLogicalSize(long newLogicalSize) {
        throw new ShmException(ErrorReason.LOCATION, null, "the size of RT memory is the RT process's to set");
    }

    @Override
    public boolean isOpen() {
        return open.get();
    }

    @Override
    public void close() {
        if (open.compareAndSet(true, false)) {
            arena.close();
            extension.release(this, mapping);
        }
    }
}
