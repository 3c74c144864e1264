package shm.personality.ntx;

import static shm.api.ntx.NtxConstants.*;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import shm.api.MapOptions;
import shm.api.ObjectType;
import shm.api.ShmException;
import shm.api.intime.IntimeTables;
import shm.api.spi.BackendHandle;
import shm.api.spi.Descriptor;
import shm.api.spi.DescriptorTable;
import shm.api.spi.ShmBackend;

/**
 * NTX's memory calls: {@code ntxAllocateRtMemory} (an unnamed backend object of whole pages and a GDT descriptor
 * covering it, recording the node), {@code ntxFreeRtMemory} (only what this Windows process allocated, and only once
 * it no longer maps it), {@code ntxGetType} and {@code ntxGetRtSize}. The allocations of this process are freed when
 * it ends. Thread-safe.
 */
final class NtxMemory {

    /** One allocation of this process: the backend handle that keeps the memory and its GDT descriptor. */
    private record Allocation(ShmBackend owner, DescriptorTable gdt, BackendHandle handle, Descriptor descriptor) {

        /** Deletes the descriptor if it is still this allocation's, and releases the memory. */
        void free() {
            try {
                if (gdt.get(descriptor.index()).filter(descriptor::equals).isPresent()) {
                    gdt.delete(descriptor.index());
                }
            } finally {
                handle.close();
            }
        }
    }

    private final NtxSettings settings;
    private final RtKernelLink link;
    private final MappingCache cache;
    private final Map<Integer, Allocation> mine = new ConcurrentHashMap<>();

    NtxMemory(NtxSettings settings, RtKernelLink link, MappingCache cache) {
        this.settings = settings;
        this.link = link;
        this.cache = cache;
    }

    /**
     * {@code ntxAllocateRtMemory}: the new memory handle's {@code NTXHANDLE}.
     *
     * @throws ShmException E_PARAM, E_LOCATION, E_MEM, E_SLOT, E_LIMIT, E_NTX_INTERNAL_ERROR
     */
    long allocate(long hLoc, int nSize) {
        String object = "ntxAllocateRtMemory(" + hLoc + ", " + Integer.toUnsignedString(nSize) + ")";
        long size = Integer.toUnsignedLong(nSize);
        if (size == 0 || size > NTX_MAX_MAP_SIZE) {
            throw NtxErrors.failure(E_PARAM, object, "nSize must be 1 to 0xFFFFF000 bytes (what one mapping can hold),"
                    + " got " + size);
        }
        long node = hLoc == NTX_LOCAL ? settings.hostNode() : hLoc;
        if (!settings.sharesMemoryWith(node)) {
            throw NtxErrors.failure(E_LOCATION, object, "INtime node " + node + " does not share memory with this"
                    + " host (node " + settings.hostNode() + ", sharing with " + settings.sharedNodes() + ")");
        }
        long pages = (size + PAGE_SIZE - 1) / PAGE_SIZE * PAGE_SIZE;
        RtObjects rt = link.objects(object);
        BackendHandle handle;
        try {
            handle = rt.backend().createUnnamed(ObjectType.SHARED_MEMORY, pages, MapOptions.DEFAULT);
        } catch (ShmException e) {
            throw translate(e, object);
        }
        Descriptor descriptor;
        try {
            descriptor = rt.gdt().create(handle.ref(), 0, pages, node);
        } catch (ShmException e) {
            handle.close();
            throw translate(e, object);
        }
        Allocation allocation = new Allocation(rt.backend(), rt.gdt(), handle, descriptor);
        mine.put(descriptor.index(), allocation);
        if (link.closed() && mine.remove(descriptor.index(), allocation)) {
            // Ended while this call ran: hand nothing out, keep nothing allocated.
            allocation.free();
            throw RtKernelLink.closedFailure(object);
        }
        return ntxHandleOf(IntimeTables.memoryHandleOfSlot(descriptor.index()));
    }

    /**
     * {@code ntxFreeRtMemory}.
     *
     * @throws ShmException E_EXIST, E_CONTEXT, E_STATE, E_NTX_INTERNAL_ERROR
     */
    void free(long hSegment) {
        String object = NtxErrors.describe(hSegment);
        RtObjects rt = link.objects(object);
        int rtHandle = isNtxHandle(hSegment) ? exportRtHandle(hSegment) : -1;
        if (rtHandle < 0 || rt.kindOf(rtHandle) == RtObjects.Kind.NONE) {
            throw NtxErrors.failure(E_EXIST, object, "the handle names no object");
        }
        int slot = IntimeTables.slotOfMemoryHandle(rtHandle);
        Allocation allocation = slot < 0 ? null : mine.get(slot);
        if (allocation == null || allocation.owner() != rt.backend()
                || !rt.memory(rtHandle).filter(allocation.descriptor()::equals).isPresent()) {
            throw NtxErrors.failure(E_CONTEXT, object, "the handle is not memory this Windows process allocated with"
                    + " ntxAllocateRtMemory; an RT process frees its own memory (FreeRtMemory)");
        }
        if (cache.get(slot) != null) {
            throw NtxErrors.failure(E_STATE, object, "the memory is still mapped by this process; unmap it"
                    + " (ntxUnmapRtSharedMemory) before freeing it");
        }
        if (mine.remove(slot, allocation)) {
            allocation.free();
        }
    }

    /**
     * {@code ntxGetType}.
     *
     * @throws ShmException E_EXIST, E_NTX_INTERNAL_ERROR
     */
    int type(long hObject) {
        String object = NtxErrors.describe(hObject);
        RtObjects rt = link.objects(object);
        RtObjects.Kind kind = isNtxHandle(hObject) ? rt.kindOf(exportRtHandle(hObject)) : RtObjects.Kind.NONE;
        return switch (kind) {
            case MEMORY -> NTX_TYPE_RT_SHARED_MEMORY;
            case PROCESS -> NTX_TYPE_RT_PROCESS;
            case NONE -> throw NtxErrors.failure(E_EXIST, object, "the handle names no object");
        };
    }

    /**
     * {@code ntxGetRtSize}.
     *
     * @throws ShmException E_TYPE, E_EXIST, E_NTX_INTERNAL_ERROR
     */
    long size(long hObject) {
        String object = NtxErrors.describe(hObject);
        RtObjects rt = link.objects(object);
        if (!isNtxHandle(hObject)) {
            throw NtxErrors.failure(E_EXIST, object, "the handle names no object");
        }
        int rtHandle = exportRtHandle(hObject);
        return rt.memory(rtHandle).map(Descriptor::size).orElseThrow(() -> rt.kindOf(rtHandle)
                == RtObjects.Kind.PROCESS ? NtxErrors.failure(E_TYPE, object, "the handle names a process, not a"
                + " segment") : NtxErrors.failure(E_EXIST, object, "the handle names no object"));
    }

    /** Frees the allocations made through {@code gone} (it is going away). */
    void freeFrom(ShmBackend gone) {
        freeWhere(gone);
    }

    /** Frees every allocation of this process (it ends). */
    void freeAll() {
        freeWhere(null);
    }

    private void freeWhere(ShmBackend owner) {
        for (Map.Entry<Integer, Allocation> entry : List.copyOf(mine.entrySet())) {
            Allocation allocation = entry.getValue();
            if ((owner == null || allocation.owner() == owner) && mine.remove(entry.getKey(), allocation)) {
                try {
                    allocation.free();
                } catch (ShmException e) {
                    // The backend is closed: the memory and its descriptor went with it.
                }
            }
        }
    }

    private static ShmException translate(ShmException e, String object) {
        return switch (e.reason()) {
            case NO_MEMORY -> NtxErrors.failure(E_MEM, object, e.rule());
            case NO_SLOT -> NtxErrors.failure(E_SLOT, object, "the GDT is full: " + e.rule());
            case LIMIT -> NtxErrors.failure(E_LIMIT, object, e.rule());
            default -> NtxErrors.translate(e, object);
        };
    }
}
