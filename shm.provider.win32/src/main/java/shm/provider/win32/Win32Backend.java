package shm.provider.win32;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Optional;

import shm.api.ErrorReason;
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
    private final Capabilities capabilities;
    private final VendorExtension extension;
    private final HandleRegistry registry = new HandleRegistry();
    private final ObjectNamespace namespace;
    private final Win32SharedMemory memory;
    private final Win32SyncObjects sync;
    private volatile boolean closed;

    /**
     * A backend over bound functions; it owns {@code api}'s libraries and unloads them on {@link #close()}.
     *
     * @param createMatchesSize whether the vendor's create of an existing name succeeds only with the same size (RTX
     *                          from a Windows process), so that the size asked is the object's; otherwise (iwin32
     *                          ignores the size) an existing object's size is learnt from its mapping
     */
    public Win32Backend(Win32ObjectApi api, Capabilities capabilities, VendorExtension extension,
                        boolean createMatchesSize) {
        this.api = api;
        this.capabilities = capabilities;
        this.extension = extension;
        this.namespace = new ObjectNamespace(api);
        this.memory = new Win32SharedMemory(api, capabilities, createMatchesSize, registry, namespace);
        this.sync = new Win32SyncObjects(api, registry, namespace);
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
        return memory.create(name, size, options);
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
        return memory.create(null, size, options);
    }

    @Override
    public BackendHandle open(ObjectType type, String name, MapOptions options) {
        checkOpen(name);
        requireName(name);
        if (type != ObjectType.SHARED_MEMORY) {
            return sync.openAsBackendHandle(type, name);
        }
        return memory.open(name, options);
    }

    @Override
    public BackendHandle openByRef(ObjectRef ref, MapOptions options) {
        checkOpen(null);
        if ((ref.value() & EXTENSION_REF_BIT) != 0) {
            return extension.openByRef(ref, options).orElseThrow(() -> new ShmException(ErrorReason.NOT_FOUND, null,
                    "no object has the reference " + Long.toHexString(ref.value())));
        }
        HandleRegistry.Entry entry = registry.entry(ref).orElseThrow(() -> new ShmException(ErrorReason.NOT_FOUND,
                null, "reference " + ref.value() + " names no object this process holds (" + capabilities.type()
                + " references do not cross processes: " + BackendCapabilities.CROSS_PROCESS_REFS + "=false)"));
        if (entry.name() != null) {
            return open(entry.type(), entry.name(), options);
        }
        if (entry.type() != ObjectType.SHARED_MEMORY || !entry.unnamed().retain()) {
            throw new ShmException(ErrorReason.NOT_FOUND, null, "the unnamed object of reference " + ref.value()
                    + " is gone");
        }
        return memory.openUnnamed(ref, entry.unnamed(), options);
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
        return namespace.lookup(name);
    }

    /** The named objects this process holds through this backend ({@link BackendCapabilities#ENUMERATION_PROCESS}). */
    @Override
    public List<ObjectInfo> list() {
        checkOpen(null);
        return registry.namedObjects();
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
        for (AutoCloseable h : registry.handles()) {
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
