package shm.personality.intime;

import static shm.api.intime.IntimeConstants.*;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

import shm.api.ShmException;
import shm.api.intime.Iwin32Result;
import shm.api.intime.RtHandleResult;
import shm.api.intime.RtMemoryResult;

/**
 * How each call of one INtime process runs: iwin32 calls under the process's lock (after releasing the handles other
 * processes closed), except the signalling calls ({@link Iwin32SignalCalls}) and a wait's handle lookup on a handle
 * known current, which run without it ({@link CallsWithoutLock}); kernel calls as their caller locks them; and every
 * failure turned into the vendor's status, stored for {@code GetLastError} / {@code GetLastRtError}; plus the result
 * records the calls answer with.
 */
final class CallFrame {

    private final ProcessBinding binding;
    private final LastError lastError;

    CallFrame(ProcessBinding binding, LastError lastError) {
        this.binding = binding;
        this.lastError = lastError;
    }

    /**
     * The answer of a wait that ran without the lock: {@code WAIT_FAILED} from the wait itself means an interrupt
     * ({@code ERROR_OPERATION_ABORTED}); a failure of the backend is stored for {@code GetLastError}.
     */
    int waited(IntSupplier wait) {
        try {
            return answered(wait.getAsInt());
        } catch (ShmException e) {
            lastError.fail(IntimeErrors.win32(e, null));
            return WAIT_FAILED;
        }
    }

    /**
     * The answer {@code result} of a wait that its object gave: {@code WAIT_FAILED} means an interrupt, stored as
     * {@code ERROR_OPERATION_ABORTED}; any other answer stores nothing.
     */
    int answered(int result) {
        if (result == WAIT_FAILED) {
            lastError.set(ERROR_OPERATION_ABORTED);
        }
        return result;
    }

    /** A kernel call: a failure becomes its INtime status, stored for {@code GetLastRtError}. */
    <T> T rtCall(String name, Supplier<T> call, Function<ShmException, T> failed) {
        try {
            return call.get();
        } catch (ShmException e) {
            ShmException failure = IntimeErrors.rt(e, name);
            lastError.fail(failure);
            return failed.apply(failure);
        }
    }

    /** An iwin32 call: handles other processes closed are released first; a failure becomes its Win32 code. */
    <T> T win32Call(String name, Supplier<T> call, Function<ShmException, T> failed) {
        try {
            return binding.locked(() -> {
                binding.process().iwin32Handles.reconcile();
                return call.get();
            });
        } catch (ShmException e) {
            ShmException failure = IntimeErrors.win32(e, name);
            lastError.fail(failure);
            return failed.apply(failure);
        }
    }

    /**
     * A create of shared memory, an event, a mutex or a semaphore: like Win32, it sets 0 or ERROR_ALREADY_EXISTS also on
     * success.
     */
    Iwin32Result created(String name, Supplier<Iwin32Objects.Opened> create) {
        Iwin32Result result = win32Call(name, () -> opened(create.get()), CallFrame::failedIwin32);
        if (result.succeeded()) {
            lastError.set(result.errorCode());
        }
        return result;
    }

    /** One operation on one handle value of an INtime process, with its answer; implementations capture nothing. */
    @FunctionalInterface
    interface HandleFunction<T> {
        T apply(IntimeProcess process, long handle);
    }

    /**
     * An iwin32 call on one handle value that answers something, as {@link #win32Call}, without a lambda of its own:
     * {@code null} on failure, with the failure stored for GetLastError.
     *
     * @param call a function that captures nothing, so that passing it allocates nothing
     */
    <T> T handleCall(long handle, HandleFunction<T> call) {
        try {
            IntimeProcess process = binding.enter();
            try {
                process.iwin32Handles.reconcile();
                return call.apply(process, handle);
            } finally {
                binding.exit();
            }
        } catch (ShmException e) {
            lastError.fail(IntimeErrors.win32(e, null));
            return null;
        }
    }

    /**
     * One operation on one handle value of an INtime process, without an answer; implementations capture nothing. As a
     * {@link HandleFunction} it answers {@code TRUE} (a shared constant: nothing allocated).
     */
    @FunctionalInterface
    interface HandleCall extends HandleFunction<Boolean> {
        void run(IntimeProcess process, long handle);

        @Override
        default Boolean apply(IntimeProcess process, long handle) {
            run(process, handle);
            return Boolean.TRUE;
        }
    }

    /**
     * A BOOLEAN call on one event, mutex or semaphore handle, as {@link #syncCall(Runnable)}, made without allocating
     * (these are the calls a signalling loop makes): TRUE, or FALSE with the failure stored for GetLastError.
     *
     * @param call a function that captures nothing, so that passing it allocates nothing
     */
    boolean syncCall(long handle, HandleCall call) {
        return handleCall(handle, call) != null;
    }

    /**
     * The object of {@code handle}, a handle of this process known to be current ({@link
     * Iwin32Handles#heldWithoutLock}), when it is a {@code kind}, with the door for calls without the lock entered: the
     * caller operates on it and then calls {@link #exitWithoutLock()} in a {@code finally}. {@code null}, with the door
     * not entered, when the call is to be made under the lock instead (the door is shut, the handle is not known
     * current, or it names something else). Allocates nothing.
     */
    <O> O enterWithoutLock(long handle, Class<O> kind) {
        CallsWithoutLock door = binding.withoutLock();
        IntimeProcess process = door.enter();
        if (process == null) {
            return null;
        }
        if (process.iwin32Handles.heldWithoutLock(handle) instanceof Iwin32Handles.Held held
                && kind.isInstance(held.object())) {
            return kind.cast(held.object());
        }
        door.exit();
        return null;
    }

    /** Ends an operation that {@link #enterWithoutLock} started. */
    void exitWithoutLock() {
        binding.withoutLock().exit();
    }

    /** Stores {@code failure}, the failure of a call without the lock, for GetLastError; answers FALSE. */
    boolean failedWithoutLock(ShmException failure) {
        lastError.fail(IntimeErrors.win32(failure, null));
        return false;
    }

    /**
     * What a wait on {@code handles} waits on after its process moved to another backend of its store, which closed
     * the objects {@code before} names and kept the handles: the handles' objects now, resolved under the lock (so
     * after a move under way), with their backend; {@code null} when a handle no longer names the slot it named, when
     * none names another object (it was not a move), or when the process ended. When the backend left with no
     * successor yet (the process parked and waits for the next backend of its store), waits for that backend first,
     * for at most {@code waitNanos} ({@link Long#MAX_VALUE}: no end), and answers {@link Iwin32Wait.Moved#TIME_RAN_OUT}
     * when the time ran out or the thread was interrupted (it keeps its interrupt status). Stores no error: the wait
     * answers.
     */
    Iwin32Wait.Moved afterMove(long[] handles, List<Iwin32SyncObjects.Waitable> before, long waitNanos) {
        try {
            IntimeProcess process;
            try {
                process = binding.enterOnceBound(waitNanos);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Iwin32Wait.Moved.TIME_RAN_OUT;
            }
            if (process == null) {
                return Iwin32Wait.Moved.TIME_RAN_OUT;
            }
            try {
                process.iwin32Handles.reconcile();
                List<Iwin32SyncObjects.Waitable> now = new ArrayList<>(before.size());
                boolean moved = false;
                for (int i = 0; i < before.size(); i++) {
                    Iwin32SyncObjects.Waitable target = process.sync.waitable(handles[i]);
                    if (!target.descriptor().equals(before.get(i).descriptor())) {
                        return null;
                    }
                    moved |= target.object() != before.get(i).object();
                    now.add(target);
                }
                return moved ? new Iwin32Wait.Moved(process.sync.backend(), now) : null;
            } finally {
                binding.exit();
            }
        } catch (ShmException e) {
            return null;
        }
    }

    /**
     * What a wait on a handle of this process needs, found without the lock ({@link #heldWithoutLock}); {@code null}
     * when it must be resolved under the lock (not known to be current, another process's handle, not a wait's type).
     */
    Iwin32SyncObjects.Waitable waitableWithoutLock(long handle) {
        IntimeProcess process = binding.withoutLock().serving();
        if (process == null) {
            return null;
        }
        Iwin32Handles.Held held = process.iwin32Handles.heldWithoutLock(handle);
        return held == null ? null : Iwin32SyncObjects.waitableOrNull(held, process.iwin32Handles);
    }

    /**
     * The event, mutex or semaphore of a handle of this process, found without the lock and without a record of its
     * own, for a wait of 0 ms; {@code null} as for {@link #waitableWithoutLock}.
     */
    Object syncObjectWithoutLock(long handle) {
        IntimeProcess process = binding.withoutLock().serving();
        if (process == null) {
            return null;
        }
        Iwin32Handles.Held held = process.iwin32Handles.heldWithoutLock(handle);
        return held == null ? null : Iwin32SyncObjects.syncObjectOrNull(held);
    }

    /** A BOOLEAN event, mutex or semaphore call: TRUE, or FALSE with the failure stored for GetLastError. */
    boolean syncCall(Runnable call) {
        return win32Call(null, () -> {
            call.run();
            return true;
        }, failure -> false);
    }

    /** The result of a create or open that succeeded: 0 or ERROR_ALREADY_EXISTS. */
    static Iwin32Result opened(Iwin32Objects.Opened opened) {
        return new Iwin32Result(opened.handle(), opened.location(), opened.alreadyExisted(),
                opened.alreadyExisted() ? ERROR_ALREADY_EXISTS : ERROR_SUCCESS, null);
    }

    /** The result of an iwin32 create or open that failed. */
    static Iwin32Result failedIwin32(ShmException failure) {
        return new Iwin32Result(0, MemorySegment.NULL, false, IntimeErrors.code(failure), failure);
    }

    /** The result of a kernel memory call that succeeded. */
    static RtMemoryResult memoryResult(MemorySegment segment) {
        return new RtMemoryResult(segment, E_OK, null);
    }

    /** The result of a kernel memory call that failed. */
    static RtMemoryResult memoryFailure(ShmException failure) {
        return new RtMemoryResult(MemorySegment.NULL, IntimeErrors.code(failure), failure);
    }

    /** The result of a kernel handle call that failed: BAD_RTHANDLE. */
    static RtHandleResult handleResult(ShmException failure) {
        return new RtHandleResult(BAD_RTHANDLE, IntimeErrors.code(failure), failure);
    }
}
