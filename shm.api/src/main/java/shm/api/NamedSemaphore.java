package shm.api;

import java.time.Duration;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A handle to a counting semaphore shared between processes. Implemented by the platform. After {@link #close()}
 * every method but the identity methods throws {@link ShmException} with {@link ErrorReason#CLOSED}.
 */
@ProviderType
public interface NamedSemaphore extends AutoCloseable {

    /** The semaphore's name; empty for an unnamed semaphore. */
    Optional<String> name();

    /** Whether the create found the semaphore already existing (its counts were kept). */
    boolean alreadyExisted();

    /** The most the count can reach. */
    long maximumCount();

    /**
     * Decrements the count, waiting up to the timeout while it is zero.
     * {@link Thread#interrupt()} of the waiting thread ends the wait at once with {@link WaitResult#TIMEOUT} (the thread
     * keeps its interrupt status, which tells the two apart); since 1.1, where the backend can (the mmap backend on
     * Linux 5.16 and later).
     *
     * @return SIGNALED or TIMEOUT
     */
    WaitResult acquire(Duration timeout);

    /**
     * Adds {@code count} to the count.
     *
     * @return the count before the release
     * @throws ShmException INVALID_PARAMETER when {@code count} is below 1 or the count would exceed the maximum (the
     *                      count is then unchanged)
     */
    long release(long count);

    /** Releases this handle; the last handle in any process destroys the semaphore. Idempotent. */
    @Override
    void close();
}
