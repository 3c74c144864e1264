package shm.personality.intime;

import static shm.api.intime.IntimeConstants.E_EXIST;
import static shm.api.intime.IntimeConstants.E_OK;
import static shm.api.intime.IntimeConstants.E_TYPE;
import static shm.api.intime.IntimeConstants.FREE_RT_MEMORY_FAILED;

import java.lang.foreign.MemorySegment;
import java.util.Optional;

import shm.api.ErrorReason;
import shm.api.intime.RtHandleResult;
import shm.api.intime.RtMemoryResult;
import shm.api.spi.Descriptor;

/**
 * The kernel memory calls of one INtime process: {@code AllocateRtMemory}, {@code FreeRtMemory},
 * {@code CreateRtMemoryHandle}, {@code DeleteRtMemoryHandle} and {@code MapRtSharedMemory}. Each runs under the
 * process's lock ({@link ProcessBinding#locked}) as a kernel call ({@link CallFrame#rtCall}): a failure answers with
 * INtime's status, stored for {@code GetLastRtError}.
 */
final class KernelMemoryCalls {

    private final ProcessBinding binding;
    private final CallFrame calls;

    KernelMemoryCalls(ProcessBinding binding, CallFrame calls) {
        this.binding = binding;
        this.calls = calls;
    }

    /** {@code AllocateRtMemory} ({@link KernelMemory#allocate}). */
    RtMemoryResult allocateRtMemory(int cbSize) {
        return calls.rtCall(null, () -> CallFrame.memoryResult(
                binding.locked(() -> process().memory.allocate(Integer.toUnsignedLong(cbSize)))),
                CallFrame::memoryFailure);
    }

    /** {@code FreeRtMemory} ({@link KernelMemory#free}). */
    long freeRtMemory(MemorySegment pAddress) {
        return calls.rtCall(null, () -> binding.locked(() -> process().memory.free(pAddress)),
                failure -> FREE_RT_MEMORY_FAILED);
    }

    /** {@code CreateRtMemoryHandle}: a GDT slot for the region of this process's memory the call names. */
    RtHandleResult createRtMemoryHandle(MemorySegment pOffset, int cbSize) {
        return calls.rtCall(null, () -> binding.locked(() -> {
            long size = Integer.toUnsignedLong(cbSize);
            KernelMemory.Region region = process().memory.regionOf(pOffset, size);
            return new RtHandleResult(process().handles.create(region.object(), region.offset(), size), E_OK, null);
        }), CallFrame::handleResult);
    }

    /** {@code DeleteRtMemoryHandle}: the slot is freed, whoever created it. */
    boolean deleteRtMemoryHandle(int hSeg) {
        return calls.rtCall(null, () -> binding.locked(() -> {
            process().handles.delete(memoryHandle(hSeg));
            return true;
        }), failure -> false);
    }

    /** {@code MapRtSharedMemory} ({@link KernelMemory#map}). */
    RtMemoryResult mapRtSharedMemory(int hSeg) {
        return calls.rtCall(null, () -> CallFrame.memoryResult(
                binding.locked(() -> process().memory.map(memoryHandle(hSeg)))),
                CallFrame::memoryFailure);
    }

    /** The slot a memory handle names: E_TYPE for a live handle of another kind, E_EXIST for anything else. */
    private Descriptor memoryHandle(int hSeg) {
        Optional<Descriptor> slot = process().handles.find(hSeg);
        if (slot.isPresent()) {
            return slot.get();
        }
        if (process().processes.exists(hSeg)) {
            throw IntimeErrors.rt(ErrorReason.WRONG_TYPE, E_TYPE, null, "0x" + Integer.toHexString(hSeg)
                    + " is a process handle, not a memory handle");
        }
        throw IntimeErrors.rt(ErrorReason.NOT_FOUND, E_EXIST, null, "0x" + Integer.toHexString(hSeg)
                + " names no RT handle");
    }

    /** The process's parts; only within {@link ProcessBinding#locked}. */
    private IntimeProcess process() {
        return binding.process();
    }
}
