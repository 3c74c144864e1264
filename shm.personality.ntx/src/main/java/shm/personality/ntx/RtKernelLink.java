package shm.personality.ntx;

import static shm.api.ntx.NtxConstants.E_NTX_INTERNAL_ERROR;

import java.util.Objects;

import shm.api.ErrorReason;
import shm.api.ShmException;
import shm.api.spi.ShmBackend;

/**
 * How one Windows process reaches the RT kernel: the backend new calls go to (none until bound, replaceable), the RT
 * side's tables in it ({@link RtObjects}, opened once per backend), and the end of the process, after which every
 * call fails with {@code E_NTX_INTERNAL_ERROR}. Thread-safe.
 */
final class RtKernelLink {

    private volatile ShmBackend backend;
    private volatile RtObjects tables;
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

    /** Ends the process: calls fail from now on. */
    void close() {
        closed = true;
    }

    /** Whether the process has ended. */
    boolean closed() {
        return closed;
    }

    /**
     * The RT side's tables in the bound backend.
     *
     * @throws ShmException E_NTX_INTERNAL_ERROR when the process has ended or no backend is bound
     */
    RtObjects objects(String object) {
        if (closed) {
            throw closedFailure(object);
        }
        ShmBackend current = backend;
        if (current == null) {
            throw NtxErrors.failure(E_NTX_INTERNAL_ERROR, ErrorReason.INTERNAL, object, "no shared memory backend is"
                    + " bound: NTX cannot reach the RT kernel", null);
        }
        RtObjects known = tables;
        if (known == null || known.backend() != current) {
            try {
                known = new RtObjects(current);
            } catch (ShmException e) {
                throw NtxErrors.failure(E_NTX_INTERNAL_ERROR, e.reason(), object, e.rule(), e);
            }
            tables = known;
        }
        return known;
    }

    /** The RT side's tables of {@code owner}: the ones already open if it is the bound backend, else fresh ones. */
    RtObjects objectsOf(ShmBackend owner) {
        RtObjects current = tables;
        return current != null && current.backend() == owner ? current : new RtObjects(owner);
    }

    /** The failure of a call after the process ended. */
    static ShmException closedFailure(String object) {
        return NtxErrors.failure(E_NTX_INTERNAL_ERROR, ErrorReason.CLOSED, object, "the NTX personality is closed"
                + " (its Windows process ended)", null);
    }
}
