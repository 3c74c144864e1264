package shm.personality.rtx;

import java.util.Map;
import java.util.Objects;

import shm.api.ErrorReason;
import shm.api.ShmException;
import shm.api.spi.BackendCapabilities;
import shm.api.spi.ShmBackend;

/**
 * The backend new calls of one RTX "process" go to: none until bound, replaceable, and refused once the process has
 * ended. Handles already open keep the backend they came from ({@link HandleTable}). It also keeps the capabilities
 * of the bound backend that the RTX rules consult ({@link BackendCapabilities#MAX_NAME_LENGTH}).
 */
final class BackendBinding {

    /** The bound backend and the longest name it takes; replaced together. */
    private record Bound(ShmBackend backend, int maxNameLength) {
    }

    private volatile Bound bound;
    private volatile boolean closed;

    /** Makes {@code replacement} the backend for calls from now on, taking names of any length. */
    void use(ShmBackend replacement) {
        use(replacement, Map.of());
    }

    /**
     * Makes {@code replacement} the backend for calls from now on, with the capabilities its service publishes
     * ({@code properties}; an absent capability means the full one).
     */
    void use(ShmBackend replacement, Map<String, ?> properties) {
        bound = new Bound(Objects.requireNonNull(replacement, "replacement"), maxNameLength(properties));
    }

    /** The longest name the bound backend takes, in UTF-16 characters; {@link Integer#MAX_VALUE} for any. */
    int maxNameLength() {
        Bound current = bound;
        return current == null ? Integer.MAX_VALUE : current.maxNameLength();
    }

    /** The type of the bound backend, for messages; {@code "none"} when none is bound. */
    String type() {
        Bound current = bound;
        return current == null ? "none" : current.backend().type();
    }

    private static int maxNameLength(Map<String, ?> properties) {
        Object value = properties.get(BackendCapabilities.MAX_NAME_LENGTH);
        if (value instanceof Number number && number.longValue() > 0) {
            return (int) Math.min(Integer.MAX_VALUE, number.longValue());
        }
        if (value instanceof String text && text.strip().matches("[0-9]{1,9}") && Integer.parseInt(text.strip()) > 0) {
            return Integer.parseInt(text.strip());
        }
        return Integer.MAX_VALUE;
    }

    /** Forgets {@code gone} if it is the backend in use; calls then fail until another is bound. */
    void forget(ShmBackend gone) {
        Bound current = bound;
        if (current != null && current.backend() == gone) {
            bound = null;
        }
    }

    /** The backend in use, or {@code null}. */
    ShmBackend current() {
        Bound current = bound;
        return current == null ? null : current.backend();
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
        Bound current = bound;
        if (closed) {
            throw new ShmException(ErrorReason.CLOSED, name, "the RTX personality is closed");
        }
        if (current == null) {
            throw new ShmException(ErrorReason.INTERNAL, name, "no shared memory backend is bound");
        }
        return current.backend();
    }
}
