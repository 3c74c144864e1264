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

    /** The longest single wait in milliseconds; INFINITE is 0xFFFFFFFF, so one less. */
    private static final long MAX_WAIT_MILLIS = 0xFFFF_FFFEL;

    final Win32Backend backend;
    final Win32ObjectApi api;
    final NativeObject object;
    private final boolean alreadyExisted;
    private final AtomicBoolean open = new AtomicBoolean(true);

    VendorSyncHandle(Win32Backend backend, NativeObject object, boolean alreadyExisted) {
        this.backend = backend;
        this.api = backend.api();
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

    /**
     * Waits through the vendor; timeouts beyond one DWORD of milliseconds wait in several calls, and a duration of
     * 2^63 ns or more waits INFINITE.
     */
    final WaitResult waitFor(Duration timeout) {
        checkOpen();
        if (timeout.isNegative()) {
            throw new ShmException(ErrorReason.INVALID_PARAMETER, object.name, "a timeout cannot be negative");
        }
        boolean infinite = timeout.compareTo(Duration.ofNanos(Long.MAX_VALUE)) >= 0;
        long remaining = infinite ? 0 : ceilMillis(timeout);
        while (true) {
            long slice = infinite ? WinTypes.DWORD_MAX : Math.min(remaining, MAX_WAIT_MILLIS);
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
            remaining -= slice;
            if (!infinite && remaining <= 0) {
                return WaitResult.TIMEOUT;
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
            backend.forget(this);
            object.release();
        }
    }

    final boolean isOpen() {
        return open.get();
    }
}
