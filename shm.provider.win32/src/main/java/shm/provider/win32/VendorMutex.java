package shm.provider.win32;

import java.time.Duration;

import shm.api.ErrorReason;
import shm.api.NamedMutex;
import shm.api.ShmException;
import shm.api.WaitResult;

/**
 * A {@link NamedMutex} over the vendor's mutex calls. The vendor owns the mutex per thread and counts recursion; this
 * handle keeps the same count for {@link #heldByCurrentThread()}, which no vendor call answers, and releases what
 * the closing thread still holds on {@link #close()}.
 */
final class VendorMutex extends VendorSyncHandle implements NamedMutex {

    private final ThreadLocal<int[]> depth = ThreadLocal.withInitial(() -> new int[1]);

    VendorMutex(Win32ObjectApi api, HandleRegistry registry, NativeObject object, boolean alreadyExisted,
                boolean ownedNow) {
        super(api, registry, object, alreadyExisted);
        if (ownedNow) {
            depth.get()[0] = 1;
        }
    }

    @Override
    public WaitResult acquire(Duration timeout) {
        WaitResult result = waitFor(timeout);
        if (result != WaitResult.TIMEOUT) {
            depth.get()[0]++;
        }
        return result;
    }

    @Override
    public void release() {
        checkOpen();
        NativeResult r = api.releaseMutex(object.handle);
        if (r.failed()) {
            if (r.lastError() == Win32Errors.NOT_OWNER) {
                throw new ShmException(ErrorReason.WRONG_STATE, object.name,
                        "only the thread that owns a mutex can release it");
            }
            throw failure("RtReleaseMutex", r, ErrorReason.INTERNAL);
        }
        int[] d = depth.get();
        d[0] = Math.max(0, d[0] - 1);
    }

    @Override
    public boolean heldByCurrentThread() {
        checkOpen();
        return depth.get()[0] > 0;
    }

    @Override
    void beforeClose() {
        int[] d = depth.get();
        while (d[0] > 0 && !api.releaseMutex(object.handle).failed()) {
            d[0]--;
        }
        d[0] = 0;
    }

    @Override
    String kind() {
        return "mutex";
    }
}
