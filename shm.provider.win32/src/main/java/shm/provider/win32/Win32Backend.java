package shm.provider.win32;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import shm.api.ErrorReason;
import shm.api.HolderInfo;
import shm.api.MapOptions;
import shm.api.ObjectInfo;
import shm.api.ObjectType;
import shm.api.ShmException;
import shm.api.spi.BackendCapabilities;
import shm.api.spi.BackendHandle;
import shm.api.spi.DescriptorTable;
import shm.api.spi.Directory;
import shm.api.spi.ObjectRef;
import shm.api.spi.PoolUsage;
import shm.api.spi.ShmBackend;

/**
 * The backend SPI over a vendor's Win32-style object functions (RTX64 / wRTOS RTAPI, INtime iwin32x), presenting the
 * SPI's neutral semantics whatever the vendor does: a create of an existing shared-memory name opens it whatever the
 * size asked (RTX from a Windows process fails such a create with ERROR_INVALID_PARAMETER; this backend then opens
 * it), a name held by another type is refused naming the holder's type, and the last close destroys (the vendor
 * counts handles). What the vendor cannot do (pools, descriptor tables and a directory without an extension,
 * enumeration of other processes' objects) is published in {@link Capabilities} and refused with
 * {@link ErrorReason#LOCATION}.
 *
 * <p>{@link ObjectRef}s are this process's: named objects reopen by name, unnamed ones share the vendor handle.
 * Thread-safe; {@link #close()} closes every handle given out and then unloads the libraries.
 */
public final class Win32Backend implements ShmBackend, AutoCloseable {

    /** Set on the refs of an extension (NTX); the refs of this class stay below it. */
    public static final long EXTENSION_REF_BIT = 1L << 48;

    private final Win32ObjectApi api;
    private final boolean createMatchesSize;
    private final Capabilities capabilities;
    private final VendorExtension extension;
    private final Win32SyncObjects sync;
    private final AtomicLong nextRef = new AtomicLong(1);
    private final Map<Long, RefEntry> refs = new ConcurrentHashMap<>();
    private final Map<String, Long> namedRefs = new ConcurrentHashMap<>();
    private final Map<Long, Long> logicalSizes = new ConcurrentHashMap<>();
    private final Set<AutoCloseable> handles = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private record RefEntry(ObjectType type, String name, NativeObject unnamed) {
    }

    /**
     * A backend over bound functions; it owns {@code api}'s libraries and unloads them on {@link #close()}.
     *
     * @param createMatchesSize whether the vendor's create of an existing name succeeds only with the same size (RTX
     *                          from a Windows process), so that the size asked is the object's; otherwise (iwin32
     *                          ignores the size) an existing object's size is learnt from its mapping
     */
    public Win32Backend(Win32ObjectApi api, Capabilities capabilities, VendorExtension extension,
                        boolean createMatchesSize) {
        this.createMatchesSize = createMatchesSize;
        this.api = api;
        this.capabilities = capabilities;
        this.extension = extension;
        this.sync = new Win32SyncObjects(this);
    }

    Win32ObjectApi api() {
        return api;
    }

    /** What this backend can do, as published. */
    public Capabilities capabilities() {
        return capabilities;
    }

    @Override
    public String type() {
        return capabilities.type();
    }

    @Override
    public BackendHandle createOrOpen(ObjectType type, String name, long size, MapOptions options) {
        return createOrOpen(type, name, size, options, null);
    }

    @Override
    public BackendHandle createOrOpen(ObjectType type, String name, long size, MapOptions options, String pool) {
        checkOpen(name);
        requireName(name);
        noPool(name, pool);
        if (type != ObjectType.SHARED_MEMORY) {
            return sync.asBackendHandle(type, name, size, options);
        }
        return create(name, size, options);
    }

    @Override
    public BackendHandle createUnnamed(ObjectType type, long size, MapOptions options) {
        return createUnnamed(type, size, options, null);
    }

    @Override
    public BackendHandle createUnnamed(ObjectType type, long size, MapOptions options, String pool) {
        checkOpen(null);
        noPool(null, pool);
        if (type != ObjectType.SHARED_MEMORY) {
            return sync.asBackendHandle(type, null, size, options);
        }
        return create(null, size, options);
    }

    private BackendHandle create(String name, long size, MapOptions options) {
        if (size < 1 || size > capabilities.maxObjectSize()) {
            throw new ShmException(ErrorReason.INVALID_PARAMETER, name, "the size must be between 1 and "
                    + capabilities.maxObjectSize() + " bytes for " + capabilities.vendor() + ", not " + size);
        }
        NativeResult r = api.createSharedMemory(Protect.READ_WRITE, size, name);
        if (r.failed()) {
            if (name != null && r.lastError() == Win32Errors.INVALID_PARAMETER) {
                // RTX from a Windows process refuses another size for an existing object: the neutral contract
                // opens it (the existing size wins). A missing object leaves the vendor's refusal as it was.
                Optional<BackendHandle> existing = tryOpen(name, options);
                if (existing.isPresent()) {
                    return existing.get();
                }
            }
            throw refusal("RtCreateSharedMemory", ObjectType.SHARED_MEMORY, name, r);
        }
        boolean existed = r.lastError() == Win32Errors.ALREADY_EXISTS;
        long objectSize = existed && !createMatchesSize ? api.regionSize(r.out()) : size;
        if (objectSize <= 0) {
            api.closeHandle(r.value());
            throw new ShmException(ErrorReason.INTERNAL, name, "VirtualQuery does not know the mapping the vendor"
                    + " returned, so its size is unknown; the handle was closed");
        }
        NativeObject object = new NativeObject(api, ObjectType.SHARED_MEMORY, name, r.value(), r.out(), objectSize);
        return handle(object, existed, options);
    }

    @Override
    public BackendHandle open(ObjectType type, String name, MapOptions options) {
        checkOpen(name);
        requireName(name);
        if (type != ObjectType.SHARED_MEMORY) {
            return sync.openAsBackendHandle(type, name);
        }
        NativeResult r = api.openSharedMemory(Protect.access(options), name);
        if (r.failed()) {
            throw refusal("RtOpenSharedMemory", ObjectType.SHARED_MEMORY, name, r);
        }
        return opened(name, r, options);
    }

    private Optional<BackendHandle> tryOpen(String name, MapOptions options) {
        NativeResult r = api.openSharedMemory(Protect.access(options), name);
        return r.failed() ? Optional.empty() : Optional.of(opened(name, r, options));
    }

    private BackendHandle opened(String name, NativeResult r, MapOptions options) {
        long size = api.regionSize(r.out());
        if (size <= 0) {
            api.closeHandle(r.value());
            throw new ShmException(ErrorReason.INTERNAL, name, "VirtualQuery does not know the mapping the vendor"
                    + " returned, so its size is unknown; the handle was closed");
        }
        NativeObject object = new NativeObject(api, ObjectType.SHARED_MEMORY, name, r.value(), r.out(), size);
        return handle(object, true, options);
    }

    private BackendHandle handle(NativeObject object, boolean existed, MapOptions options) {
        ObjectRef ref = refOf(object);
        long logical = Math.min(logicalSizes.getOrDefault(ref.value(), object.size), object.size);
        VendorMemoryHandle handle = new VendorMemoryHandle(this, object, ref, existed, logical, options.access());
        if (options.prefault()) {
            prefault(handle);
        }
        handles.add(handle);
        return handle;
    }

    private static void prefault(VendorMemoryHandle handle) {
        var segment = handle.segment();
        for (long offset = 0; offset < segment.byteSize(); offset += Protect.PAGE) {
            segment.get(java.lang.foreign.ValueLayout.JAVA_BYTE, offset);
        }
    }

    private ObjectRef refOf(NativeObject object) {
        if (object.name == null) {
            long ref = nextRef.getAndIncrement();
            refs.put(ref, new RefEntry(object.type, null, object));
            return new ObjectRef(ref);
        }
        long ref = namedRefs.computeIfAbsent(object.type + "/" + object.name, k -> {
            long r = nextRef.getAndIncrement();
            refs.put(r, new RefEntry(object.type, object.name, null));
            return r;
        });
        return new ObjectRef(ref);
    }

    @Override
    public BackendHandle openByRef(ObjectRef ref, MapOptions options) {
        checkOpen(null);
        if ((ref.value() & EXTENSION_REF_BIT) != 0) {
            return extension.openByRef(ref, options).orElseThrow(() -> new ShmException(ErrorReason.NOT_FOUND, null,
                    "no object has the reference " + Long.toHexString(ref.value())));
        }
        RefEntry entry = refs.get(ref.value());
        if (entry == null) {
            throw new ShmException(ErrorReason.NOT_FOUND, null, "reference " + ref.value() + " names no object this"
                    + " process holds (" + capabilities.type() + " references do not cross processes: "
                    + BackendCapabilities.CROSS_PROCESS_REFS + "=false)");
        }
        if (entry.name() != null) {
            return open(entry.type(), entry.name(), options);
        }
        if (entry.type() != ObjectType.SHARED_MEMORY || !entry.unnamed().retain()) {
            throw new ShmException(ErrorReason.NOT_FOUND, null, "the unnamed object of reference " + ref.value()
                    + " is gone");
        }
        NativeObject object = entry.unnamed();
        VendorMemoryHandle handle = new VendorMemoryHandle(this, object, ref, true,
                Math.min(logicalSizes.getOrDefault(ref.value(), object.size), object.size), options.access());
        handles.add(handle);
        return handle;
    }

    long logicalSize(ObjectRef ref, long reserved) {
        return Math.min(logicalSizes.getOrDefault(ref.value(), reserved), reserved);
    }

    void shrink(ObjectRef ref, long size) {
        logicalSizes.merge(ref.value(), size, Math::min);
    }

    /** Called by a handle when it closes: forgets it, and its object's ref when no handle of it is left here. */
    void forget(AutoCloseable handle) {
        handles.remove(handle);
        NativeObject object = handle instanceof VendorMemoryHandle m ? m.object()
                : handle instanceof VendorSyncHandle s ? s.object : null;
        if (object == null) {
            return;
        }
        boolean stillHeld = handles.stream().anyMatch(h -> objectOf(h) == object
                || (object.name != null && objectOf(h) != null && object.name.equals(objectOf(h).name)
                && objectOf(h).type == object.type));
        if (!stillHeld) {
            refs.entrySet().removeIf(e -> {
                boolean mine = object.name == null ? e.getValue().unnamed() == object
                        : object.name.equals(e.getValue().name()) && e.getValue().type() == object.type;
                if (mine) {
                    logicalSizes.remove(e.getKey());
                }
                return mine;
            });
            if (object.name != null) {
                namedRefs.remove(object.type + "/" + object.name);
            }
        }
    }

    private static NativeObject objectOf(AutoCloseable h) {
        return h instanceof VendorMemoryHandle m ? m.object() : h instanceof VendorSyncHandle s ? s.object : null;
    }

    void track(VendorSyncHandle handle) {
        handles.add(handle);
    }

    /** The refusal of a failed create or open, naming the holder's type when the name is taken by another type. */
    ShmException refusal(String function, ObjectType type, String name, NativeResult r) {
        ErrorReason reason = Win32Errors.reason(r.lastError());
        if (reason == ErrorReason.NAME_USED_BY_OTHER_TYPE && name != null) {
            Optional<ObjectType> holder = probe(name).filter(t -> t != type);
            if (holder.isPresent()) {
                return new ShmException(reason, name, "the name is held by a " + holder.get()
                        + " (one namespace for every type); " + function + " left "
                        + Win32Errors.describe(r.lastError()));
            }
            reason = ErrorReason.INTERNAL;
        }
        return new ShmException(reason, name, function + " refused the " + type + " ("
                + Win32Errors.describe(r.lastError()) + ")");
    }

    /** Which type holds {@code name}, found by opening it as each type in turn and closing at once. */
    Optional<ObjectType> probe(String name) {
        for (ObjectType t : ObjectType.values()) {
            NativeResult r = switch (t) {
                case SHARED_MEMORY -> api.openSharedMemory(Protect.SHM_MAP_READ, name);
                case EVENT -> api.openEvent(name);
                case MUTEX -> api.openMutex(name);
                case SEMAPHORE -> api.openSemaphore(name);
            };
            if (!r.failed()) {
                api.closeHandle(r.value());
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    @Override
    public void setPoolLimit(String pool, long limitBytes) {
        checkOpen(pool);
        throw unsupported(pool, "memory pools", BackendCapabilities.POOLS + "=false");
    }

    @Override
    public Optional<PoolUsage> poolUsage(String pool) {
        checkOpen(pool);
        return Optional.empty();
    }

    @Override
    public DescriptorTable descriptors(String name, int capacity, int perProcessLimit) {
        checkOpen(name);
        return extension.descriptors(name, capacity, perProcessLimit).orElseThrow(() -> unsupported(name,
                "descriptor tables", BackendCapabilities.DESCRIPTOR_TABLES + "="
                        + capabilities.descriptorTables()));
    }

    @Override
    public Directory directory() {
        checkOpen(null);
        return extension.directory().orElseThrow(() -> unsupported(null, "a directory of names",
                BackendCapabilities.DIRECTORY + "=" + capabilities.directory()));
    }

    private ShmException unsupported(String name, String what, String capability) {
        return new ShmException(ErrorReason.LOCATION, name, "the " + capabilities.type() + " backend ("
                + capabilities.vendor() + ") offers no " + what + " to a Windows process (" + capability + ")");
    }

    private void noPool(String name, String pool) {
        if (pool != null) {
            throw unsupported(name, "memory pools", BackendCapabilities.POOLS + "=false");
        }
    }

    @Override
    public Optional<ObjectInfo> lookup(String name) {
        checkOpen(name);
        requireName(name);
        Optional<ObjectInfo> held = list().stream().filter(i -> name.equals(i.name())).findFirst();
        if (held.isPresent()) {
            return held;
        }
        return probe(name).map(type -> type == ObjectType.SHARED_MEMORY ? memoryInfo(name)
                : new ObjectInfo(name, type, 0, 0, List.of()));
    }

    private ObjectInfo memoryInfo(String name) {
        NativeResult r = api.openSharedMemory(Protect.SHM_MAP_READ, name);
        if (r.failed()) {
            return new ObjectInfo(name, ObjectType.SHARED_MEMORY, 0, 0, List.of());
        }
        try {
            long size = Math.max(api.regionSize(r.out()), 0);
            return new ObjectInfo(name, ObjectType.SHARED_MEMORY, size, size, List.of());
        } finally {
            api.closeHandle(r.value());
        }
    }

    /** The named objects this process holds through this backend ({@link BackendCapabilities#ENUMERATION_PROCESS}). */
    @Override
    public List<ObjectInfo> list() {
        checkOpen(null);
        Map<String, List<AutoCloseable>> byName = new java.util.TreeMap<>();
        for (AutoCloseable h : handles) {
            NativeObject o = objectOf(h);
            if (o != null && o.name != null) {
                byName.computeIfAbsent(o.name, k -> new ArrayList<>()).add(h);
            }
        }
        List<ObjectInfo> out = new ArrayList<>();
        long pid = ProcessHandle.current().pid();
        byName.forEach((name, held) -> {
            NativeObject o = objectOf(held.getFirst());
            long logical = o.type == ObjectType.SHARED_MEMORY ? held.stream()
                    .mapToLong(h -> ((VendorMemoryHandle) h).byteSize()).min().orElse(o.size) : 0;
            long reserved = o.type == ObjectType.SHARED_MEMORY ? o.size : 0;
            out.add(new ObjectInfo(name, o.type, reserved, Math.min(logical, reserved),
                    List.of(new HolderInfo(pid, held.size()))));
        });
        out.sort(Comparator.comparing(ObjectInfo::name));
        return out;
    }

    /** The vendor closes a dead process's handles itself: nothing to do here. */
    @Override
    public List<Long> reapDeadProcesses() {
        checkOpen(null);
        return List.of();
    }

    // ---- SyncObjectService -------------------------------------------------------------------------------------

    @Override
    public shm.api.NamedEvent createOrOpenEvent(String name, boolean manualReset, boolean initiallySignaled) {
        checkOpen(name);
        return sync.createEvent(name, manualReset, initiallySignaled);
    }

    @Override
    public shm.api.NamedEvent openEvent(String name) {
        checkOpen(name);
        requireName(name);
        return sync.openEvent(name);
    }

    @Override
    public shm.api.NamedMutex createOrOpenMutex(String name, boolean initiallyOwned) {
        checkOpen(name);
        return sync.createMutex(name, initiallyOwned);
    }

    @Override
    public shm.api.NamedMutex openMutex(String name) {
        checkOpen(name);
        requireName(name);
        return sync.openMutex(name);
    }

    @Override
    public shm.api.NamedSemaphore createOrOpenSemaphore(String name, long initialCount, long maximumCount) {
        checkOpen(name);
        return sync.createSemaphore(name, initialCount, maximumCount);
    }

    @Override
    public shm.api.NamedSemaphore openSemaphore(String name) {
        checkOpen(name);
        requireName(name);
        return sync.openSemaphore(name);
    }

    // ---- lifetime -------------------------------------------------------------------------------------------------

    private void checkOpen(String name) {
        if (closed) {
            throw new ShmException(ErrorReason.CLOSED, name, "the " + capabilities.type() + " backend is closed");
        }
    }

    private static void requireName(String name) {
        if (name == null || name.isEmpty()) {
            throw new ShmException(ErrorReason.INVALID_NAME, name, "a name must not be empty");
        }
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Closes every handle this backend gave out, then unloads the vendor and system libraries. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (AutoCloseable h : List.copyOf(handles)) {
            try {
                h.close();
            } catch (Exception e) {
                System.getLogger(Win32Backend.class.getName()).log(Level.WARNING, "closing a handle of the "
                        + capabilities.type() + " backend failed: " + e);
            }
        }
        extension.close();
        api.close();
    }
}
