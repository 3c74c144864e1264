package shm.api;

import java.util.Objects;

/**
 * What happened to a handle's mapping.
 *
 * @param handle      the handle concerned
 * @param kind        remapped or lost
 * @param fromBackend the backend type that held the mapping before, such as {@code "mmap"}
 * @param toBackend   the backend type that holds it now; {@code null} when the mapping was lost
 */
public record MappingEvent(SharedMemory handle, Kind kind, String fromBackend, String toBackend) {

    /** The kinds of change. */
    public enum Kind {
        /** The object now lives on another backend; {@link SharedMemory#segment()} answers with the new mapping. */
        REMAPPED,
        /** No backend can hold the object any more; the handle is closed. */
        LOST
    }

    /** Checks the fields: a remap names its new backend, a loss names none. */
    public MappingEvent {
        Objects.requireNonNull(handle, "handle");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(fromBackend, "fromBackend");
        if ((kind == Kind.REMAPPED) != (toBackend != null)) {
            throw new IllegalArgumentException("a REMAPPED event names its new backend, a LOST event none");
        }
    }
}
