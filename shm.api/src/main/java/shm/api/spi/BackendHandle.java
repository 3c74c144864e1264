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
     * Unmaps this handle but keeps its hold on the object, parked for the process: the object lives on as if the
     * handle were open until the process's next open of the same object (by name or by {@link #ref()}, through this
     * backend instance or any later one over the same store) takes the parked hold over, or until the backend's park
     * deadline passes, when any participant releases it as it would release a dead process's handle. For a consumer
     * that is itself going away (a component being deactivated or updated) and wants its next revision to find the
     * object as it left it. Afterwards the handle is closed as by {@link #close()} (idempotent).
     *
     * @return {@code true} when the hold was parked; {@code false} when this backend cannot park (nothing happened,
     *         the handle is still open and the caller decides), or the handle was already closed
     * @since 1.2
     */
    default boolean park() {
        return false;
    }

    /**
     * Unmaps this handle <em>without</em> releasing its hold: for a handle whose hold another process already
     * released, together with the descriptor that stood for it ({@link DescriptorTable#deleteReleasingHold}).
     * Afterwards the handle is closed as by {@link #close()}, whose later calls do nothing; the object's handle count
     * is not touched. Idempotent: it never releases anything, so calling it twice, or after {@link #close()}, is safe.
     * A caller that forgets a handle whose hold was not released leaves that hold to the process's end.
     *
     * @return {@code true} when the handle was open and is now unmapped; {@code false} when it was already closed, or
     *         when this backend cannot forget (nothing happened: the handle is still open)
     * @throws shm.api.ShmException WRONG_STATE when a native call uses the mapping right now (nothing happened)
     * @since 1.4
     */
    default boolean forget() {
        return false;
    }

    /**
     * Unmaps and releases this handle; the last handle of an object in any process destroys it. Idempotent.
     */
    @Override
    void close();
}
