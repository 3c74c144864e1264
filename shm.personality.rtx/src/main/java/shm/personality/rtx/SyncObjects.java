package shm.personality.rtx;

import static shm.api.rtx.RtxConstants.*;

import java.lang.foreign.MemorySegment;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

import shm.api.ErrorReason;
import shm.api.NamedEvent;
import shm.api.NamedMutex;
import shm.api.NamedSemaphore;
import shm.api.ShmException;
import shm.api.rtx.RtxResult;
import shm.api.spi.ShmBackend;

/**
 * RTX's events, mutexes and semaphores: create and open by name (a name held by shared memory or another kind fails
 * with {@code ERROR_INVALID_HANDLE}), and the signal and release calls; the waits on them are {@link SyncWaits}'. The
 * objects live in the backend; their handles in the process's {@link HandleTable}; the BOOL calls leave their code in
 * {@link LastError}.
 */
final class SyncObjects {

    private final BackendBinding binding;
    private final HandleTable handles;
    private final NameRules names;
    private final LastError lastError;
    /** The signal calls' lookup of their handle. */
    private final RecentHandle recent;

    SyncObjects(BackendBinding binding, HandleTable handles, NameRules names, LastError lastError) {
        this.binding = binding;
        this.handles = handles;
        this.names = names;
        this.lastError = lastError;
        this.recent = handles.recent();
    }

    /** {@code RtCreateEvent}. */
    RtxResult createEvent(boolean manualReset, boolean initialState, String name) {
        return create(name, backend -> backend.createOrOpenEvent(name, manualReset, initialState),
                NamedEvent::alreadyExisted);
    }

    /** {@code RtOpenEvent}. */
    RtxResult openEvent(String name) {
        return open(name, backend -> backend.openEvent(name));
    }

    /**
     * {@code RtSetEvent}, {@code RtResetEvent}, {@code RtPulseEvent}: {@code action} on the handle's event; a failure of
     * the backend (its object closed under the call: the handle was closed, or its backend left) is FALSE with its code.
     */
    boolean onEvent(long hEvent, Consumer<NamedEvent> action) {
        if (!(recent.resource(hEvent) instanceof NamedEvent event)) {
            return lastError.fail(ERROR_INVALID_HANDLE);
        }
        try {
            action.accept(event);
        } catch (ShmException e) {
            return lastError.fail((int) RtxErrors.win32(e.reason()).value());
        }
        return true;   // a success leaves the last error as it was (R54)
    }

    /** {@code RtCreateMutex}. */
    RtxResult createMutex(boolean initialOwner, String name) {
        return create(name, backend -> backend.createOrOpenMutex(name, initialOwner), NamedMutex::alreadyExisted);
    }

    /** {@code RtOpenMutex}. */
    RtxResult openMutex(String name) {
        return open(name, backend -> backend.openMutex(name));
    }

    /** {@code RtReleaseMutex}: only the owning thread releases (the backend refuses anyone else with WRONG_STATE). */
    boolean releaseMutex(long hMutex) {
        if (!(recent.resource(hMutex) instanceof NamedMutex mutex)) {
            return lastError.fail(ERROR_INVALID_HANDLE);
        }
        try {
            mutex.release();
        } catch (ShmException e) {
            return lastError.fail(e.reason() == ErrorReason.WRONG_STATE ? ERROR_NOT_OWNER
                    : (int) RtxErrors.win32(e.reason()).value());
        }
        return true;   // a success leaves the last error as it was (R54)
    }

    /** {@code RtCreateSemaphore}. */
    RtxResult createSemaphore(int initialCount, int maximumCount, String name) {
        if (maximumCount < 1 || initialCount < 0 || initialCount > maximumCount) {
            return RtxErrors.failed(ErrorReason.INVALID_PARAMETER, name, "a semaphore needs 0 <= lInitialCount <="
                    + " lMaximumCount and lMaximumCount >= 1, got " + initialCount + " and " + maximumCount, false);
        }
        return create(name, backend -> backend.createOrOpenSemaphore(name, initialCount, maximumCount),
                NamedSemaphore::alreadyExisted);
    }

    /** {@code RtOpenSemaphore}. */
    RtxResult openSemaphore(String name) {
        return open(name, backend -> backend.openSemaphore(name));
    }

    /** {@code RtReleaseSemaphore}: the previous count, or -1 on failure. */
    long releaseSemaphore(long hSemaphore, int releaseCount) {
        if (!(recent.resource(hSemaphore) instanceof NamedSemaphore semaphore)) {
            lastError.fail(ERROR_INVALID_HANDLE);
            return -1;
        }
        if (releaseCount < 1) {
            lastError.fail(ERROR_INVALID_PARAMETER);
            return -1;
        }
        try {
            return semaphore.release(releaseCount);
        } catch (ShmException e) {
            lastError.fail(e.reason() == ErrorReason.INVALID_PARAMETER ? ERROR_TOO_MANY_POSTS
                    : (int) RtxErrors.win32(e.reason()).value());
            return -1;
        }
    }


    private <T> RtxResult create(String name, Function<ShmBackend, T> create, Predicate<T> existed) {
        RtxResult badName = names.check(name, false);
        if (badName != null) {
            return badName;
        }
        try {
            ShmBackend current = binding.bound(name);
            T object = create.apply(current);
            boolean found = existed.test(object);
            return register(object, current, found, found ? ERROR_ALREADY_EXISTS : ERROR_SUCCESS, name);
        } catch (ShmException e) {
            return RtxErrors.failed(RtxErrors.translate(e, name, false));
        }
    }

    private <T> RtxResult open(String name, Function<ShmBackend, T> open) {
        RtxResult badName = names.checkForOpen(name, false);
        if (badName != null) {
            return badName;
        }
        try {
            ShmBackend current = binding.bound(name);
            return register(open.apply(current), current, true, ERROR_SUCCESS, name);
        } catch (ShmException e) {
            return RtxErrors.failed(RtxErrors.translate(e, name, false));
        }
    }

    private RtxResult register(Object object, ShmBackend owner, boolean existed, int code, String name) {
        long value = handles.register(object, MemorySegment.NULL, ApiFamily.RT, owner);
        if (value == 0) {
            return RtxErrors.failed(ErrorReason.CLOSED, name, "the RTX personality is closed", false);
        }
        return new RtxResult(value, MemorySegment.NULL, existed, code, null);
    }
}
