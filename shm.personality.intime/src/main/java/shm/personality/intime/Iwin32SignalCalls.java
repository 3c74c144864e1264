package shm.personality.intime;

import shm.api.NamedEvent;
import shm.api.NamedMutex;
import shm.api.NamedSemaphore;
import shm.api.ShmException;

/**
 * The signalling calls of one INtime process: {@code RtSetEvent}, {@code RtResetEvent}, {@code RtPulseEvent},
 * {@code RtReleaseMutex} and {@code RtReleaseSemaphore}. On a handle of the process's own that is known to be current
 * they run without the process's lock ({@link CallFrame#enterWithoutLock}); on any other handle, or while the door is
 * shut, under it, where the handles other processes closed are noticed first. Both ways answer alike, failures too.
 *
 * <p>Each call has a short path of its own rather than one shared method taking the operation as a function: in a
 * loop that signals events, mutexes and semaphores, the compiler kept such a method apart from its callers, and its
 * call of the operation, seeing every kind, was no longer inlined (the iwin32 pairs of {@code shm.bench.SyncCallCycles}
 * ran slower than with the lock).
 */
final class Iwin32SignalCalls {

    private final CallFrame calls;

    Iwin32SignalCalls(CallFrame calls) {
        this.calls = calls;
    }

    /** {@code RtSetEvent}. */
    boolean setEvent(long handle) {
        NamedEvent event = calls.enterWithoutLock(handle, NamedEvent.class);
        if (event == null) {
            return calls.syncCall(handle, (process, h) -> process.sync.event(h).set());
        }
        try {
            event.set();
            return true;
        } catch (ShmException e) {
            return calls.failedWithoutLock(e);
        } finally {
            calls.exitWithoutLock();
        }
    }

    /** {@code RtResetEvent}. */
    boolean resetEvent(long handle) {
        NamedEvent event = calls.enterWithoutLock(handle, NamedEvent.class);
        if (event == null) {
            return calls.syncCall(handle, (process, h) -> process.sync.event(h).reset());
        }
        try {
            event.reset();
            return true;
        } catch (ShmException e) {
            return calls.failedWithoutLock(e);
        } finally {
            calls.exitWithoutLock();
        }
    }

    /** {@code RtPulseEvent}. */
    boolean pulseEvent(long handle) {
        NamedEvent event = calls.enterWithoutLock(handle, NamedEvent.class);
        if (event == null) {
            return calls.syncCall(handle, (process, h) -> process.sync.event(h).pulse());
        }
        try {
            event.pulse();
            return true;
        } catch (ShmException e) {
            return calls.failedWithoutLock(e);
        } finally {
            calls.exitWithoutLock();
        }
    }

    /** {@code RtReleaseMutex}: FALSE with ERROR_NOT_OWNER when the calling thread does not own the mutex. */
    boolean releaseMutex(long handle) {
        NamedMutex mutex = calls.enterWithoutLock(handle, NamedMutex.class);
        if (mutex == null) {
            return calls.syncCall(handle, (process, h) -> process.sync.releaseMutex(h));
        }
        try {
            Iwin32SyncObjects.release(mutex);
            return true;
        } catch (ShmException e) {
            return calls.failedWithoutLock(e);
        } finally {
            calls.exitWithoutLock();
        }
    }

    /**
     * {@code RtReleaseSemaphore}: the count before, or -1 (ERROR_INVALID_PARAMETER for a count below 1,
     * ERROR_TOO_MANY_POSTS beyond the maximum).
     */
    long releaseSemaphore(long handle, int count) {
        NamedSemaphore semaphore = calls.enterWithoutLock(handle, NamedSemaphore.class);
        if (semaphore == null) {
            Long before = calls.handleCall(handle, (process, h) -> process.sync.releaseSemaphore(h, count));
            return before == null ? -1 : before;
        }
        try {
            return Iwin32SyncObjects.release(semaphore, count);
        } catch (ShmException e) {
            calls.failedWithoutLock(e);
            return -1;
        } finally {
            calls.exitWithoutLock();
        }
    }
}
