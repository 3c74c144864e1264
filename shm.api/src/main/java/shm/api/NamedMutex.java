package shm.api;

import java.time.Duration;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A handle to a mutex shared between processes, owned by one thread of one process at a time and recursive. When
 * its owner dies, the next waiter acquires it with {@link WaitResult#ABANDONED}, never a deadlock. Implemented by the
 * platform. After {@link #close()} every method but the identity methods throws {@link ShmException} with
 * {@link ErrorReason#CLOSED}.
 */
@ProviderType
public interface NamedMutex extends AutoCloseable {

    /** The mutex's name; empty for an unnamed mutex. */
    Optional<String> name();

    /** Whether the create found the mutex already existing. */
    boolean alreadyExisted();

    /**
     * Acquires the mutex for the calling thread, recursively, waiting up to the timeout.
     * {@link Thread#interrupt()} of the waiting thread ends the wait at once with {@link WaitResult#TIMEOUT} (the thread
     * keeps its interrupt status, which tells the two apart); since 1.1, where the backend can (the mmap backend on
     * Linux 5.16 and later).
     *
     * @return SIGNALED when acquired, ABANDONED when acquired from a dead owner, TIMEOUT
     */
    WaitResult acquire(Duration timeout);

    /**
     * Releases one level of the calling thread's ownership.
     *
     * @throws ShmException WRONG_STATE when the calling thread does not own the mutex
     */
    void release();

    /** Whether the calling thread owns the mutex. */
    boolean heldByCurrentThread();

    /** Releases this handle (and any ownership the closing thread holds); the last handle destroys the mutex. */
    @Override
    void close();
}
