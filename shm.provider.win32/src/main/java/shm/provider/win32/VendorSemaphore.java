package shm.provider.win32;

import java.time.Duration;

import shm.api.ErrorReason;
import shm.api.NamedSemaphore;
import shm.api.ShmException;
import shm.api.WaitResult;

/**
 * A {@link NamedSemaphore} over the vendor's semaphore calls. No vendor call reports the maximum of a semaphore this
 * process only opened: {@link #maximumCount()} then answers the largest the API allows (LONG max).
 */
final class VendorSemaphore extends VendorSyncHandle implements NamedSemaphore {

    private final long maximumCount;

    VendorSemaphore(Win32ObjectApi api, HandleRegistry registry, NativeObject object, boolean alreadyExisted,
                    long maximumCount) {
        super(api, registry, object, alreadyExisted);
        this.maximumCount = maximumCount;
    }

    @Override
    public long maximumCount() {
        return maximumCount;
    }

    @Override
    public WaitResult acquire(Duration timeout) {
        return waitFor(timeout);
    }

    @Override
    public long release(long count) {
        checkOpen();
        if (count < 1 || count > Integer.MAX_VALUE) {
            throw new ShmException(ErrorReason.INVALID_PARAMETER, object.name,
                    "a semaphore is released by 1 to 2147483647, not " + count);
        }
        NativeResult r = api.releaseSemaphore(object.handle, (int) count);
        if (r.failed()) {
            if (r.lastError() == Win32Errors.TOO_MANY_POSTS || r.lastError() == Win32Errors.INVALID_PARAMETER) {
                throw new ShmException(ErrorReason.INVALID_PARAMETER, object.name, "releasing " + count
                        + " would raise the count above the maximum; the count is unchanged");
            }
            throw failure("RtReleaseSemaphore", r, ErrorReason.INTERNAL);
        }
        return r.out();
    }

    @Override
    String kind() {
        return "semaphore";
    }
}
