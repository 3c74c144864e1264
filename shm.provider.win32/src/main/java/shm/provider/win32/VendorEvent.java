package shm.provider.win32;

import java.time.Duration;

import shm.api.ErrorReason;
import shm.api.NamedEvent;
import shm.api.WaitResult;

/**
 * A {@link NamedEvent} over the vendor's event calls. The reset mode of an event this process only opened is not
 * reported by any vendor call: {@link #manualReset()} then answers what the creator asked for when this backend
 * created it, else {@code false} (see docs/vendor-backends.md).
 */
final class VendorEvent extends VendorSyncHandle implements NamedEvent {

    private final boolean manualReset;

    VendorEvent(Win32ObjectApi api, HandleRegistry registry, NativeObject object, boolean alreadyExisted,
                boolean manualReset) {
        super(api, registry, object, alreadyExisted);
        this.manualReset = manualReset;
    }

    @Override
    public boolean manualReset() {
        return manualReset;
    }

    @Override
    public void set() {
        call("RtSetEvent", api.setEvent(object.handle));
    }

    @Override
    public void reset() {
        call("RtResetEvent", api.resetEvent(object.handle));
    }

    @Override
    public void pulse() {
        call("RtPulseEvent", api.pulseEvent(object.handle));
    }

    private void call(String function, NativeResult result) {
        checkOpen();
        if (result.failed()) {
            throw failure(function, result, ErrorReason.INTERNAL);
        }
    }

    @Override
    public WaitResult await(Duration timeout) {
        return waitFor(timeout);
    }

    @Override
    String kind() {
        return "event";
    }
}
