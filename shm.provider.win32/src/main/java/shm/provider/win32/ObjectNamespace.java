package shm.provider.win32;

import java.util.List;
import java.util.Optional;

import shm.api.ErrorReason;
import shm.api.ObjectInfo;
import shm.api.ObjectType;
import shm.api.ShmException;

/**
 * The vendor's one namespace for every object type, as seen from this process: which type holds a name (found by
 * opening it as each type in turn and closing at once), what a name no handle here holds is, and the refusal of a
 * failed create or open, naming the holder's type when another type holds the name.
 */
final class ObjectNamespace {

    private final Win32ObjectApi api;

    ObjectNamespace(Win32ObjectApi api) {
        this.api = api;
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

    /**
     * The object {@code name} names as the vendor sees it, with no holders (the vendor does not tell them): shared
     * memory with the size of its mapping, a sync object with none; empty when no type holds the name.
     */
    Optional<ObjectInfo> lookup(String name) {
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

    /** Which type holds {@code name}, found by opening it as each type in turn and closing at once. */
    private Optional<ObjectType> probe(String name) {
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
}
