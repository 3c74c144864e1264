package shm.personality.rtx;

import static shm.api.rtx.RtxConstants.ERROR_SUCCESS;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import shm.api.ErrorReason;
import shm.api.ShmException;
import shm.api.rtx.RtssInstance;
import shm.api.rtx.RtxResult;

/** The RTSSINST values {@code RtkRtssAttach} handed out in one RTX "process"; an Rtk* call needs one of them. */
final class RtkInstances {

    private final Set<Long> instances = ConcurrentHashMap.newKeySet();
    private final AtomicLong next = new AtomicLong(0x10);
    private final boolean ntStatus;

    /** {@code ntStatus}: whether Rtk* calls report NTSTATUS (RTX64 / wRTOS) rather than Win32 codes. */
    RtkInstances(boolean ntStatus) {
        this.ntStatus = ntStatus;
    }

    /** {@code RtkRtssAttach}: a new instance, or a failure for a {@code MaxWFSO} below 1. */
    RtssInstance attach(int maxWfso) {
        if (maxWfso < 1) {
            ShmException failure = RtxErrors.failure(ErrorReason.INVALID_PARAMETER, null,
                    "RtkRtssAttach needs MaxWFSO of at least 1, got " + maxWfso, ntStatus);
            return new RtssInstance(0, (int) failure.vendorError().orElseThrow().value(), failure);
        }
        long instance = next.getAndIncrement();
        instances.add(instance);
        return new RtssInstance(instance, ERROR_SUCCESS, null);
    }

    /** The failed result for an instance {@link #attach} did not hand out; {@code null} for a good one. */
    RtxResult check(long rtssInst, String name) {
        if (instances.contains(rtssInst)) {
            return null;
        }
        return RtxErrors.failed(ErrorReason.INVALID_PARAMETER, name, "RtssInst 0x" + Long.toHexString(rtssInst)
                + " was not returned by RtkRtssAttach", ntStatus);
    }

    /** Every instance handed out, for the next revision ({@link #restore}). */
    java.util.List<Long> all() {
        return java.util.List.copyOf(instances);
    }

    /** Makes {@code instance}, handed out by an earlier revision, valid again. */
    void restore(long instance) {
        instances.add(instance);
        next.accumulateAndGet(instance + 1, Math::max);
    }
}
