package shm.personality.rtx;

import java.util.Objects;

import shm.api.ErrorReason;
import shm.api.ShmException;
import shm.api.spi.ShmBackend;

/**
 * The backend new calls of one RTX "process" go to: none until bound, replaceable, and refused once the process has
 * ended. Handles already open keep the backend they came from ({@link HandleTable}).
 */
final class BackendBinding {

    private volatile ShmBackend backend;
    private volatile boolean closed;

    /** Makes {@code replacement} the backend for calls from now on. */
    void use(ShmBackend replacement) {
        backend = Objects.requireNonNull(replacement, "replacement");
    }

    /** Forgets {@code gone} if it is the backend in use; calls then fail until another is bound. */
    void forget(ShmBackend gone) {
        if (backend == gone) {
            backend = null;
        }
    }

    /** The backend in use, or {@code null}. */
    ShmBackend current() {
        return backend;
    }

    /** Refuses every call from now on. */
    void close() {
        closed = true;
    }

    /**
     * The backend in use.
     *
     * @throws ShmException CLOSED when the process has ended, INTERNAL when no backend is bound
     */
    ShmBackend bound(String name) {
        ShmBackend current = backend;
        if (closed) {
            throw new ShmException(ErrorReason.CLOSED, name, "the RTX personality is closed");
        }
        if (current == null) {
            throw new ShmException(ErrorReason.INTERNAL, name, "no shared memory backend is bound");
        }
        return current;
    }
}
