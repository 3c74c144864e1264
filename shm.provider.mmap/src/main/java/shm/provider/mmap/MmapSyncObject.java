package shm.provider.mmap;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

import shm.api.ErrorReason;
import shm.api.ShmException;
import shm.api.WaitResult;
import shm.api.spi.BackendHandle;
import shm.provider.mmap.sync.MultiWait;
import shm.provider.mmap.sync.WaitScope;
import shm.provider.mmap.sync.Waiter;

/**
 * What the mmap backend's events, mutexes and semaphores share: the object's handle, whose mapping holds the
 * primitive's state, and the translation of the primitives' exceptions into {@link ShmException}s naming the object.
 */
abstract class MmapSyncObject implements AutoCloseable {

    private final BackendHandle handle;
    private final SyncObjects origin;
    private final WaitScope waits;

    MmapSyncObject(BackendHandle handle, SyncObjects origin) {
        this.handle = handle;
        this.origin = origin;
        this.waits = origin.waitScope(handle);
    }

    /** The scope of the waits made through this object's handle, which the handle's release ends. */
    final WaitScope waitScope() {
        return waits;
    }

    /** A wait of one primitive for a timeout; the implementations are method references capturing nothing. */
    @FunctionalInterface
    interface TimedWait<P> {
        WaitResult await(P primitive, Duration timeout);
    }

    /**
     * Runs a wait on the primitive: a zero-timeout test as any call, a wait that may sleep in the scope of this
     * object's handle, so that the handle's close ends it before the memory goes ({@link WaitScope}). A closed handle,
     * before or during the wait, is CLOSED ({@link #failure}).
     */
    final <P> WaitResult waitOn(P primitive, Duration timeout, TimedWait<P> wait) {
        checkOpen();
        if (timeout.isZero()) {
            try {
                return wait.await(primitive, timeout);
            } catch (RuntimeException | InternalError e) {
                throw failure(e);
            }
        }
        Waiter waiter = null;
        try {
            waiter = waits.enter();
            return wait.await(primitive, timeout);
        } catch (RuntimeException | InternalError e) {
            throw failure(e);
        } finally {
            if (waiter != null) {
                waiter.leave();
            }
        }
    }

    /** The maker of this object: a wait on several objects takes only objects of its own backend. */
    final SyncObjects origin() {
        return origin;
    }

    /** The object's handle. */
    final BackendHandle handle() {
        return handle;
    }

    /**
     * The primitive as a member of a wait on several objects.
     *
     * @throws ShmException CLOSED after close
     */
    abstract MultiWait.Member member();

    /** The object's name; empty for an unnamed object. */
    public Optional<String> name() {
        return Optional.ofNullable(handle.name());
    }

    /** Whether the create found the object already existing. */
    public boolean alreadyExisted() {
        return handle.alreadyExisted();
    }

    /**
     * Runs an operation on the primitive; closed handles, bad arguments and misuse become ShmExceptions. For calls
     * off the signalling path: the operations a process makes per signal and wait ({@code set}, {@code await},
     * {@code acquire}, {@code release}) call {@link #checkOpen()} and {@link #failure} themselves, since a lambda per
     * call allocates, and the young-generation pages it fills fault in on the signalling path (about one round trip
     * in a hundred of the event benchmark took 5 µs more for it).
     */
    final <T> T operate(Supplier<T> operation) {
        checkOpen();
        try {
            return operation.get();
        } catch (RuntimeException | InternalError e) {
            throw failure(e);
        }
    }

    /**
     * The first step of every operation on the primitive.
     *
     * @throws ShmException CLOSED when the handle is closed
     */
    final void checkOpen() {
        if (!handle.isOpen()) {
            throw new ShmException(ErrorReason.CLOSED, handle.name(), "the handle is closed");
        }
    }

    /**
     * What an operation on the primitive throws for what the primitive threw: misuse (a release by a thread that
     * does not own a mutex) is WRONG_STATE, a bad argument INVALID_PARAMETER, a mapping closed during the call
     * CLOSED, another illegal state WRONG_STATE, a truncated file INCOMPATIBLE_STORE; anything else unchanged.
     */
    final RuntimeException failure(Throwable e) {
        return switch (e) {
            case IllegalMonitorStateException misuse ->
                new ShmException(ErrorReason.WRONG_STATE, handle.name(), misuse.getMessage(), null, misuse);
            case IllegalArgumentException bad ->
                new ShmException(ErrorReason.INVALID_PARAMETER, handle.name(), bad.getMessage(), null, bad);
            case IllegalStateException state when !handle.isOpen() ->
                new ShmException(ErrorReason.CLOSED, handle.name(), "the handle was closed during the call", null,
                        state);
            case IllegalStateException state ->
                new ShmException(ErrorReason.WRONG_STATE, handle.name(), state.getMessage(), null, state);
            case InternalError sigbus -> truncated(handle, sigbus);
            case RuntimeException other -> other;
            default -> new IllegalStateException(e);   // not passed: callers catch RuntimeException | InternalError
        };
    }

    /**
     * The JVM's answer to a SIGBUS on a mapped page: the object's file was truncated under its mapping by someone
     * outside the platform. Only this object is affected; its handle can still be closed.
     */
    static ShmException truncated(BackendHandle handle, InternalError e) {
        return new ShmException(ErrorReason.INCOMPATIBLE_STORE, handle.name(), "the object's file was truncated"
                + " under its mapping outside the platform, so its memory is gone; close the handle (other objects are"
                + " not affected)", null, e);
    }

    /** Releases the handle; the last handle in any process destroys the object. Idempotent. */
    @Override
    public void close() {
        handle.close();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + " " + (handle.name() == null ? "(unnamed)" : "'" + handle.name() + "'")
                + (handle.isOpen() ? "" : " (closed)");
    }
}
