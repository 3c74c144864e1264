package shm.provider.mmap;

import java.util.Optional;
import java.util.function.Supplier;

import shm.api.ErrorReason;
import shm.api.ShmException;
import shm.api.spi.BackendHandle;
import shm.provider.mmap.sync.MultiWait;

/**
 * What the mmap backend's events, mutexes and semaphores share: the object's handle, whose mapping holds the
 * primitive's state, and the translation of the primitives' exceptions into {@link ShmException}s naming the object.
 */
abstract class MmapSyncObject implements AutoCloseable {

    private final BackendHandle handle;
    private final SyncObjects origin;

    MmapSyncObject(BackendHandle handle, SyncObjects origin) {
        this.handle = handle;
        this.origin = origin;
    }

    /** The maker of this object: a wait on several objects takes only objects of its own backend. */
    final SyncObjects origin() {
        return origin;
    }

    /** The object's handle. */
    final BackendHandle handle() {
        return handle;
    }

    /**
     * The primitive as a member of a wait on several objects.
     *
     * @throws ShmException CLOSED after close
     */
    abstract MultiWait.Member member();

    /** The object's name; empty for an unnamed object. */
    public Optional<String> name() {
        return Optional.ofNullable(handle.name());
    }

    /** Whether the create found the object already existing. */
    public boolean alreadyExisted() {
        return handle.alreadyExisted();
    }

    /** Runs an operation on the primitive; closed handles, bad arguments and misuse become ShmExceptions. */
    final <T> T operate(Supplier<T> operation) {
        if (!handle.isOpen()) {
            throw new ShmException(ErrorReason.CLOSED, handle.name(), "the handle is closed");
        }
        try {
            return operation.get();
        } catch (IllegalMonitorStateException e) {
            throw new ShmException(ErrorReason.WRONG_STATE, handle.name(), e.getMessage(), null, e);
        } catch (IllegalArgumentException e) {
            throw new ShmException(ErrorReason.INVALID_PARAMETER, handle.name(), e.getMessage(), null, e);
        } catch (IllegalStateException e) {
            if (!handle.isOpen()) {
                throw new ShmException(ErrorReason.CLOSED, handle.name(), "the handle was closed during the call",
                        null, e);
            }
            throw new ShmException(ErrorReason.WRONG_STATE, handle.name(), e.getMessage(), null, e);
        } catch (InternalError e) {
            throw truncated(handle, e);
        }
    }

    /**
     * The JVM's answer to a SIGBUS on a mapped page: the object's file was truncated under its mapping by someone
     * outside the platform. Only this object is affected; its handle can still be closed.
     */
    static ShmException truncated(BackendHandle handle, InternalError e) {
        return new ShmException(ErrorReason.INCOMPATIBLE_STORE, handle.name(), "the object's file was truncated"
                + " under its mapping outside the platform, so its memory is gone; close the handle (other objects are"
                + " not affected)", null, e);
    }

    final void operate(Runnable operation) {
        operate(() -> {
            operation.run();
            return null;
        });
    }

    /** Releases the handle; the last handle in any process destroys the object. Idempotent. */
    @Override
    public void close() {
        handle.close();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + " " + (handle.name() == null ? "(unnamed)" : "'" + handle.name() + "'")
                + (handle.isOpen() ? "" : " (closed)");
    }
}
