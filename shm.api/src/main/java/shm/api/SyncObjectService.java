package shm.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Named events, mutexes and semaphores shared between processes, in the one namespace they share with shared memory
 * (a name held by another type fails with {@link ErrorReason#NAME_USED_BY_OTHER_TYPE}). Implemented by the platform:
 * every backend offers it, and the neutral service offers it over the bound backend. Thread-safe.
 *
 * <p>The objects stay on the backend that made them: a backend swap does not move them, and when their backend goes
 * away their handles fail with {@link ErrorReason#CLOSED}.
 */
@ProviderType
public interface SyncObjectService {

    /**
     * Creates a named event in the one namespace, or opens the existing one (its reset mode and state are kept and
     * {@link NamedEvent#alreadyExisted()} says so).
     *
     * @param name              the name, or {@code null} for an unnamed event
     * @param manualReset       stays signaled until reset (true) or releases one waiter and resets (false)
     * @param initiallySignaled the state of a new event
     * @throws ShmException INVALID_NAME, NAME_USED_BY_OTHER_TYPE, NO_MEMORY, CLOSED
     */
    NamedEvent createOrOpenEvent(String name, boolean manualReset, boolean initiallySignaled);

    /**
     * Opens an existing named event.
     *
     * @throws ShmException NOT_FOUND, NAME_USED_BY_OTHER_TYPE, INVALID_NAME, CLOSED
     */
    NamedEvent openEvent(String name);

    /**
     * Creates a named mutex, or opens the existing one.
     *
     * @param name           the name, or {@code null} for an unnamed mutex
     * @param initiallyOwned a new mutex is owned by the calling thread (ignored for an existing one)
     * @throws ShmException INVALID_NAME, NAME_USED_BY_OTHER_TYPE, NO_MEMORY, CLOSED
     */
    NamedMutex createOrOpenMutex(String name, boolean initiallyOwned);

    /**
     * Opens an existing named mutex.
     *
     * @throws ShmException NOT_FOUND, NAME_USED_BY_OTHER_TYPE, INVALID_NAME, CLOSED
     */
    NamedMutex openMutex(String name);

    /**
     * Creates a named semaphore, or opens the existing one (its counts are kept).
     *
     * @param name         the name, or {@code null} for an unnamed semaphore
     * @param initialCount the count of a new semaphore, 0 to {@code maximumCount}
     * @param maximumCount the most the count can reach, at least 1
     * @throws ShmException INVALID_PARAMETER for counts out of range, INVALID_NAME, NAME_USED_BY_OTHER_TYPE,
     *                              NO_MEMORY, CLOSED
     */
    NamedSemaphore createOrOpenSemaphore(String name, long initialCount, long maximumCount);

    /**
     * Opens an existing named semaphore.
     *
     * @throws ShmException NOT_FOUND, NAME_USED_BY_OTHER_TYPE, INVALID_NAME, CLOSED
     */
    NamedSemaphore openSemaphore(String name);
}
