package shm.api.spi;

import java.lang.foreign.MemorySegment;

import shm.api.ObjectType;

/**
 * One handle to one object, mapped into this process, as given out by a {@link ShmBackend}. Implemented by backends.
 *
 * <p>Thread-safe. After {@link #close()}, {@link #segment()} throws {@link shm.api.ShmException} with
 * {@link shm.api.ErrorReason#CLOSED} and every access through a segment obtained earlier throws
 * {@link IllegalStateException}; the identity methods keep answering.
 */
@org.osgi.annotation.versioning.ProviderType
public interface BackendHandle extends AutoCloseable {

    /** The object's name, or {@code null} for an unnamed object. */
    String name();

    /** The object's type. */
    ObjectType type();

    /** The reference by which any process of the backend can open this object, named or not. */
    ObjectRef ref();

    /** Whether the call that returned this handle found the object already existing. */
    boolean alreadyExisted();

    /** The size reserved for the object, in bytes. */
    long reservedSize();

    /** The size this handle maps: the object's logical size when it was mapped. */
    long byteSize();

    /**
     * The mapping: {@link #byteSize()} bytes, page-aligned, owned by a shared arena of this handle.
     *
     * @throws shm.api.ShmException CLOSED after close
     */
    MemorySegment segment();

    /**
     * Lowers the object's logical size for handles opened from now on; the reserved memory is never shrunk, since
     * other processes may map it. Mappings already made keep their size.
     *
     * @param newLogicalSize at least 1 and at most the current logical size
     * @throws shm.api.ShmException INVALID_PARAMETER when out of range, CLOSED after close
     */
    void shrinkLogicalSize(long newLogicalSize);

    /** Whether this handle is still open. */
    boolean isOpen();

    /**
     * Unmaps and releases this handle; the last handle of an object in any process destroys it. Idempotent.
     */
    @Override
    void close();
}
