package shm.api.spi;

/**
 * A reference to one object of a backend that every process using the same backend can open with
 * {@link ShmBackend#openByRef}, named or not. It names one object for the object's whole life and never another one
 * after it is destroyed (a reused table slot gets a new reference).
 *
 * @param value the backend's encoding; opaque to callers, stable across processes
 */
public record ObjectRef(long value) {
}
