package shm.provider.win32;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import shm.api.ErrorReason;
import shm.api.ShmException;
import shm.api.WaitResult;

/**
 * What the vendor event, mutex and semaphore handles share: the vendor handle, the open flag, waits through
 * {@code RtWaitForSingleObject} and the translation of a failed call.
 */
abstract class VendorSyncHandle implements AutoCloseable {

    final Win32ObjectApi api;
    private final HandleRegistry registry;
    final NativeObject object;
    private final boolean alreadyExisted;
    private final AtomicBoolean open = new AtomicBoolean(true);

    VendorSyncHandle(Win32ObjectApi api, HandleRegistry registry, NativeObject object, boolean alreadyExisted) {
        this.api = api;
        this.registry = registry;
        this.object = object;
        this.alreadyExisted = alreadyExisted;
    }

    public Optional<String> name() {
        return Optional.ofNullable(object.name);
    }

    public boolean alreadyExisted() {
        return alreadyExisted;
    }

    /** Throws CLOSED when this handle is closed. */
    final void checkOpen() {
        if (!open.get()) {
            throw new ShmException(ErrorReason.CLOSED, object.name, "the " + kind() + " handle is closed");
        }
    }

    /** A failed call: the reason its last error gives, the function and the number in the message. */
    final ShmException failure(String function, NativeResult result, ErrorReason fallback) {
        ErrorReason reason = result.lastError() == Win32Errors.INVALID_HANDLE ? ErrorReason.CLOSED : fallback;
        return new ShmException(reason, object.name, function + " failed on the " + kind() + " ("
                + Win32Errors.describe(result.lastError()) + ")");
    }

    /** The longest native wait between two looks at the thread's interrupt status. */
    private static final long INTERRUPT_CHECK_MILLIS = 50;

    /**
     * Waits through the vendor in slices of at most 50 ms, so that a {@link Thread#interrupt()} ends the wait as the
     * mmap backend's does: {@link WaitResult#TIMEOUT} with the thread's interrupt status kept (a native wait cannot
     * be interrupted). A duration of 2^63 ns or more waits until signaled.
     */
    final WaitResult waitFor(Duration timeout) {
        checkOpen();
        if (timeout.isNegative()) {
            throw new ShmException(ErrorReason.INVALID_PARAMETER, object.name, "a timeout cannot be negative");
        }
        boolean infinite = timeout.compareTo(Duration.ofNanos(Long.MAX_VALUE)) >= 0;
        long remaining = infinite ? Long.MAX_VALUE : ceilMillis(timeout);
        while (true) {
            if (Thread.currentThread().isInterrupted()) {
                return WaitResult.TIMEOUT;
            }
            long slice = Math.min(remaining, INTERRUPT_CHECK_MILLIS);
            NativeResult r = api.waitForSingleObject(object.handle, (int) slice);
            if (r.value() == Win32Errors.WAIT_OBJECT_0) {
                return WaitResult.SIGNALED;
            }
            if (r.value() == Win32Errors.WAIT_ABANDONED) {
                return WaitResult.ABANDONED;
            }
            if (r.value() != Win32Errors.WAIT_TIMEOUT) {
                checkOpen();
                throw failure("RtWaitForSingleObject", r, ErrorReason.INTERNAL);
            }
            if (!infinite) {
                remaining -= slice;
                if (remaining <= 0) {
                    return WaitResult.TIMEOUT;
                }
            }
        }
    }

    private static long ceilMillis(Duration d) {
        long millis = d.toMillis();
        return d.minusMillis(millis).isZero() ? millis : millis + 1;
    }

    /** "event", "mutex" or "semaphore". */
    abstract String kind();

    /** What to do before the vendor handle is released (a mutex gives up its owner's hold). */
    void beforeClose() {
    }

    public final void close() {
        if (open.compareAndSet(true, false)) {
            beforeClose();
            registry.forget(this);
            object.release();
        }
    }

    final boolean isOpen() {
        return open.get();
    }
}
