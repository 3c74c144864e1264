package shm.personality.intime;

import static shm.api.intime.IntimeConstants.MAXIMUM_WAIT_OBJECTS;
import static shm.api.intime.IntimeConstants.WAIT_FAILED;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntSupplier;

import shm.api.ErrorReason;

/**
 * The iwin32 waits of one INtime process, {@code WaitForSingleObject} and {@code WaitForMultipleObjects}: the handles
 * are resolved under the process's lock (a single handle of the process's own known current, without it), the wait
 * ({@link Iwin32Wait}) runs without it while the process lives and the handles stay open (across a move of the process
 * to another backend of its store too), and its answer is given as {@link CallFrame#waited} gives it. A wait on one
 * object allocates its {@link Pending} record and nothing else of its own; a poll (0 ms) that its object answers, not
 * even that ({@link Iwin32Wait#poll}), nor the lookup of a handle of the process's own known current.
 */
final class Iwin32WaitCalls {

    private final ProcessBinding binding;
    private final CallFrame calls;
    private final LastError lastError;

    Iwin32WaitCalls(ProcessBinding binding, CallFrame calls, LastError lastError) {
        this.binding = binding;
        this.calls = calls;
        this.lastError = lastError;
    }

    /** {@code WaitForSingleObject}. */
    int waitForSingleObject(long hHandle, int dwMilliseconds) {
        if (dwMilliseconds == 0) {
            // the test of a signalling loop on a handle of the process's own known current: allocates nothing
            Object object = calls.syncObjectWithoutLock(hHandle);
            int answer = object == null ? Iwin32Wait.NOT_ANSWERED : Iwin32Wait.poll(object);
            if (answer != Iwin32Wait.NOT_ANSWERED) {
                return calls.answered(answer);
            }
        }
        Iwin32SyncObjects.Waitable target = calls.waitableWithoutLock(hHandle);
        if (target == null) {
            target = calls.handleCall(hHandle, (process, h) -> process.sync.waitable(h));
        }
        if (target == null) {
            return WAIT_FAILED;
        }
        if (dwMilliseconds == 0) {
            int answer = Iwin32Wait.poll(target.object());
            if (answer != Iwin32Wait.NOT_ANSWERED) {
                return calls.answered(answer);
            }
        }
        return calls.waited(new Pending(hHandle, target, dwMilliseconds, binding, calls));
    }

    /** {@code WaitForMultipleObjects}: ERROR_INVALID_PARAMETER unless 1 to MAXIMUM_WAIT_OBJECTS handles are given. */
    int waitForMultipleObjects(int nCount, long[] lpHandles, boolean bWaitAll, int dwMilliseconds) {
        if (nCount < 1 || nCount > MAXIMUM_WAIT_OBJECTS || lpHandles == null || lpHandles.length < nCount) {
            lastError.fail(IntimeErrors.win32(ErrorReason.INVALID_PARAMETER, null, "nCount must be 1 to "
                    + MAXIMUM_WAIT_OBJECTS + " with as many handles in lpHandles, got " + nCount + " and "
                    + (lpHandles == null ? "NULL" : lpHandles.length + " handles")));
            return WAIT_FAILED;
        }
        PendingAll pending = calls.win32Call(null, () -> {
            IntimeProcess process = binding.process();
            List<Iwin32SyncObjects.Waitable> resolved = new ArrayList<>(nCount);
            for (int i = 0; i < nCount; i++) {
                resolved.add(process.sync.waitable(lpHandles[i]));
            }
            return new PendingAll(Arrays.copyOf(lpHandles, nCount), resolved, bWaitAll, dwMilliseconds,
                    process.sync, binding, calls);
        }, failure -> null);
        if (pending == null) {
            return WAIT_FAILED;
        }
        return calls.waited(pending);
    }

    /** Whether the slot of {@code waited} still names what it named while the process lives (the wait goes on). */
    private static boolean stillOpen(ProcessBinding binding, Iwin32SyncObjects.Waitable waited) {
        return !binding.ended() && waited.handles().stillNamed(waited.descriptor());
    }

    /**
     * A wait on one object, resolved under the lock, that runs without it ({@link CallFrame#waited}) for at most
     * {@code dwMilliseconds}: it goes on while the process lives and the handle's slot still names the object. One
     * record for both roles, so that a wait allocates no lambda.
     */
    record Pending(long handle, Iwin32SyncObjects.Waitable target, int dwMilliseconds, ProcessBinding binding,
                   CallFrame calls) implements IntSupplier, Iwin32Wait.Waiter {

        /** Waits ({@link Iwin32Wait#await}). */
        @Override
        public int getAsInt() {
            return Iwin32Wait.await(target, dwMilliseconds, this);
        }

        @Override
        public boolean stillOpen(Iwin32SyncObjects.Waitable waited) {
            return Iwin32WaitCalls.stillOpen(binding, waited);
        }

        /** The handle's object after a move of the process ({@link CallFrame#afterMove}). */
        @Override
        public Iwin32Wait.Moved afterMove(List<Iwin32SyncObjects.Waitable> waited, long waitNanos) {
            return calls.afterMove(new long[] {handle}, waited, waitNanos);
        }
    }

    /**
     * The objects of a wait on several, resolved under the lock, and the process parts the wait runs against; the wait
     * runs without the lock for at most {@code dwMilliseconds} and goes on while the process lives and every handle's
     * slot still names its object. One record for both roles, as {@link Pending}.
     */
    private record PendingAll(long[] handles, List<Iwin32SyncObjects.Waitable> targets, boolean waitAll,
                              int dwMilliseconds, Iwin32SyncObjects sync, ProcessBinding binding, CallFrame calls)
            implements IntSupplier, Iwin32Wait.Waiter {

        /** Waits ({@link Iwin32Wait#awaitMultiple}). */
        @Override
        public int getAsInt() {
            return Iwin32Wait.awaitMultiple(sync.backend(), targets, waitAll, dwMilliseconds, this);
        }

        @Override
        public boolean stillOpen(Iwin32SyncObjects.Waitable waited) {
            return Iwin32WaitCalls.stillOpen(binding, waited);
        }

        /** The handles' objects after a move of the process ({@link CallFrame#afterMove}). */
        @Override
        public Iwin32Wait.Moved afterMove(List<Iwin32SyncObjects.Waitable> waited, long waitNanos) {
            return calls.afterMove(handles, waited, waitNanos);
        }
    }
}
