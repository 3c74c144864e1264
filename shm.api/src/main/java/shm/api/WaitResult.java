package shm.api;

/** How a wait on a named event, mutex or semaphore ended (Win32: WAIT_OBJECT_0, WAIT_TIMEOUT, WAIT_ABANDONED). */
public enum WaitResult {
    /** The object was signaled (for a mutex: acquired). */
    SIGNALED,
    /** The timeout passed first. */
    TIMEOUT,
    /** A mutex whose owner died was acquired; the data it guards may be inconsistent. */
    ABANDONED
}
