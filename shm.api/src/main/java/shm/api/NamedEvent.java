package shm.api;

import java.time.Duration;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A handle to an event shared between processes, manual or auto reset. Implemented by the platform. Thread-safe; a
 * wait blocks in the kernel, not in a spin. After {@link #close()} every method but the identity methods throws
 * {@link ShmException} with {@link ErrorReason#CLOSED}.
 */
@ProviderType
public interface NamedEvent extends AutoCloseable {

    /** The event's name; empty for an unnamed event. */
    Optional<String> name();

    /** Whether the create found the event already existing (its reset mode and state were kept). */
    boolean alreadyExisted();

    /** Whether the event stays signaled until reset (manual reset) or releases one waiter and resets (auto). */
    boolean manualReset();

    /** Signals the event: a manual-reset event releases every waiter and stays signaled; an auto-reset one releases one waiter, or stays signaled until one comes. */
    void set();

    /** Makes the event non-signaled. */
    void reset();

    /** Releases the waiters present now (all for manual reset, one for auto reset) and leaves the event non-signaled. */
    void pulse();

    /**
     * Waits until the event is signaled or the timeout passes; {@link Duration#ZERO} only tests.
     * {@link Thread#interrupt()} of the waiting thread ends the wait at once with {@link WaitResult#TIMEOUT} (the thread
     * keeps its interrupt status, which tells the two apart); since 1.1, where the backend can (the mmap backend on
     * Linux 5.16 and later).
     *
     * @return {@link WaitResult#SIGNALED} or {@link WaitResult#TIMEOUT}
     */
    WaitResult await(Duration timeout);

    /** Releases this handle; the last handle in any process destroys the event. Idempotent. */
    @Override
    void close();
}
