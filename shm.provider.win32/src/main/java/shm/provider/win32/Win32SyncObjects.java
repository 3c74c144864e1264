package shm.provider.win32;

import java.lang.foreign.MemorySegment;

import shm.api.ErrorReason;
import shm.api.MapOptions;
import shm.api.NamedEvent;
import shm.api.NamedMutex;
import shm.api.NamedSemaphore;
import shm.api.ObjectType;
import shm.api.ShmException;
import shm.api.spi.BackendHandle;
import shm.api.spi.ObjectRef;

/**
 * Creates and opens the vendor's events, mutexes and semaphores for {@link Win32Backend}, and wraps one as a
 * {@link BackendHandle} when the SPI's type-neutral create asks for a sync object (it has no memory).
 */
final class Win32SyncObjects {

    private final Win32ObjectApi api;
    private final HandleRegistry registry;
    private final ObjectNamespace namespace;

    Win32SyncObjects(Win32ObjectApi api, HandleRegistry registry, ObjectNamespace namespace) {
        this.api = api;
        this.registry = registry;
        this.namespace = namespace;
    }

    NamedEvent createEvent(String name, boolean manualReset, boolean initiallySignaled) {
        checkName(name);
        NativeResult r = api.createEvent(manualReset, initiallySignaled, name);
        if (r.failed()) {
            throw namespace.refusal("RtCreateEvent", ObjectType.EVENT, name, r);
        }
        return track(new VendorEvent(api, registry, object(ObjectType.EVENT, name, r), existed(r), manualReset));
    }

    NamedEvent openEvent(String name) {
        NativeResult r = api.openEvent(name);
        if (r.failed()) {
            throw namespace.refusal("RtOpenEvent", ObjectType.EVENT, name, r);
        }
        return track(new VendorEvent(api, registry, object(ObjectType.EVENT, name, r), true, false));
    }

    NamedMutex createMutex(String name, boolean initiallyOwned) {
        checkName(name);
        NativeResult r = api.createMutex(initiallyOwned, name);
        if (r.failed()) {
            throw namespace.refusal("RtCreateMutex", ObjectType.MUTEX, name, r);
        }
        boolean existed = existed(r);
        return track(new VendorMutex(api, registry, object(ObjectType.MUTEX, name, r), existed,
                initiallyOwned && !existed));
    }

    NamedMutex openMutex(String name) {
        NativeResult r = api.openMutex(name);
        if (r.failed()) {
            throw namespace.refusal("RtOpenMutex", ObjectType.MUTEX, name, r);
        }
        return track(new VendorMutex(api, registry, object(ObjectType.MUTEX, name, r), true, false));
    }

    NamedSemaphore createSemaphore(String name, long initialCount, long maximumCount) {
        checkName(name);
        if (maximumCount < 1 || maximumCount > Integer.MAX_VALUE || initialCount < 0 || initialCount > maximumCount) {
            throw new ShmException(ErrorReason.INVALID_PARAMETER, name, "a semaphore needs 1 <= maximum <= 2147483647"
                    + " (a LONG) and 0 <= initial <= maximum, not initial " + initialCount + ", maximum "
                    + maximumCount);
        }
        NativeResult r = api.createSemaphore((int) initialCount, (int) maximumCount, name);
        if (r.failed()) {
            throw namespace.refusal("RtCreateSemaphore", ObjectType.SEMAPHORE, name, r);
        }
        return track(new VendorSemaphore(api, registry, object(ObjectType.SEMAPHORE, name, r), existed(r),
                maximumCount));
    }

    NamedSemaphore openSemaphore(String name) {
        NativeResult r = api.openSemaphore(name);
        if (r.failed()) {
            throw namespace.refusal("RtOpenSemaphore", ObjectType.SEMAPHORE, name, r);
        }
        return track(new VendorSemaphore(api, registry, object(ObjectType.SEMAPHORE, name, r), true,
                Integer.MAX_VALUE));
    }

    /** The SPI's type-neutral create of a sync object: non-signaled auto-reset event, free mutex, semaphore 0 of 1. */
    BackendHandle asBackendHandle(ObjectType type, String name, long size, MapOptions options) {
        VendorSyncHandle handle = (VendorSyncHandle) switch (type) {
            case EVENT -> createEvent(name, false, false);
            case MUTEX -> createMutex(name, false);
            case SEMAPHORE -> createSemaphore(name, 0, 1);
            case SHARED_MEMORY -> throw new IllegalArgumentException("shared memory is not a sync object");
        };
        return new SyncBackendHandle(type, handle);
    }

    BackendHandle openAsBackendHandle(ObjectType type, String name) {
        VendorSyncHandle handle = (VendorSyncHandle) switch (type) {
            case EVENT -> openEvent(name);
            case MUTEX -> openMutex(name);
            case SEMAPHORE -> openSemaphore(name);
            case SHARED_MEMORY -> throw new IllegalArgumentException("shared memory is not a sync object");
        };
        return new SyncBackendHandle(type, handle);
    }

    private static void checkName(String name) {
        if (name != null && name.isEmpty()) {
            throw new ShmException(ErrorReason.INVALID_NAME, name, "a name must not be empty (null for unnamed)");
        }
    }

    private NativeObject object(ObjectType type, String name, NativeResult r) {
        return new NativeObject(api, type, name, r.value(), 0, 0);
    }

    private static boolean existed(NativeResult r) {
        return r.lastError() == Win32Errors.ALREADY_EXISTS;
    }

    private <T extends VendorSyncHandle> T track(T handle) {
        return registry.track(handle);
    }

    /** A sync object seen through the type-neutral SPI: identity and close, no memory. */
    private record SyncBackendHandle(ObjectType type, VendorSyncHandle sync) implements BackendHandle {

        @Override
        public String name() {
            return sync.object.name;
        }

        @Override
        public ObjectRef ref() {
            return new ObjectRef(sync.object.handle);
        }

        @Override
        public boolean alreadyExisted() {
            return sync.alreadyExisted();
        }

        @Override
        public long reservedSize() {
            return 0;
        }

        @Override
        public long byteSize() {
            return 0;
        }

        @Override
        public MemorySegment segment() {
            throw new ShmException(ErrorReason.WRONG_TYPE, name(), "a " + type + " has no memory to map");
        }

        @Override
        public void shrinkLogicalSize(long newLogicalSize) {
            throw new ShmException(ErrorReason.WRONG_TYPE, name(), "a " + type + " has no size");
        }

        @Override
        public boolean isOpen() {
            return sync.isOpen();
        }

        @Override
        public void close() {
            sync.close();
        }
    }
}
