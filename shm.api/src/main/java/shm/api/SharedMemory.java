package shm.api;

import java.lang.foreign.MemorySegment;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A handle to a shared memory object, as returned by {@link SharedMemoryService}. Implemented by the platform, not by
 * users.
 *
 * <p>A handle stays valid across a backend swap: {@link #segment()} always answers with the <em>current</em>
 * mapping. A {@link MemorySegment} obtained earlier belongs to the mapping of its time; once that mapping is
 * released every access through it throws {@link IllegalStateException}; it never crashes the JVM. Register a
 * {@link MappingListener} to hear when the mapping changes.
 *
 * <p><b>When a segment of a closed handle throws.</b> {@link #segment()} throws {@link ShmException} with
 * {@link ErrorReason#CLOSED} as soon as the handle is closed. A segment taken earlier:
 * <ul>
 * <li>of a handle opened {@link MapOptions#confined() confined}: throws at once, when the handle is closed;</li>
 * <li>otherwise: at the latest when the last handle this process has open on the object (through that backend) is
 * closed, or when a swap has moved all of them. (The mmap backend maps every handle on its own, so its segments
 * throw when their own handle closes, except handles opened with {@link MapOptions#shareMapping()}, which share one
 * mapping; a backend may also share one mapping among a process's handles of an object of its own accord.)</li>
 * </ul>
 * Code that must not touch an object after closing its handle takes {@link #segment()} again rather than keeping a
 * segment.
 *
 * <p>All methods may be called from any thread, except on a handle opened {@link MapOptions#confined() confined},
 * which only its opening thread may use and close. Releasing a mapping while another thread accesses it makes that
 * access throw {@link IllegalStateException}.
 */
@ProviderType
public interface SharedMemory extends AutoCloseable {

    /** The object's name; empty for an unnamed object. Available after close. */
    Optional<String> name();

    /** The size callers may use, in bytes: the object's logical size. Available after close. */
    long byteSize();

    /**
     * Whether the call that returned this handle found the object already existing (the status Win32 reports as
     * {@code ERROR_ALREADY_EXISTS}). Available after close.
     */
    boolean alreadyExisted();

    /**
     * The current mapping of the object's data: {@link #byteSize()} bytes, page-aligned, of a shared arena (of a
     * confined one for a {@link MapOptions#confined() confined} handle). See the class description for how long it
     * stays usable after {@link #close()}.
     *
     * @throws ShmException with {@link ErrorReason#CLOSED} after {@link #close()}
     */
    MemorySegment segment();

    /** Whether this handle is still open. */
    boolean isOpen();

    /**
     * Hears when this handle's mapping changes (backend swap) or is lost. Listeners are called on the thread that
     * performs the change, after the new mapping is in place; a listener that throws is logged and skipped.
     * Adding a listener twice has no further effect.
     */
    void addMappingListener(MappingListener listener);

    /** Removes a listener; does nothing if it was not added. */
    void removeMappingListener(MappingListener listener);

    /**
     * Releases this handle and unmaps its segment. When it was the last handle of the object in any process, the
     * object is destroyed. Idempotent: a second call does nothing.
     */
    @Override
    void close();
}
