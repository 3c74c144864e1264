package shm.api.spi;

import java.lang.foreign.MemorySegment;

import shm.api.ObjectType;

/**
 * One handle to one object, mapped into this process, as given out by a {@link ShmBackend}. Implemented by backends.
 *
 * <p>Thread-safe, except a handle opened {@link shm.api.MapOptions#confined() confined}: only its opening thread
 * uses its segment and closes it. After {@link #close()}, {@link #segment()} throws {@link shm.api.ShmException}
 * with {@link shm.api.ErrorReason#CLOSED}; the identity methods keep answering. A segment obtained earlier throws
 * {@link IllegalStateException} on every access once its mapping is released: for a confined handle at its close;
 * otherwise at the handle's close for a backend that maps each handle on its own (the mmap backend does, but for
 * handles opened with {@link shm.api.MapOptions#shareMapping()}), and at the latest at the close of the last of the
 * process's handles of the object for a backend that shares one mapping among them; it never crashes the JVM. (A
 * confined handle closed by another thread cannot close its owner's arena: its segment stays usable by the owner
 * thread, and its pages mapped, until the process ends.)
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
     * The mapping: {@link #byteSize()} bytes, page-aligned, owned by a shared arena (shared with the backend's
     * other handles of the object where a backend shares mappings; the mmap backend does not), or by a confined arena
     * of this handle when it was opened {@link shm.api.MapOptions#confined() confined}.
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
     * handle were open until the handle's successor opens the same object {@linkplain ShmBackend#reclaiming
     * reclaiming} (by name or by {@link #ref()}, through this backend instance or any later one over the same store)
     * and so takes the parked hold back, or until the backend's park deadline passes, when any participant releases it as it would release a dead process's handle. For a consumer
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
