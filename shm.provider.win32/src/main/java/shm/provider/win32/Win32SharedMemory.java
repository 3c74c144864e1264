package shm.provider.win32;

import java.lang.foreign.ValueLayout;
import java.util.Optional;

import shm.api.ErrorReason;
import shm.api.MapOptions;
import shm.api.ObjectType;
import shm.api.ShmException;
import shm.api.spi.BackendHandle;
import shm.api.spi.ObjectRef;

/**
 * Creates and opens the vendor's shared memory for {@link Win32Backend} and gives each mapping out as a tracked
 * {@link VendorMemoryHandle}: a create of an existing name opens it whatever the size asked, and an object's size is
 * the size asked or, when the vendor does not hold to it, its mapping's.
 */
final class Win32SharedMemory {

    private final Win32ObjectApi api;
    private final Capabilities capabilities;
    private final boolean createMatchesSize;
    private final HandleRegistry registry;
    private final ObjectNamespace namespace;

    /**
     * Shared memory over {@code api}, its handles tracked in {@code registry}.
     *
     * @param createMatchesSize whether the vendor's create of an existing name succeeds only with the same size, as
     *                          the {@link Win32Backend} constructor describes it
     */
    Win32SharedMemory(Win32ObjectApi api, Capabilities capabilities, boolean createMatchesSize,
                      HandleRegistry registry, ObjectNamespace namespace) {
        this.api = api;
        this.capabilities = capabilities;
        this.createMatchesSize = createMatchesSize;
        this.registry = registry;
        this.namespace = namespace;
    }

    /** Creates the object {@code name} names ({@code null}: an unnamed one), or opens it when it exists. */
    BackendHandle create(String name, long size, MapOptions options) {
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
            throw namespace.refusal("RtCreateSharedMemory", ObjectType.SHARED_MEMORY, name, r);
        }
        boolean existed = r.lastError() == Win32Errors.ALREADY_EXISTS;
        return handle(name, r, existed && !createMatchesSize ? api.regionSize(r.out()) : size, existed, options);
    }

    /** Opens the existing object {@code name} names. */
    BackendHandle open(String name, MapOptions options) {
        NativeResult r = api.openSharedMemory(Protect.access(options), name);
        if (r.failed()) {
            throw namespace.refusal("RtOpenSharedMemory", ObjectType.SHARED_MEMORY, name, r);
        }
        return opened(name, r, options);
    }

    /**
     * Another handle on an unnamed object, sharing its vendor handle (no vendor call can reopen it); the caller has
     * {@link NativeObject#retain() retained} {@code object} for it.
     */
    BackendHandle openUnnamed(ObjectRef ref, NativeObject object, MapOptions options) {
        return registry.track(new VendorMemoryHandle(registry, object, ref, true,
                registry.logicalSize(ref, object.size), options.access()));
    }

    private Optional<BackendHandle> tryOpen(String name, MapOptions options) {
        NativeResult r = api.openSharedMemory(Protect.access(options), name);
        return r.failed() ? Optional.empty() : Optional.of(opened(name, r, options));
    }

    private BackendHandle opened(String name, NativeResult r, MapOptions options) {
        return handle(name, r, api.regionSize(r.out()), true, options);
    }

    /**
     * The handle of the object the vendor call {@code r} created or opened, {@code size} bytes; a size of 0 or less
     * (VirtualQuery could not tell it) closes the vendor handle and fails.
     */
    private BackendHandle handle(String name, NativeResult r, long size, boolean existed, MapOptions options) {
        if (size <= 0) {
            api.closeHandle(r.value());
            throw new ShmException(ErrorReason.INTERNAL, name, "VirtualQuery does not know the mapping the vendor"
                    + " returned, so its size is unknown; the handle was closed");
        }
        NativeObject object = new NativeObject(api, ObjectType.SHARED_MEMORY, name, r.value(), r.out(), size);
        return handle(object, existed, options);
    }

    private BackendHandle handle(NativeObject object, boolean existed, MapOptions options) {
        ObjectRef ref = registry.refOf(object);
        long logical = registry.logicalSize(ref, object.size);
        VendorMemoryHandle handle = new VendorMemoryHandle(registry, object, ref, existed, logical, options.access());
        if (options.prefault()) {
            prefault(handle);
        }
        return registry.track(handle);
    }

    private static void prefault(VendorMemoryHandle handle) {
        var segment = handle.segment();
        for (long offset = 0; offset < segment.byteSize(); offset += Protect.PAGE) {
            segment.get(ValueLayout.JAVA_BYTE, offset);
        }
    }
}
