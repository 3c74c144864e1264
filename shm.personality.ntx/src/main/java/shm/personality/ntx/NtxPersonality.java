package shm.personality.ntx;

import static shm.api.ntx.NtxConstants.*;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import shm.api.ShmException;
import shm.api.intime.IntimeTables;
import shm.api.ntx.NtxHandleResult;
import shm.api.ntx.NtxMapResult;
import shm.api.ntx.NtxSharedMemory;
import shm.api.spi.Descriptor;
import shm.api.spi.ShmBackend;

/**
 * The NTX calls over any {@link ShmBackend}: one instance is one Windows process, a facade over its mapping cache
 * ({@link MappingCache}, whose hit it answers itself), the map rules ({@link MapRules}), the link to the RT side's
 * tables ({@link RtKernelLink}) and the per-thread last status ({@link LastStatus}); it maps the memory that INtime
 * memory handles (GDT slots, see {@link IntimeTables}) name.
 * It owns no memory: a mapping is a backend handle opened by the object's reference and sliced to the handle's area,
 * and unmapping closes that handle, whose arena owns the segment, so every alias of the pointer fails at once.
 * Usable as a plain library: {@code new NtxPersonality(backend, NtxSettings.defaults())}.
 *
 * <p>The cache and its documented hazard are described in {@link NtxSharedMemory}; {@link NtxSettings#strictCache()}
 * turns the hazard into a refusal.
 */
public class NtxPersonality implements NtxSharedMemory, AutoCloseable {

    private final NtxSettings settings;
    private final boolean strict;
    private final MappingCache cache = new MappingCache();
    private final LastStatus lastStatus = new LastStatus();
    private final RtKernelLink link = new RtKernelLink();
    private final MapRules mapRules;
    private final NtxNames names;
    private final NtxMemory memory;
    /** The store the allocations live in; {@code null} until a backend with a namespace was bound. */
    private volatile String storeNamespace;

    private static final System.Logger LOG = System.getLogger(NtxPersonality.class.getName());
    /** A kept-state line naming a GDT slot whose mapping's hold is parked: its next map takes the hold back. */
    private static final String PARKED_MAPPING = "mapping ";


    /** The mapping cache of this Windows process now: every cached mapping, for operators. */
    public shm.api.inspect.InspectionTable mappingTable() {
        return NtxMappingsTable.of(cache.snapshot());
    }

    /** A personality (one Windows process) over {@code backend}. */
    public NtxPersonality(ShmBackend backend, NtxSettings settings) {
        this(settings);
        link.use(Objects.requireNonNull(backend, "backend"));
    }

    /** A personality waiting for a backend ({@link #useBackend}); until then calls fail with E_NTX_INTERNAL_ERROR. */
    public NtxPersonality(NtxSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.strict = settings.strictCache();
        this.mapRules = new MapRules(settings, cache, link, lastStatus);
        this.names = new NtxNames(link);
        this.memory = new NtxMemory(settings, link, cache);
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
        if (!strict && (dwFlags & ~MapRules.KNOWN_FLAGS) == 0 && isNtxHandle(hSegment)) {
            int slot = IntimeTables.slotOfMemoryHandle(exportRtHandle(hSegment));
            if (slot >= 0) {
                Mapping cached = cache.get(slot);
                if (cached != null && cached.serves(dwFlags)) {
                    return cached.result();
                }
            }
        }
        return mapRules.map(hSegment, dwFlags);
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
            RtObjects rt = link.objects(object);
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
            link.objects(object);
        } catch (ShmException e) {
            return failedHandle(e.vendorError().isPresent() ? e : NtxErrors.translate(e, object));
        }
        return new NtxHandleResult(ntxHandleOf(IntimeTables.ROOT_PROCESS_HANDLE), E_OK, null);
    }

    // ------------------------------------------------------------------ names and memory

    @Override
    public int ntxCatalogNtxHandle(long hProcess, long hObject, String pName) {
        try {
            names.catalog(hProcess, hObject, pName);
            return E_OK;
        } catch (ShmException e) {
            return failedStatus(vendor(e, pName));
        }
    }

    @Override
    public NtxHandleResult ntxLookupNtxHandle(long hRtProcess, String pName, int dwMilliseconds) {
        try {
            return new NtxHandleResult(ntxHandleOf(names.lookup(hRtProcess, pName, dwMilliseconds)), E_OK, null);
        } catch (ShmException e) {
            return failedHandle(vendor(e, pName));
        }
    }

    @Override
    public int ntxUncatalogNtxHandle(long hProcess, long hObject, String pName) {
        try {
            names.uncatalog(hProcess, pName);
            return E_OK;
        } catch (ShmException e) {
            return failedStatus(vendor(e, pName));
        }
    }

    @Override
    public NtxHandleResult ntxAllocateRtMemory(long hLoc, int nSize) {
        try {
            return new NtxHandleResult(memory.allocate(hLoc, nSize), E_OK, null);
        } catch (ShmException e) {
            return failedHandle(vendor(e, "ntxAllocateRtMemory"));
        }
    }

    @Override
    public int ntxFreeRtMemory(long hSegment) {
        try {
            memory.free(hSegment);
            return E_OK;
        } catch (ShmException e) {
            return failedStatus(vendor(e, NtxErrors.describe(hSegment)));
        }
    }

    @Override
    public int ntxGetType(long hObject) {
        try {
            return memory.type(hObject);
        } catch (ShmException e) {
            failedStatus(vendor(e, NtxErrors.describe(hObject)));
            return NTX_ERROR;
        }
    }

    @Override
    public long ntxGetRtSize(long hObject) {
        try {
            return memory.size(hObject);
        } catch (ShmException e) {
            failedStatus(vendor(e, NtxErrors.describe(hObject)));
            return NTX_BAD_SIZE;
        }
    }

    @Override
    public int ntxGetLastRtError() {
        return lastStatus.status();
    }

    @Override
    public Optional<ShmException> lastFailure() {
        return lastStatus.failure();
    }

    /** How many handles this process has mapped (the size of its mapping cache). */
    public int mappedHandles() {
        return cache.size();
    }

    // ------------------------------------------------------------------ backend and lifetime

    /** Makes {@code replacement} the backend for maps from now on; mappings already cached stay where they are. */
    public void useBackend(ShmBackend replacement) {
        useBackend(replacement, null);
    }

    /**
     * Makes {@code replacement} the backend for maps from now on; mappings already cached stay where they are. When it
     * serves the store the allocations of this process live in ({@code namespace}, the backend's
     * {@link ShmBackend#NAMESPACE_PROPERTY}, or the same backend instance coming back), the allocations parked when
     * their backend left are taken over: their handles and contents are as they were. A backend of another store gets
     * new calls only.
     */
    public void useBackend(ShmBackend replacement, String namespace) {
        link.use(replacement);
        String current = storeNamespace;
        boolean sameStore = namespace != null ? namespace.equals(current) : memory.parkedFrom(replacement);
        if (current == null && namespace != null) {
            storeNamespace = namespace;
            sameStore = memory.parkedFrom(replacement);
        }
        if (sameStore) {
            int moved = memory.takeOverOn(replacement, link.objectsOf(replacement).gdt());
            if (moved > 0) {
                LOG.log(System.Logger.Level.INFO, "NTX " + settings + ": backend " + replacement.type() + " bound;"
                        + " allocations taken over " + moved);
            }
        }
    }

    /**
     * {@code gone} is going away: the mappings made through it leave the cache (their pointers become invalid: the
     * next unmap of one answers the vendor's status for an unknown pointer, the next map of the handle maps afresh)
     * and their holds are parked, so that an object only the mapping held outlives the swap and the handle's next map
     * takes the hold back (see docs/behaviour.md, "Backend swaps"). The memory this process allocated through it is not
     * freed: its holds are parked too and the next backend of the same store takes them over, so its handles keep
     * naming it. If it was the backend in use, calls fail with E_NTX_INTERNAL_ERROR until another is bound.
     */
    public void backendGone(ShmBackend gone) {
        link.forget(gone);
        cache.removeAll(m -> m.owner() == gone).forEach(this::parkQuietly);
        memory.parkFrom(gone);
    }

    /**
     * This Windows process goes on in the next revision of its component (its bundle is updated, stopped or refreshed
     * while the JVM lives): its mappings leave the cache with their holds parked (the choice of docs/behaviour.md:
     * the next revision maps afresh, and an unmap of a pointer this revision gave answers {@code E_STATE}); the memory
     * it allocated is parked and listed in the store under {@code stateName} ({@link shm.util.KeptState}) for
     * {@link #resume}, so its handles keep naming it. Calls fail from now on. Returns how many allocations were kept.
     */
    public int suspend(String stateName) {
        ShmBackend backend = link.current();
        link.close();
        cache.removeAll(m -> true).forEach(this::parkQuietly);
        names.keepMine();
        if (backend != null) {
            memory.parkFrom(backend);
        }
        List<String> allocations = memory.parkedLines();
        List<String> lines = new java.util.ArrayList<>(allocations);
        cache.parkedSlots().forEach(slot -> lines.add(PARKED_MAPPING + slot));
        if (lines.isEmpty()) {
            return 0;
        }
        String what = allocations.size() + " allocations and " + (lines.size() - allocations.size())
                + " parked mappings";
        if (backend == null || !shm.util.KeptState.leave(backend, stateName, lines)) {
            LOG.log(System.Logger.Level.WARNING, "NTX " + settings + ": " + what + " cannot be kept for the next"
                    + " revision: " + (backend == null ? "no backend is bound" : "the backend " + backend.type()
                    + " cannot keep them") + " (released at the park deadline)");
            return 0;
        }
        LOG.log(System.Logger.Level.INFO, "NTX " + settings + ": kept for the next revision " + what);
        return allocations.size();
    }

    /**
     * Takes over the allocations an earlier revision of this Windows process left under {@code stateName}
     * ({@link #suspend}) in the store {@code backend} serves. Call it once, after the first
     * {@link #useBackend(ShmBackend, String)}. Returns how many came back.
     */
    public int resume(ShmBackend backend, String stateName) {
        List<String> lines = shm.util.KeptState.take(backend, stateName).orElse(List.of());
        if (lines.isEmpty()) {
            return 0;
        }
        memory.addParked(lines);
        lines.stream().filter(l -> l.startsWith(PARKED_MAPPING))
                .forEach(l -> cache.markParked(Integer.parseInt(l.substring(PARKED_MAPPING.length()))));
        int moved = memory.takeOverOn(backend, link.objectsOf(backend).gdt());
        LOG.log(System.Logger.Level.INFO, "NTX " + settings + ": taken over from the previous revision " + moved
                + " allocations");
        return moved;
    }

    /** How many memory blocks this process allocated and holds (parked ones included). */
    public int allocations() {
        return memory.allocations();
    }

    /**
     * Ends this Windows process: unmaps every mapping, removes the names it cataloged and frees the memory it
     * allocated. Idempotent.
     */
    @Override
    public void close() {
        link.close();
        cache.removeAll(m -> true).forEach(NtxPersonality::unmapQuietly);
        names.removeMine();
        memory.freeAll();
    }

    private void parkQuietly(Mapping mapping) {
        try {
            if (mapping.handle().park()) {
                cache.markParked(mapping.descriptor().index());
            } else {
                mapping.handle().close();
            }
        } catch (ShmException e) {
            // The backend is going away and says so; the mapping is gone from the cache either way.
        }
    }

    private static void unmapQuietly(Mapping mapping) {
        try {
            mapping.handle().close();
        } catch (ShmException e) {
            // The backend is going away and says so; the mapping is gone from the cache either way.
        }
    }

    /** A failure with its NTX status: as it is when it carries one, else translated. */
    private static ShmException vendor(ShmException e, String object) {
        return e.vendorError().isPresent() ? e : NtxErrors.translate(e, object);
    }

    private NtxHandleResult failedHandle(ShmException failure) {
        return new NtxHandleResult(NTX_BAD_NTXHANDLE, lastStatus.remember(failure), failure);
    }

    private int failedStatus(ShmException failure) {
        return lastStatus.remember(failure);
    }
}
