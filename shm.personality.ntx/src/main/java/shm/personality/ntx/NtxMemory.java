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

    /**
     * One allocation of this process: the backend handle that keeps the memory and its GDT descriptor. A parked
     * allocation ({@code owner} and {@code handle} {@code null}) is one whose backend went away while this process
     * lives: its hold is parked in the store, the memory and its descriptor live on, and the next backend of the same
     * store takes the hold over ({@link #takeOverOn}).
     *
     * @param from the backend the allocation was made through or last lived on, to recognize it when it comes back
     */
    private record Allocation(ShmBackend owner, DescriptorTable gdt, BackendHandle handle, Descriptor descriptor,
                              ShmBackend from) {

        /** Whether the allocation waits for a backend of its store. */
        boolean parked() {
            return owner == null;
        }

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

    private static final System.Logger LOG = System.getLogger(NtxMemory.class.getName());

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
        Allocation allocation = new Allocation(rt.backend(), rt.gdt(), handle, descriptor, rt.backend());
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

    /**
     * {@code gone} is going away while this process lives: the allocations made through it are not freed (the memory
     * belongs to this process until it frees it or ends, and RT processes may map it by its handle meanwhile): their
     * holds are parked in the store and their descriptors stay; {@link #takeOverOn} brings them onto the next backend
     * of the same store. A backend that cannot park releases the hold (logged): the memory then lives only as long as
     * another handle holds it. Returns how many were parked.
     */
    int parkFrom(ShmBackend gone) {
        int parked = 0;
        for (Map.Entry<Integer, Allocation> entry : List.copyOf(mine.entrySet())) {
            Allocation allocation = entry.getValue();
            if (allocation.owner() != gone) {
                continue;
            }
            boolean kept;
            try {
                kept = allocation.handle().park();
            } catch (ShmException e) {
                kept = false;
            }
            if (!kept) {
                LOG.log(System.Logger.Level.WARNING, "NTX: backend " + gone.type() + " cannot park the memory of GDT"
                        + " slot " + entry.getKey() + "; its hold is released");
                allocation.handle().close();
            }
            if (mine.replace(entry.getKey(), allocation,
                    new Allocation(null, null, null, allocation.descriptor(), gone))) {
                parked++;
            }
        }
        return parked;
    }

    /**
     * Brings the allocations onto {@code next}, which serves their store: each object is opened there by reference
     * (taking a parked hold over) and its descriptor found in {@code gdt}, the same table; an allocation still held
     * through another backend of the store is released there afterwards (make before break). An allocation whose
     * memory is gone meanwhile (its parked hold expired) is forgotten (logged). Returns how many moved.
     */
    int takeOverOn(ShmBackend next, DescriptorTable gdt) {
        int moved = 0;
        for (Map.Entry<Integer, Allocation> entry : List.copyOf(mine.entrySet())) {
            Allocation allocation = entry.getValue();
            if (allocation.owner() == next) {
                continue;
            }
            BackendHandle handle;
            try {
                handle = allocation.parked()
                        ? next.reclaiming(() -> next.openByRef(allocation.descriptor().object(), MapOptions.DEFAULT))
                        : next.openByRef(allocation.descriptor().object(), MapOptions.DEFAULT);
            } catch (ShmException e) {
                if (allocation.parked() && mine.remove(entry.getKey(), allocation)) {
                    LOG.log(System.Logger.Level.WARNING, "NTX: the memory of GDT slot " + entry.getKey()
                            + " did not outlive the backend swap: " + e.getMessage());
                }
                continue;
            }
            if (mine.replace(entry.getKey(), allocation,
                    new Allocation(next, gdt, handle, allocation.descriptor(), next))) {
                if (!allocation.parked()) {
                    allocation.handle().close();
                }
                moved++;
            } else {
                handle.close();
            }
        }
        return moved;
    }

    /**
     * The parked allocations as lines ("alloc" and the GDT descriptor's index, object reference, offset, size, owner
     * pid and node), for the next revision of this process's component ({@link #addParked}).
     */
    List<String> parkedLines() {
        return mine.values().stream().filter(Allocation::parked).map(a -> {
            Descriptor d = a.descriptor();
            return "alloc " + d.index() + " " + d.object().value() + " " + d.offset() + " " + d.size() + " "
                    + d.ownerPid() + " " + d.node();
        }).toList();
    }

    /** Takes parked allocations a previous revision wrote ({@link #parkedLines}); {@link #takeOverOn} opens them. */
    void addParked(List<String> lines) {
        for (String line : lines) {
            String[] f = line.split(" ");
            if (f.length != 7 || !f[0].equals("alloc")) {
                continue;
            }
            Descriptor d = new Descriptor(Integer.parseInt(f[1]), new shm.api.spi.ObjectRef(Long.parseLong(f[2])),
                    Long.parseLong(f[3]), Long.parseLong(f[4]), Long.parseLong(f[5]), Long.parseLong(f[6]));
            mine.putIfAbsent(d.index(), new Allocation(null, null, null, d, null));
        }
    }

    /** Whether allocations wait for {@code backend} to come back (it is the one they were parked from). */
    boolean parkedFrom(ShmBackend backend) {
        return mine.values().stream().anyMatch(a -> a.parked() && a.from() == backend);
    }

    /** How many allocations this process holds, parked ones included. */
    int allocations() {
        return mine.size();
    }

    /**
     * Frees every allocation of this process (it ends). Parked allocations cannot be reached without a backend: their
     * holds expire at the store's park deadline and their descriptors go with the operating-system process.
     */
    void freeAll() {
        for (Map.Entry<Integer, Allocation> entry : List.copyOf(mine.entrySet())) {
            Allocation allocation = entry.getValue();
            if (mine.remove(entry.getKey(), allocation) && !allocation.parked()) {
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
