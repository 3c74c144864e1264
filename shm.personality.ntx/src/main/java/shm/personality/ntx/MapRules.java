package shm.personality.ntx;

import static shm.api.ntx.NtxConstants.*;

import java.lang.foreign.MemorySegment;
import java.util.Optional;

import shm.api.Access;
import shm.api.MapOptions;
import shm.api.ShmException;
import shm.api.intime.IntimeTables;
import shm.api.ntx.NtxMapResult;
import shm.api.spi.BackendHandle;
import shm.api.spi.Descriptor;
import shm.api.spi.ShmBackend;

/**
 * NTX's rules for mapping a memory handle into one Windows process, for every map the cache's hot path does not
 * answer: the flags, the handle's shape and kind, the node, the size and the alignment of a fresh map; and the answer
 * of a cached mapping (read-only versus {@code NTX_MAP_WRITE}, alignment, and with
 * {@link NtxSettings#strictCache()} a check against the GDT). A fresh mapping is a backend handle opened by the
 * object's reference and sliced to the handle's area; it goes into the {@link MappingCache}.
 */
final class MapRules {

    /** The {@code dwFlags} bits NTX knows. */
    static final int KNOWN_FLAGS = NTX_MAP_WRITE | NTX_MAP_UNALIGNED;

    private final NtxSettings settings;
    private final MappingCache cache;
    private final RtKernelLink link;
    private final LastStatus lastStatus;

    MapRules(NtxSettings settings, MappingCache cache, RtKernelLink link, LastStatus lastStatus) {
        this.settings = settings;
        this.cache = cache;
        this.link = link;
        this.lastStatus = lastStatus;
    }

    /** A map that the hot path did not answer: a miss, a hit that needs a check, or a bad argument. */
    NtxMapResult map(long hSegment, int dwFlags) {
        String object = NtxErrors.describe(hSegment);
        if ((dwFlags & ~KNOWN_FLAGS) != 0) {
            return failedMap(NtxErrors.failure(E_PARAM, object, String.format("dwFlags 0x%X has bits other than"
                    + " NTX_MAP_WRITE (0x4) and NTX_MAP_UNALIGNED (0x10000)", dwFlags)));
        }
        if (!isNtxHandle(hSegment)) {
            return failedMap(NtxErrors.failure(E_EXIST, object, "the value is not an NTXHANDLE; an RTHANDLE taken"
                    + " from data must be converted with ntxImportRtHandle"));
        }
        int rtHandle = exportRtHandle(hSegment);
        int slot = IntimeTables.slotOfMemoryHandle(rtHandle);
        if (slot >= 0) {
            Mapping cached = cache.get(slot);
            if (cached != null) {
                return fromCache(cached, rtHandle, dwFlags, object);
            }
        }
        try {
            RtObjects rt = link.objects(object);
            Optional<Descriptor> found = rt.memory(rtHandle);
            if (found.isEmpty()) {
                return rt.kindOf(rtHandle) == RtObjects.Kind.PROCESS
                        ? failedMap(NtxErrors.failure(E_TYPE, object, "the handle names a process, not an address"
                        + " space"))
                        : failedMap(NtxErrors.failure(E_EXIST, object, "the handle names no object (never created,"
                        + " or deleted with DeleteRtMemoryHandle)"));
            }
            Descriptor area = found.get();
            ShmException refusal = refusal(area, dwFlags, object);
            if (refusal != null) {
                return failedMap(refusal);
            }
            return mapFresh(rt.backend(), area, slot, rtHandle, dwFlags, object);
        } catch (ShmException e) {
            return failedMap(e.vendorError().isPresent() ? e : NtxErrors.translate(e, object));
        }
    }

    /** Why an area cannot be mapped with {@code dwFlags} from this host; {@code null} when it can. */
    private ShmException refusal(Descriptor area, int dwFlags, String object) {
        if (!settings.sharesMemoryWith(area.node())) {
            return NtxErrors.failure(E_LOCATION, object, "the memory is on INtime node " + area.node() + ", which"
                    + " does not share memory with this host (node " + settings.hostNode() + ", sharing with "
                    + settings.sharedNodes() + ")");
        }
        if (area.size() > NTX_MAX_MAP_SIZE) {
            return NtxErrors.failure(E_VMEM, object, "the segment has " + area.size() + " bytes; one mapping holds"
                    + " at most 0xFFFFF000 (" + NTX_MAX_MAP_SIZE + ") bytes on Windows");
        }
        if (!isAligned(area) && (dwFlags & NTX_MAP_UNALIGNED) == 0) {
            return alignmentFailure(area, object);
        }
        return null;
    }

    private NtxMapResult mapFresh(ShmBackend owner, Descriptor area, int slot, int rtHandle, int dwFlags,
                                  String object) {
        boolean writable = (dwFlags & NTX_MAP_WRITE) != 0;
        MapOptions options = MapOptions.DEFAULT.withAccess(writable ? Access.READ_WRITE : Access.READ_ONLY);
        // the first map after a swap or an update succeeds the parked mapping: it takes that hold back
        BackendHandle handle = cache.takeParked(slot) ? owner.reclaiming(() -> owner.openByRef(area.object(), options))
                : owner.openByRef(area.object(), options);
        MemorySegment whole = handle.segment();
        if (area.offset() + area.size() > whole.byteSize()) {
            handle.close();
            return failedMap(NtxErrors.failure(E_NTX_INTERNAL_ERROR, object, "the handle's area [" + area.offset()
                    + ", " + (area.offset() + area.size()) + ") reaches beyond its object's " + whole.byteSize()
                    + " bytes"));
        }
        MemorySegment view = whole.asSlice(area.offset(), area.size());
        Mapping made = new Mapping(owner, handle, area, writable, isAligned(area), new NtxMapResult(view, E_OK, null));
        Mapping earlier = cache.putIfAbsent(slot, made);
        if (earlier != null) {
            // Another thread mapped the handle meanwhile: its mapping is the one pointer of this process.
            handle.close();
            return fromCache(earlier, rtHandle, dwFlags, object);
        }
        if (link.closed()) {
            // Closed while this call ran: hand nothing out, keep nothing mapped.
            if (cache.remove(slot, made)) {
                handle.close();
            }
            return failedMap(RtKernelLink.closedFailure(object));
        }
        return made.result();
    }

    /** The answer of a map that found the handle in the cache: what a fresh map would answer, but the pointer. */
    private NtxMapResult fromCache(Mapping cached, int rtHandle, int dwFlags, String object) {
        if (settings.strictCache()) {
            ShmException stale = staleness(cached, rtHandle, object);
            if (stale != null) {
                return failedMap(stale);
            }
        }
        if ((dwFlags & NTX_MAP_WRITE) != 0 && !cached.writable()) {
            return failedMap(NtxErrors.failure(E_STATE, object, "the handle is mapped read-only (by"
                    + " ntxMapRtSharedMemoryEx without NTX_MAP_WRITE); unmap it before mapping it writable"));
        }
        if (!cached.aligned() && (dwFlags & NTX_MAP_UNALIGNED) == 0) {
            return failedMap(alignmentFailure(cached.descriptor(), object));
        }
        return cached.result();
    }

    /** Strict mode: why a cached mapping no longer matches the GDT; {@code null} when it still does. */
    private ShmException staleness(Mapping cached, int rtHandle, String object) {
        Optional<Descriptor> now;
        try {
            now = link.objectsOf(cached.owner()).memory(rtHandle);
        } catch (ShmException e) {
            return NtxErrors.translate(e, object);
        }
        if (now.isEmpty()) {
            return NtxErrors.failure(E_EXIST, object, "strict cache: the handle was deleted on the RT side while"
                    + " mapped here; unmap the stale mapping (ntxUnmapRtSharedMemory)");
        }
        if (!now.get().equals(cached.descriptor())) {
            return NtxErrors.failure(E_STATE, object, "strict cache: the handle value now names other memory (its"
                    + " GDT slot was reused) while its earlier mapping is cached; unmap that mapping first");
        }
        return null;
    }

    private static boolean isAligned(Descriptor area) {
        return area.offset() % PAGE_SIZE == 0 && (area.offset() + area.size()) % PAGE_SIZE == 0;
    }

    private static ShmException alignmentFailure(Descriptor area, String object) {
        return NtxErrors.failure(E_ALIGNMENT, object, "the segment [" + area.offset() + ", "
                + (area.offset() + area.size()) + ") of its object is not page-aligned at both ends; map it with"
                + " ntxMapRtSharedMemoryEx and NTX_MAP_UNALIGNED");
    }

    private NtxMapResult failedMap(ShmException failure) {
        return new NtxMapResult(MemorySegment.NULL, lastStatus.remember(failure), failure);
    }
}
