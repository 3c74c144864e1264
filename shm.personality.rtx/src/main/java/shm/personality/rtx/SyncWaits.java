package shm.personality.rtx;

import static shm.api.rtx.RtxConstants.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import shm.api.NamedEvent;
import shm.api.NamedMutex;
import shm.api.NamedSemaphore;
import shm.api.ShmException;
import shm.api.WaitResult;
import shm.api.spi.MultipleWaitResult;
import shm.api.spi.ShmBackend;

/**
 * {@code RtWaitForSingleObject} and {@code RtWaitForMultipleObjects} on the events, mutexes and semaphores of the
 * process's {@link HandleTable}: the wait runs in the backend, goes on when its handles move to the next backend of
 * their store (waiting for a move that is half done, or for the next backend when theirs left), and leaves its code in
 * {@link LastError}.
 */
final class SyncWaits {

    /** How long one slice of an {@code INFINITE} wait lasts (it waits again while the thread is not interrupted). */
    private static final Duration INFINITE_SLICE = Duration.ofDays(1);
    /** A single wait's answers, which carry no more than their result. */
    private static final MultipleWaitResult SIGNALED_FIRST = new MultipleWaitResult(WaitResult.SIGNALED, 0);
    private static final MultipleWaitResult ABANDONED_FIRST = new MultipleWaitResult(WaitResult.ABANDONED, 0);

    private final HandleTable handles;
    private final LastError lastError;
    /** The single wait's lookup of its handle. */
    private final RecentHandle recent;

    SyncWaits(HandleTable handles, LastError lastError) {
        this.handles = handles;
        this.lastError = lastError;
        this.recent = handles.recent();
    }

    /**
     * {@code RtWaitForSingleObject}: {@code WAIT_OBJECT_0}, {@code WAIT_ABANDONED}, {@code WAIT_TIMEOUT} or
     * {@code WAIT_FAILED}; an interrupt of the waiting thread ends the wait with {@code WAIT_FAILED} and
     * {@code ERROR_OPERATION_ABORTED}.
     */
    int waitForSingleObject(long hHandle, int dwMilliseconds) {
        Object object = recent.resource(hHandle);
        if (dwMilliseconds == 0 && isSyncObject(object)) {
            try {
                // the test of a signalling loop, answered as the general path below answers it
                return answered(awaitOne(object, Duration.ZERO));
            } catch (ShmException e) {
                // closed under the call: the general path answers, on the moved object after a move
            }
        }
        if (!isSyncObject(object) || handles.waitsForBackend(hHandle)) {
            lastError.fail(ERROR_INVALID_HANDLE);
            return WAIT_FAILED;
        }
        long begun = dwMilliseconds == 0 || dwMilliseconds == INFINITE ? 0 : System.nanoTime();
        int left = dwMilliseconds;
        while (true) {
            try {
                return answered(waited(left, object, SyncWaits::awaitOne));
            } catch (ShmException e) {
                Object now = handles.resource(hHandle);
                if (now == object && handles.waitsForBackend(hHandle)) {
                    // Its backend left (an update of its bundle, say) and closed the object under the wait; the
                    // handle waits for the next backend of its store, and so does the wait, for the time left.
                    Integer ended = awaitBackend(new long[] {hHandle}, 1, dwMilliseconds, begun);
                    if (ended != null) {
                        return ended;
                    }
                    now = handles.resource(hHandle);
                }
                if (now == object || !isSyncObject(now)) {
                    return failed(e);
                }
                // The handles moved to another backend of their store and the old object was closed under the wait
                // (after its grace, RetiredObjects): the wait goes on on the moved one for the time left (a failed
                // wait took nothing).
                object = now;
                left = timeLeft(dwMilliseconds, begun);
            }
        }
    }

    private static boolean isSyncObject(Object object) {
        return object instanceof NamedEvent || object instanceof NamedMutex || object instanceof NamedSemaphore;
    }

    /** One object's wait, answered as a wait on several would answer it (index 0); allocates nothing. */
    private static MultipleWaitResult awaitOne(Object object, Duration timeout) {
        WaitResult result = switch (object) {
            case NamedEvent event -> event.await(timeout);
            case NamedMutex mutex -> mutex.acquire(timeout);
            case NamedSemaphore semaphore -> semaphore.acquire(timeout);
            default -> throw new IllegalStateException("not an RTX event, mutex or semaphore: " + object);
        };
        return switch (result) {
            case SIGNALED -> SIGNALED_FIRST;
            case ABANDONED -> ABANDONED_FIRST;
            case TIMEOUT -> MultipleWaitResult.TIMEOUT;
        };
    }

    /**
     * {@code RtWaitForMultipleObjects}: {@code WAIT_OBJECT_0 + n} (wait-any: the object of lowest index that was
     * signaled; wait-all: 0), {@code WAIT_ABANDONED_0 + n} (the index of a mutex whose owning thread ended),
     * {@code WAIT_TIMEOUT}, or {@code WAIT_FAILED}: {@code ERROR_INVALID_PARAMETER} for {@code nCount} of 0 or above
     * {@code MAXIMUM_WAIT_OBJECTS}, fewer handles than {@code nCount}, or the same object twice in a wait-all;
     * {@code ERROR_INVALID_HANDLE} for a value that is not an open event, mutex or semaphore handle;
     * {@code ERROR_OPERATION_ABORTED} when {@link Thread#interrupt()} ended the wait.
     */
    int waitForMultipleObjects(int nCount, long[] lpHandles, boolean bWaitAll, int dwMilliseconds) {
        if (nCount < 1 || nCount > MAXIMUM_WAIT_OBJECTS || lpHandles == null || lpHandles.length < nCount) {
            lastError.fail(ERROR_INVALID_PARAMETER);
            return WAIT_FAILED;
        }
        long begun = System.nanoTime();
        Several several = several(nCount, lpHandles, bWaitAll);
        if (several == null && handles.splitByMove(lpHandles, nCount)) {
            if (!awaitMoveEnd(lpHandles, nCount)) {
                return WAIT_FAILED;
            }
            several = several(nCount, lpHandles, bWaitAll);
        }
        if (several == null) {
            lastError.fail(ERROR_INVALID_HANDLE);
            return WAIT_FAILED;
        }
        int left = timeLeft(dwMilliseconds, begun);
        while (true) {
            try {
                return answered(waited(left, several, (target, timeout) ->
                        target.backend().waitForMultipleObjects(target.objects(), target.all(), timeout)));
            } catch (ShmException e) {
                if (handles.anyWaitsForBackend(lpHandles, nCount)) {
                    Integer ended = awaitBackend(lpHandles, nCount, dwMilliseconds, begun);   // as for one object
                    if (ended != null) {
                        return ended;
                    }
                }
                if (handles.splitByMove(lpHandles, nCount) && !awaitMoveEnd(lpHandles, nCount)) {
                    return WAIT_FAILED;
                }
                Several now = several(nCount, lpHandles, bWaitAll);
                if (now == null || !now.movedFrom(several)) {
                    return failed(e);
                }
                several = now; // the handles moved, as for a wait on one object
                left = timeLeft(dwMilliseconds, begun);
            }
        }
    }

    /**
     * The objects of {@code nCount} handles, of one backend; {@code null} when a value is not an open event, mutex or
     * semaphore handle, the handles are of two backends (no single wait can cover them: a move half done, which the
     * caller waits for first, see {@link #awaitMoveEnd}), or they wait for a backend (theirs left).
     */
    private Several several(int nCount, long[] lpHandles, boolean all) {
        List<Object> objects = new ArrayList<>(nCount);
        ShmBackend backend = null;
        for (int i = 0; i < nCount; i++) {
            Object object = handles.resource(lpHandles[i]);
            ShmBackend owner = handles.owner(lpHandles[i]);
            if (!isSyncObject(object) || backend != null && owner != backend) {
                return null;
            }
            backend = owner;
            objects.add(object);
        }
        return backend == null ? null : new Several(backend, objects, all);
    }

    /** A wait on several objects of one backend. */
    private record Several(ShmBackend backend, List<Object> objects, boolean all) {

        /** Whether some handle names another object than in {@code before}: the handles moved. */
        boolean movedFrom(Several before) {
            for (int i = 0; i < objects.size(); i++) {
                if (objects.get(i) != before.objects().get(i)) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * Waits while one of the handles waits for a backend, for what is left of a wait of {@code dwMilliseconds} that
     * began at {@code begun}: {@code null} once none does (the wait goes on on the reopened objects, or fails for a
     * closed handle), {@code WAIT_TIMEOUT} when the time ran out first, {@code WAIT_FAILED} with
     * {@code ERROR_OPERATION_ABORTED} when the thread was interrupted (it keeps its interrupt status).
     */
    private Integer awaitBackend(long[] values, int count, int dwMilliseconds, long begun) {
        long nanos = dwMilliseconds == INFINITE ? Long.MAX_VALUE : Math.max(0,
                TimeUnit.MILLISECONDS.toNanos(Integer.toUnsignedLong(dwMilliseconds)) - (System.nanoTime() - begun));
        try {
            if (handles.awaitBackend(values, count, nanos)) {
                return WAIT_TIMEOUT;
            }
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            lastError.fail(ERROR_OPERATION_ABORTED);
            return WAIT_FAILED;
        }
    }

    /**
     * Waits for a move of the handles that is half done to end (at most {@link RetiredObjects#GRACE}, the time a moved
     * handle's old object stays open): a wait begun then, or whose old objects closed under it, goes on on the moved
     * objects, as a wait begun just before or after the move does. The time counts against the wait's own. Answers
     * {@code false} only when the thread was interrupted ({@code ERROR_OPERATION_ABORTED}; it keeps its interrupt
     * status); a move still under way after the grace leaves the handles to {@link #several}, which refuses them.
     */
    private boolean awaitMoveEnd(long[] values, int count) {
        try {
            handles.awaitMoveEnd(values, count, RetiredObjects.GRACE.toNanos());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            lastError.fail(ERROR_OPERATION_ABORTED);
            return false;
        }
    }

    /** What is left of a wait of {@code dwMilliseconds} that began at {@code begun}; INFINITE and 0 stay as they are. */
    private static int timeLeft(int dwMilliseconds, long begun) {
        return dwMilliseconds == INFINITE || dwMilliseconds == 0 ? dwMilliseconds
                : (int) Math.max(0, Integer.toUnsignedLong(dwMilliseconds) - (System.nanoTime() - begun) / 1_000_000);
    }

    /** How a wait runs on its target for a timeout; the implementations capture nothing, so they allocate nothing. */
    @FunctionalInterface
    private interface Waiting<T> {
        MultipleWaitResult await(T target, Duration timeout);
    }

    /**
     * The wait itself, for {@code dwMilliseconds} (an unsigned DWORD; {@code INFINITE} in slices of a day while the
     * thread is not interrupted).
     */
    private static <T> MultipleWaitResult waited(int dwMilliseconds, T target, Waiting<T> wait) {
        MultipleWaitResult result;
        if (dwMilliseconds == INFINITE) {
            do {
                result = wait.await(target, INFINITE_SLICE);
            } while (result.result() == WaitResult.TIMEOUT && !Thread.currentThread().isInterrupted());
            return result;
        }
        // Duration.ofMillis(0) is Duration.ZERO: a test allocates nothing
        return wait.await(target, Duration.ofMillis(Integer.toUnsignedLong(dwMilliseconds)));
    }

    /**
     * A wait's answer as RTX gives it (a success leaves {@code RtGetLastError} as it was): {@code WAIT_OBJECT_0 + n},
     * {@code WAIT_ABANDONED_0 + n}, {@code WAIT_TIMEOUT}, or {@code WAIT_FAILED} with {@code ERROR_OPERATION_ABORTED}
     * when {@link Thread#interrupt()} ended the wait (the thread keeps its interrupt status).
     */
    private int answered(MultipleWaitResult result) {
        if (result.result() == WaitResult.TIMEOUT && Thread.currentThread().isInterrupted()) {
            lastError.fail(ERROR_OPERATION_ABORTED);
            return WAIT_FAILED;
        }
        return switch (result.result()) {
            case SIGNALED -> WAIT_OBJECT_0 + result.index();
            case ABANDONED -> WAIT_ABANDONED_0 + result.index();
            case TIMEOUT -> WAIT_TIMEOUT;
        };
    }

    /** A wait that failed: {@code WAIT_FAILED}, the failure's code stored. */
    private int failed(ShmException e) {
        lastError.fail((int) RtxErrors.win32(e.reason()).value());
        return WAIT_FAILED;
    }
}
