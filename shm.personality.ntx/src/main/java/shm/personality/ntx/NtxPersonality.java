package shm.personality.ntx;

import static shm.api.ntx.NtxConstants.*;

import java.lang.foreign.MemorySegment;
import java.util.Objects;
import java.util.Optional;

import shm.api.Access;
import shm.api.ErrorReason;
import shm.api.MapOptions;
import shm.api.ShmException;
import shm.api.intime.IntimeTables;
import shm.api.ntx.NtxHandleResult;
import shm.api.ntx.NtxMapResult;
import shm.api.ntx.NtxSharedMemory;
import shm.api.spi.BackendHandle;
import shm.api.spi.Descriptor;
import shm.api.spi.ShmBackend;

/**
 * The NTX rules over any {@link ShmBackend}: one instance is one Windows process with its own mapping cache
 * ({@link MappingCache}), mapping the memory that INtime memory handles (GDT slots, see {@link IntimeTables}) name.
 * It owns no memory: a mapping is a backend handle opened by the object's reference and sliced to the handle's area,
 * and unmapping closes that handle, whose arena owns the segment, so every alias of the pointer fails at once.
 * Usable as a plain library: {@code new NtxPersonality(backend, NtxSettings.defaults())}.
 *
 * <p>The cache and its documented hazard are described in {@link NtxSharedMemory}; {@link NtxSettings#strictCache()}
 * turns the hazard into a refusal.
 */
public class NtxPersonality implements NtxSharedMemory, AutoCloseable {

    private static final int KNOWN_FLAGS = NTX_MAP_WRITE | NTX_MAP_UNALIGNED;

    /** The status and failure the last failing call of a thread left. */
    private record LastFailure(int status, ShmException failure) {
    }

    private final NtxSettings settings;
    private final boolean strict;
    private final MappingCache cache = new MappingCache();
    private final ThreadLocal<LastFailure> lastFailure = new ThreadLocal<>();
    private volatile ShmBackend backend;
    private volatile RtObjects tables;
    private volatile boolean closed;

    /** A personality (one Windows process) over {@code backend}. */
    public NtxPersonality(ShmBackend backend, NtxSettings settings) {
        this(settings);
        this.backend = Objects.requireNonNull(backend, "backend");
    }

    /** A personality waiting for a backend ({@link #useBackend}); until then calls fail with E_NTX_INTERNAL_ERROR. */
    protected NtxPersonality(NtxSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.strict = settings.strictCache();
    }

    /** The settings of this instance. */
    public NtxSettings settings() {
        return settings;
    }

    // ------------------------------------------------------------------ the calls

    @Override
    public NtxMapResult ntxMapRtSharedMemory(long hSegment) {
        return ntxMapRtSharedMemoryEx(hSegment, NTX_MAP_WRITE);
    }

    @Override
    public NtxMapResult ntxMapRtSharedMemoryEx(long hSegment, int dwFlags) {
        // The hot path: a cache hit that the cached mapping serves as it is. No lock, no allocation, no GDT read.
        if (!strict && (dwFlags & ~KNOWN_FLAGS) == 0 && isNtxHandle(hSegment)) {
            int slot = IntimeTables.slotOfMemoryHandle(exportRtHandle(hSegment));
            if (slot >= 0) {
                Mapping cached = cache.get(slot);
                if (cached != null && cached.serves(dwFlags)) {
                    return cached.result();
                }
            }
        }
        return map(hSegment, dwFlags);
    }

    @Override
    public int ntxUnmapRtSharedMemory(long hSegment) {
        String object = NtxErrors.describe(hSegment);
        int slot = isNtxHandle(hSegment) ? IntimeTables.slotOfMemoryHandle(exportRtHandle(hSegment)) : -1;
        Mapping removed = slot < 0 ? null : cache.remove(slot);
        if (removed == null) {
            return failedStatus(NtxErrors.failure(E_STATE, object, "the handle is not mapped by this process (never"
                    + " mapped, or already unmapped: the first unmap invalidates the pointer)"));
        }
        try {
            removed.handle().close();
        } catch (ShmException e) {
            return failedStatus(NtxErrors.translate(e, object));
        }
        return E_OK;
    }

    @Override
    public NtxHandleResult ntxImportRtHandle(int incomingObject, long hObjectSource) {
        String object = String.format("RTHANDLE 0x%04X", incomingObject);
        if (incomingObject < 0 || incomingObject > 0xFFFF) {
            return failedHandle(NtxErrors.failure(E_EXIST, object, "an RTHANDLE is a 16-bit value"));
        }
        if (!isNtxHandle(hObjectSource)) {
            return failedHandle(NtxErrors.failure(E_EXIST, object, "hObjectSource, "
                    + NtxErrors.describe(hObjectSource) + ", is not an NTXHANDLE"));
        }
        try {
            RtObjects rt = rtObjects(object);
            int source = exportRtHandle(hObjectSource);
            RtObjects.Kind sourceKind = rt.kindOf(source);
            if (sourceKind == RtObjects.Kind.NONE) {
                return failedHandle(NtxErrors.failure(E_EXIST, object, "hObjectSource, "
                        + NtxErrors.describe(hObjectSource) + ", names no object"));
            }
            if (sourceKind == RtObjects.Kind.MEMORY) {
                long node = rt.memory(source).map(Descriptor::node).orElse(settings.hostNode());
                if (!settings.sharesMemoryWith(node)) {
                    return failedHandle(NtxErrors.failure(E_LOCATION, object, "hObjectSource, "
                            + NtxErrors.describe(hObjectSource) + ", is memory on INtime node " + node + ", which"
                            + " does not share memory with this host, so handles stored in it cannot be resolved"));
                }
            }
            if (rt.kindOf(incomingObject) == RtObjects.Kind.NONE) {
                return failedHandle(NtxErrors.failure(E_EXIST, object, "the incoming RTHANDLE names no object (never"
                        + " created, or deleted)"));
            }
            return new NtxHandleResult(ntxHandleOf(incomingObject), E_OK, null);
        } catch (ShmException e) {
            return failedHandle(e.vendorError().isPresent() ? e : NtxErrors.translate(e, object));
        }
    }

    @Override
    public int ntxExportRtHandle(long hObject) {
        return exportRtHandle(hObject);
    }

    @Override
    public NtxHandleResult ntxGetRootRtProcess() {
        String object = String.format("RTHANDLE 0x%04X", IntimeTables.ROOT_PROCESS_HANDLE);
        try {
            rtObjects(object);
        } catch (ShmException e) {
            return failedHandle(e.vendorError().isPresent() ? e : NtxErrors.translate(e, object));
        }
        return new NtxHandleResult(ntxHandleOf(IntimeTables.ROOT_PROCESS_HANDLE), E_OK, null);
    }

    @Override
    public int ntxGetLastRtError() {
        LastFailure last = lastFailure.get();
        return last == null ? E_OK : last.status();
    }

    @Override
    public Optional<ShmException> lastFailure() {
        LastFailure last = lastFailure.get();
        return last == null ? Optional.empty() : Optional.of(last.failure());
    }

    /** How many handles this process has mapped (the size of its mapping cache). */
    public int mappedHandles() {
        return cache.size();
    }

    // ------------------------------------------------------------------ backend and lifetime

    /** Makes {@code replacement} the backend for maps from now on; mappings already cached stay where they are. */
    public void useBackend(ShmBackend replacement) {
        backend = Objects.requireNonNull(replacement, "replacement");
    }

    /**
     * {@code gone} is going away: the mappings made through it are unmapped (their pointers become invalid and
     * their handles unmapped), and if it was the backend in use, calls fail with E_NTX_INTERNAL_ERROR until another
     * is bound.
     */
    public void backendGone(ShmBackend gone) {
        if (backend == gone) {
            backend = null;
        }
        cache.removeAll(m -> m.owner() == gone).forEach(NtxPersonality::unmapQuietly);
    }

    /** Unmaps every mapping of this Windows process, as its end does. Idempotent. */
    @Override
    public void close() {
        closed = true;
        cache.removeAll(m -> true).forEach(NtxPersonality::unmapQuietly);
    }

    // ------------------------------------------------------------------ the rules

    /** A map that the hot path did not answer: a miss, a hit that needs a check, or a bad argument. */
    private NtxMapResult map(long hSegment, int dwFlags) {
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
            RtObjects rt = rtObjects(object);
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
        BackendHandle handle = owner.openByRef(area.object(),
                MapOptions.DEFAULT.withAccess(writable ? Access.READ_WRITE : Access.READ_ONLY));
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
        if (closed) {
            // Closed while this call ran: hand nothing out, keep nothing mapped.
            if (cache.remove(slot, made)) {
                handle.close();
            }
            return failedMap(closedFailure(object));
        }
        return made.result();
    }

    /** The answer of a map that found the handle in the cache: what a fresh map would answer, but the pointer. */
    private NtxMapResult fromCache(Mapping cached, int rtHandle, int dwFlags, String object) {
        if (strict) {
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
            RtObjects current = tables;
            RtObjects rt = current != null && current.backend() == cached.owner() ? current
                    : new RtObjects(cached.owner());
            now = rt.memory(rtHandle);
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

    /**
     * The RT side's tables in the bound backend.
     *
     * @throws ShmException E_NTX_INTERNAL_ERROR when the personality is closed or no backend is bound
     */
    private RtObjects rtObjects(String object) {
        if (closed) {
            throw closedFailure(object);
        }
        ShmBackend current = backend;
        if (current == null) {
            throw NtxErrors.failure(E_NTX_INTERNAL_ERROR, ErrorReason.INTERNAL, object, "no shared memory backend is"
                    + " bound: NTX cannot reach the RT kernel", null);
        }
        RtObjects known = tables;
        if (known == null || known.backend() != current) {
            try {
                known = new RtObjects(current);
            } catch (ShmException e) {
                throw NtxErrors.failure(E_NTX_INTERNAL_ERROR, e.reason(), object, e.rule(), e);
            }
            tables = known;
        }
        return known;
    }

    private static ShmException closedFailure(String object) {
        return NtxErrors.failure(E_NTX_INTERNAL_ERROR, ErrorReason.CLOSED, object, "the NTX personality is closed"
                + " (its Windows process ended)", null);
    }

    private static void unmapQuietly(Mapping mapping) {
        try {
            mapping.handle().close();
        } catch (ShmException e) {
            // The backend is going away and says so; the mapping is gone from the cache either way.
        }
    }

    private NtxMapResult failedMap(ShmException failure) {
        return new NtxMapResult(MemorySegment.NULL, remember(failure), failure);
    }

    private NtxHandleResult failedHandle(ShmException failure) {
        return new NtxHandleResult(NTX_BAD_NTXHANDLE, remember(failure), failure);
    }

    private int failedStatus(ShmException failure) {
        return remember(failure);
    }

    /** Stores a failure as this thread's last NTX status; returns the status. */
    private int remember(ShmException failure) {
        int status = (int) failure.vendorError().orElseThrow().value();
        lastFailure.set(new LastFailure(status, failure));
        return status;
    }
}
