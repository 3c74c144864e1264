package shm.api;

/**
 * The types of named objects. All types share one namespace: a name held by one type cannot be created with
 * another.
 */
public enum ObjectType {
    /** A shared memory region. */
    SHARED_MEMORY,
    /** A named event (manual or auto reset). */
    EVENT,
    /** A named mutex. */
    MUTEX,
    /** A named semaphore. */
    SEMAPHORE
}
