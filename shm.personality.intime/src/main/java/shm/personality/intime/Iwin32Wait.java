package shm.personality.intime;

import static shm.api.intime.IntimeConstants.INFINITE;
import static shm.api.intime.IntimeConstants.WAIT_ABANDONED_0;
import static shm.api.intime.IntimeConstants.WAIT_FAILED;
import static shm.api.intime.IntimeConstants.WAIT_OBJECT_0;
import static shm.api.intime.IntimeConstants.WAIT_TIMEOUT;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import shm.api.ErrorReason;
import shm.api.ShmException;
import shm.api.WaitResult;
import shm.api.spi.MultipleWaitResult;
import shm.api.spi.ShmBackend;

/**
 * {@code WaitForSingleObject} on a resolved handle, without the personality's lock. The wait blocks in the backend's
 * primitive (in the kernel), in slices of at most {@link #SLICE_MILLIS} ms, so that a wait whose handle is closed
 * under it (by another thread, by another process, or by the end of this process) ends within a slice with
 * {@code WAIT_ABANDONED_0}, as INtime answers a wait whose object was deleted, and never outlives its handle. A signal
 * wakes the wait at once whatever the slice; between two slices the wait is briefly not registered, so a
 * {@code PulseEvent} at that instant can miss it (pulses are racy in Win32 for the same reason).
 */
final class Iwin32Wait {

    /** The longest slice of a wait, in milliseconds. */
    static final long SLICE_MILLIS = 100;

    private static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(SLICE_MILLIS);

    private Iwin32Wait() {
    }

    /** What a wait asks of the process it waits in, between and after the slices of its wait. */
    interface Waiter {

        /** Whether the handle of {@code target} is still open: its slot names what it named, the process lives. */
        boolean stillOpen(Iwin32SyncObjects.Waitable target);

        /**
         * The objects the handles of {@code targets} name after the process moved to another backend of its store
         * (which closed their objects, keeping the handles), in the same order, with the backend that waits on them;
         * {@code null} when a handle was closed or the process ended instead. May wait for a move under way, and, when
         * the backend left with no successor yet, for the next backend for at most {@code waitNanos}
         * ({@link Moved#TIME_RAN_OUT} when none came in time).
         */
        Moved afterMove(List<Iwin32SyncObjects.Waitable> targets, long waitNanos);
    }

    /** What a wait goes on waiting on after its process moved: the handles' objects now, and their backend. */
    record Moved(ShmBackend backend, List<Iwin32SyncObjects.Waitable> targets) {

        /** The wait's time ran out (or its thread was interrupted) while the process waited for a backend. */
        static final Moved TIME_RAN_OUT = new Moved(null, List.of());
    }

    /**
     * The answer of a wait whose time ran out while its process waited for a backend (see {@link Moved#TIME_RAN_OUT}).
     */
    private static int ranOut() {
        return Thread.currentThread().isInterrupted() ? WAIT_FAILED : WAIT_TIMEOUT;
    }

    /** What {@link #poll} answers when the object threw instead of answering: {@link #await} sorts that out. */
    static final int NOT_ANSWERED = Integer.MIN_VALUE;

    /**
     * A wait of 0 ms on {@code object} (an event, mutex or semaphore), the signalling loop's test, in one call of the
     * object and without a record of its own: the answer {@link #await} gives for a wait of 0 ms that the object
     * answers, or {@link #NOT_ANSWERED} when the object threw (its handle closed under the call, or moved to another
     * backend), which took nothing; the caller then waits with {@link #await}, which tells a move from a close.
     */
    static int poll(Object object) {
        WaitResult result;
        try {
            result = Iwin32SyncObjects.await(object, Duration.ZERO);
        } catch (ShmException e) {
            return NOT_ANSWERED;
        }
        return switch (result) {
            case SIGNALED -> WAIT_OBJECT_0;
            case ABANDONED -> WAIT_ABANDONED_0;
            case TIMEOUT -> ranOut(); // an interrupted thread's poll fails, as in await
        };
    }

    /**
     * Waits on {@code target} for {@code dwMilliseconds} (an unsigned DWORD; {@code INFINITE} never times out).
     *
     * @param waiter tells whether the handle is still open, and what it names after a move of the process
     * @return {@code WAIT_OBJECT_0}, {@code WAIT_ABANDONED_0} (an abandoned mutex, or a handle closed during the
     *         wait), {@code WAIT_TIMEOUT}, or {@code WAIT_FAILED} when the waiting thread was interrupted (it keeps
     *         its interrupt status)
     * @throws ShmException a failure of the primitive other than a closed handle
     */
    static int await(Iwin32SyncObjects.Waitable target, int dwMilliseconds, Waiter waiter) {
        Deadline deadline = Deadline.of(dwMilliseconds);
        while (true) {
            WaitResult result;
            try {
                result = target.await(deadline.nextSlice());
            } catch (ShmException e) {
                // The object was closed under the wait. A move of the process to another backend of its store does
                // that and keeps the handle: the wait goes on on the object the handle names now, for the time left
                // (a failed wait took nothing). A handle closed under the wait fails it with CLOSED, or, while the
                // unmapping is under way, with another reason; its slot, deleted before the object is released, tells
                // the two apart.
                Moved moved = waiter.afterMove(List.of(target), deadline.nanosLeft());
                if (moved == Moved.TIME_RAN_OUT) {
                    return ranOut();
                }
                if (moved != null) {
                    target = moved.targets().getFirst();
                    continue;
                }
                if (e.reason() == ErrorReason.CLOSED || !waiter.stillOpen(target)) {
                    return WAIT_ABANDONED_0;
                }
                throw e;
            }
            switch (result) {
                case SIGNALED -> {
                    return WAIT_OBJECT_0;
                }
                case ABANDONED -> {
                    return WAIT_ABANDONED_0;
                }
                case TIMEOUT -> {
                    if (Thread.currentThread().isInterrupted()) {
                        return WAIT_FAILED; // Thread.interrupt() ended the wait; the thread keeps its status
                    }
                    if (deadline.passed()) {
                        return WAIT_TIMEOUT;
                    }
                    if (!waiter.stillOpen(target)) {
                        return WAIT_ABANDONED_0;
                    }
                }
            }
        }
    }

    /**
     * {@code WaitForMultipleObjects} on resolved handles, in slices as {@link #await}: the backend waits on all the
     * objects at once ({@link ShmBackend#waitForMultipleObjects}); between slices each handle is checked, and a handle
     * closed during the wait ends it with {@code WAIT_ABANDONED_0} plus its index (for a wait-all nothing is taken). A
     * move of the process to another backend of its store goes on waiting on the moved objects, as {@link #await}.
     *
     * @return {@code WAIT_OBJECT_0 + n}, {@code WAIT_ABANDONED_0 + n}, {@code WAIT_TIMEOUT}, or {@code WAIT_FAILED} when
     *         the waiting thread was interrupted (it keeps its interrupt status)
     * @throws ShmException a refusal of the backend (INVALID_PARAMETER: the same object twice in a wait-all;
     *                      LOCATION: the backend cannot wait on several objects)
     */
    static int awaitMultiple(ShmBackend backend, List<Iwin32SyncObjects.Waitable> targets, boolean waitAll,
                             int dwMilliseconds, Waiter waiter) {
        Deadline deadline = Deadline.of(dwMilliseconds);
        List<Object> objects = objectsOf(targets);
        while (true) {
            MultipleWaitResult result;
            try {
                result = backend.waitForMultipleObjects(objects, waitAll, deadline.nextSlice());
            } catch (ShmException e) {
                Moved moved = waiter.afterMove(targets, deadline.nanosLeft());
                if (moved == Moved.TIME_RAN_OUT) {
                    return ranOut();
                }
                if (moved != null) {
                    backend = moved.backend();
                    targets = moved.targets();
                    objects = objectsOf(targets);
                    continue;
                }
                int closed = firstClosed(targets, waiter);
                if (closed >= 0) {
                    return WAIT_ABANDONED_0 + closed;
                }
                throw e;
            }
            switch (result.result()) {
                case SIGNALED -> {
                    return WAIT_OBJECT_0 + result.index();
                }
                case ABANDONED -> {
                    return WAIT_ABANDONED_0 + result.index();
                }
                case TIMEOUT -> {
                    if (Thread.currentThread().isInterrupted()) {
                        return WAIT_FAILED; // Thread.interrupt() ended the wait; the thread keeps its status
                    }
                    if (deadline.passed()) {
                        return WAIT_TIMEOUT;
                    }
                    int closed = firstClosed(targets, waiter);
                    if (closed >= 0) {
                        return WAIT_ABANDONED_0 + closed;
                    }
                }
            }
        }
    }

    /**
     * The end of a wait of {@code dwMilliseconds} (an unsigned DWORD; {@code INFINITE} never ends), cut into slices of
     * at most {@link #SLICE_MILLIS}. A poll (0 ms) reads no clock: it tries once, and a timeout is its answer.
     */
    private record Deadline(boolean forever, boolean poll, long nanos) {

        static Deadline of(int dwMilliseconds) {
            boolean poll = dwMilliseconds == 0;
            return new Deadline(dwMilliseconds == INFINITE, poll, poll ? 0
                    : System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Integer.toUnsignedLong(dwMilliseconds)));
        }

        /** How long the next slice of the wait may last: up to the deadline, at most a slice. */
        Duration nextSlice() {
            long left = forever ? SLICE_NANOS : poll ? 0 : Math.max(0, nanos - System.nanoTime());
            return left == 0 ? Duration.ZERO : Duration.ofNanos(Math.min(left, SLICE_NANOS));
        }

        /** The time left: {@link Long#MAX_VALUE} for a wait without end, 0 once passed. */
        long nanosLeft() {
            return forever ? Long.MAX_VALUE : poll ? 0 : Math.max(0, nanos - System.nanoTime());
        }

        /** Whether the wait's time is up. */
        boolean passed() {
            return poll || !forever && nanos - System.nanoTime() <= 0;
        }
    }

    private static List<Object> objectsOf(List<Iwin32SyncObjects.Waitable> targets) {
        return targets.stream().map(Iwin32SyncObjects.Waitable::object).toList();
    }

    private static int firstClosed(List<Iwin32SyncObjects.Waitable> targets, Waiter waiter) {
        for (int i = 0; i < targets.size(); i++) {
            if (!waiter.stillOpen(targets.get(i))) {
                return i;
            }
        }
        return -1;
    }
}
