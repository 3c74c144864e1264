package shm.provider.intime;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

import shm.api.ErrorReason;
import shm.api.MapOptions;
import shm.api.ShmException;
import shm.api.intime.IntimeTables;
import shm.api.ntx.NtxConstants;
import shm.api.spi.BackendCapabilities;
import shm.api.spi.BackendHandle;
import shm.api.spi.Descriptor;
import shm.api.spi.DescriptorTable;
import shm.api.spi.Directory;
import shm.api.spi.ObjectRef;
import shm.provider.win32.Win32Backend;

/**
 * What NTX adds to the INtime backend: the RT side as a Windows process may see it. The root process's object
 * directory is a read-only {@link Directory} (scope {@link IntimeTables#ROOT_DIRECTORY}; the value of a name is the
 * RTHANDLE, as {@code ntxExportRtHandle} gives it), the GDT is a read-only {@link DescriptorTable} whose
 * {@link DescriptorTable#get} imports an RTHANDLE ({@code ntxImportRtHandle} from the root process), and the refs of
 * those descriptors open RT memory with {@code ntxMapRtSharedMemoryEx}.
 *
 * <p>NTX caches mappings per segment (a second map returns the same pointer, the first unmap invalidates it); this
 * extension presents the SPI's independent handles over it: the first handle maps, the last close unmaps.
 */
class NtxExtension implements shm.provider.win32.VendorExtension {

    private final NtxApi ntx;
    private final String vendor;
    private final Map<Long, NtxMapping> mappings = new ConcurrentHashMap<>();
    private final java.util.Set<NtxMappedHandle> handles = ConcurrentHashMap.newKeySet();
    private volatile long root;

    NtxExtension(NtxApi ntx, String vendor) {
        this.ntx = ntx;
        this.vendor = vendor;
    }

    /** The root process's NTXHANDLE, asked once. */
    private long root() {
        long r = root;
        if (r == 0) {
            NtxApi.Result result = ntx.rootProcess();
            if (result.value() == NtxApi.BAD_NTXHANDLE) {
                throw failure(null, "ntxGetRootRtProcess", result.status());
            }
            root = r = result.value();
        }
        return r;
    }

    @Override
    public Optional<Directory> directory() {
        return Optional.of(new RootDirectory());
    }

    @Override
    public Optional<DescriptorTable> descriptors(String name, int capacity, int perProcessLimit) {
        return IntimeTables.GDT_TABLE.equals(name) ? Optional.of(new ImportedGdt()) : Optional.empty();
    }

    @Override
    public Optional<BackendHandle> openByRef(ObjectRef ref, MapOptions options) {
        long segment = ref.value() & ~Win32Backend.EXTENSION_REF_BIT;
        NtxMapping mapping = mappings.compute(segment, (k, existing) -> {
            if (existing != null && existing.retain()) {
                return existing;
            }
            NtxApi.Result size = ntx.size(segment);
            if (size.status() != NtxApi.E_OK) {
                throw failure(null, "ntxGetRtSize", size.status());
            }
            NtxApi.Result mapped = ntx.map(segment, NtxApi.NTX_MAP_WRITE | NtxApi.NTX_MAP_UNALIGNED);
            if (mapped.value() == 0) {
                throw failure(null, "ntxMapRtSharedMemoryEx", mapped.status());
            }
            return new NtxMapping(segment, mapped.value(), size.value());
        });
        NtxMappedHandle handle = new NtxMappedHandle(this, mapping, ref, options.access());
        handles.add(handle);
        return Optional.of(handle);
    }

    /** Drops a handle's use of a mapping; the last unmaps ({@code ntxUnmapRtSharedMemory}). */
    void release(NtxMappedHandle handle, NtxMapping mapping) {
        handles.remove(handle);
        mappings.compute(mapping.segment(), (k, current) -> {
            if (mapping.releaseLast()) {
                ntx.unmap(mapping.segment());
                return current == mapping ? null : current;
            }
            return current;
        });
    }

    /** The neutral reason of an NTX status, with the status in the message. */
    ShmException failure(String name, String function, int status) {
        ErrorReason reason = switch (status) {
            case NtxConstants.E_EXIST -> ErrorReason.NOT_FOUND;
            case NtxConstants.E_TYPE -> ErrorReason.WRONG_TYPE;
            case NtxConstants.E_STATE -> ErrorReason.WRONG_STATE;
            case NtxConstants.E_ALIGNMENT -> ErrorReason.ALIGNMENT;
            case NtxConstants.E_LOCATION -> ErrorReason.LOCATION;
            case NtxConstants.E_VMEM, 0x0002 -> ErrorReason.NO_MEMORY;
            default -> ErrorReason.INTERNAL;
        };
        return new ShmException(reason, name, function + " failed (ntxGetLastRtError 0x"
                + Integer.toHexString(status).toUpperCase(java.util.Locale.ROOT) + ")");
    }

    private ShmException readOnly(String name, String what) {
        return new ShmException(ErrorReason.LOCATION, name, "the intime backend (" + vendor + ") cannot " + what
                + " from a Windows process; the RT side does that (" + BackendCapabilities.DESCRIPTOR_TABLES + "="
                + BackendCapabilities.DESCRIPTOR_TABLES_IMPORT + ", " + BackendCapabilities.DIRECTORY + "="
                + BackendCapabilities.DIRECTORY_LOOKUP + ")");
    }

    /** Closes every handle on RT memory, which unmaps every mapping. */
    @Override
    public void close() {
        for (NtxMappedHandle h : java.util.List.copyOf(handles)) {
            h.close();
        }
    }

    /** The root process's object directory, looked up through {@code ntxLookupNtxHandle} without waiting. */
    private final class RootDirectory implements Directory {

        @Override
        public void bind(String scope, String name, long value) {
            throw readOnly(name, "catalog names");
        }

        @Override
        public OptionalLong lookup(String scope, String name) {
            if (!IntimeTables.ROOT_DIRECTORY.equals(scope)) {
                throw new ShmException(ErrorReason.LOCATION, name, "only the root process's directory ("
                        + IntimeTables.ROOT_DIRECTORY + ") is visible through NTX, not " + scope);
            }
            NtxApi.Result found = ntx.lookup(root(), name, 0);
            if (found.value() == NtxApi.BAD_NTXHANDLE) {
                return OptionalLong.empty();
            }
            return OptionalLong.of(found.value() & 0xFFFF);
        }

        @Override
        public boolean unbind(String scope, String name) {
            throw readOnly(name, "uncatalog names");
        }
    }

    /** The GDT as NTX lets a Windows process see it: an RTHANDLE becomes a descriptor through import. */
    private final class ImportedGdt implements DescriptorTable {

        @Override
        public String name() {
            return IntimeTables.GDT_TABLE;
        }

        @Override
        public int capacity() {
            return IntimeTables.MAX_GDT_SLOTS;
        }

        @Override
        public int perProcessLimit() {
            return IntimeTables.MAX_GDT_SLOTS;
        }

        @Override
        public Descriptor create(ObjectRef object, long offset, long size, long node) {
            throw readOnly(null, "create memory handles (CreateRtMemoryHandle runs in RT processes)");
        }

        /**
         * The descriptor of GDT slot {@code index}, as the SPI numbers descriptors: the memory handle of that slot
         * ({@link IntimeTables#memoryHandleOfSlot}) imported from the root process.
         */
        @Override
        public Optional<Descriptor> get(int index) {
            if (index < 0 || index >= IntimeTables.MAX_GDT_SLOTS) {
                return Optional.empty();
            }
            NtxApi.Result imported = ntx.importRtHandle(IntimeTables.memoryHandleOfSlot(index), root());
            if (imported.value() == NtxApi.BAD_NTXHANDLE) {
                return Optional.empty();
            }
            NtxApi.Result size = ntx.size(imported.value());
            if (size.status() != NtxApi.E_OK) {
                return Optional.empty();
            }
            return Optional.of(new Descriptor(index, new ObjectRef(Win32Backend.EXTENSION_REF_BIT
                    | imported.value()), 0, size.value(), 0, 0));
        }

        @Override
        public boolean delete(int index) {
            throw readOnly(null, "delete memory handles");
        }

        @Override
        public boolean deleteReleasingHold(Descriptor descriptor) {
            throw readOnly(null, "delete memory handles");
        }

        @Override
        public int used() {
            throw readOnly(null, "count the GDT's slots");
        }
    }

    /** Used to reinterpret the mapping for a handle. */
    static MemorySegment segmentOf(NtxMapping mapping, Arena arena) {
        return MemorySegment.ofAddress(mapping.address()).reinterpret(mapping.size(), arena, null);
    }
}
