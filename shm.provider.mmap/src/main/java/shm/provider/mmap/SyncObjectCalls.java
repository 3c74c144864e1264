package shm.provider.mmap;

import shm.api.ErrorReason;
import shm.api.MapOptions;
import shm.api.NamedEvent;
import shm.api.NamedMutex;
import shm.api.NamedSemaphore;
import shm.api.ObjectType;
import shm.api.ShmException;
import shm.api.spi.ObjectRef;
import shm.provider.mmap.sync.SharedEvent;
import shm.provider.mmap.sync.SharedMutex;
import shm.provider.mmap.sync.SharedSemaphore;

/**
 * An {@link MmapBackend}'s calls on its events, mutexes and semaphores: their create-or-open and open, by name and by
 * reference ({@link ObjectOpens}, the primitive then attached by {@link SyncObjects}), and their reference, park and
 * forget, for objects this backend gave out only. Takes no lock itself: the opens, and the handle's park and forget,
 * take theirs, so the caller holds none (or only the backend's reentrant in-JVM lock).
 */
final class SyncObjectCalls {

    private final SyncObjects syncObjects;
    private final ObjectOpens opens;

    SyncObjectCalls(SyncObjects syncObjects, ObjectOpens opens) {
        this.syncObjects = syncObjects;
        this.opens = opens;
    }

    /** {@link MmapBackend#createOrOpenEvent}. */
    NamedEvent createOrOpenEvent(String name, boolean manualReset, boolean initiallySignaled) {
        return syncObjects.event(opens.createOrOpenTyped(ObjectType.EVENT, name, SharedEvent.requiredBytes(),
                segment -> SharedEvent.initialize(segment, manualReset, initiallySignaled)));
    }

    /** {@link MmapBackend#createOrOpenMutex}. */
    NamedMutex createOrOpenMutex(String name, boolean initiallyOwned) {
        // An initially owned mutex is owned from its first byte on: another process cannot take it between the
        // create and the owner's first acquire, since nobody opens the object before the table lock is released.
        return syncObjects.mutex(opens.createOrOpenTyped(ObjectType.MUTEX, name, SharedMutex.requiredBytes(),
                initiallyOwned ? syncObjects::initializeOwnedMutex : SharedMutex::initialize));
    }

    /** {@link MmapBackend#createOrOpenSemaphore}. */
    NamedSemaphore createOrOpenSemaphore(String name, long initialCount, long maximumCount) {
        if (maximumCount < 1 || initialCount < 0 || initialCount > maximumCount) {
            throw new ShmException(ErrorReason.INVALID_PARAMETER, name, "a semaphore needs 0 <= initial count <="
                    + " maximum count and a maximum of at least 1, got " + initialCount + " and " + maximumCount);
        }
        return syncObjects.semaphore(opens.createOrOpenTyped(ObjectType.SEMAPHORE, name,
                SharedSemaphore.requiredBytes(), segment -> SharedSemaphore.initialize(segment, initialCount,
                        maximumCount)));
    }

    /** Opens the event of this name. */
    NamedEvent openEvent(String name) {
        return syncObjects.event(opens.open(ObjectType.EVENT, name, MapOptions.DEFAULT));
    }

    /** Opens the mutex of this name. */
    NamedMutex openMutex(String name) {
        return syncObjects.mutex(opens.open(ObjectType.MUTEX, name, MapOptions.DEFAULT));
    }

    /** Opens the semaphore of this name. */
    NamedSemaphore openSemaphore(String name) {
        return syncObjects.semaphore(opens.open(ObjectType.SEMAPHORE, name, MapOptions.DEFAULT));
    }

    /** Opens the event {@code ref} names. */
    NamedEvent openEventByRef(ObjectRef ref) {
        return syncObjects.event(opens.openByRef(ref, ObjectType.EVENT, MapOptions.DEFAULT));
    }

    /** Opens the mutex {@code ref} names. */
    NamedMutex openMutexByRef(ObjectRef ref) {
        return syncObjects.mutex(opens.openByRef(ref, ObjectType.MUTEX, MapOptions.DEFAULT));
    }

    /** Opens the semaphore {@code ref} names. */
    NamedSemaphore openSemaphoreByRef(ObjectRef ref) {
        return syncObjects.semaphore(opens.openByRef(ref, ObjectType.SEMAPHORE, MapOptions.DEFAULT));
    }

    /** The reference of the object's own handle. */
    ObjectRef syncRef(Object syncObject) {
        return ours(syncObject).handle().ref();
    }

    /** Parks the object's own handle ({@link shm.api.spi.BackendHandle#park()}); a mutex's owner stays. */
    boolean parkSync(Object syncObject) {
        return ours(syncObject).handle().park();
    }

    /**
     * Forgets an event, mutex or semaphore of this backend with the handle whose mapping holds its state, or an mmap
     * handle (as {@link MmapHandle#forget()}); {@code false} for anything else.
     */
    boolean forget(Object object) {
        if (object instanceof MmapSyncObject sync && sync.origin() == syncObjects) {
            return sync.handle().forget();
        }
        return object instanceof MmapHandle handle && handle.forget();
    }

    private MmapSyncObject ours(Object syncObject) {
        if (!(syncObject instanceof MmapSyncObject object) || object.origin() != syncObjects) {
            throw new ShmException(ErrorReason.INVALID_PARAMETER, null, "not an event, mutex or semaphore of this"
                    + " backend: " + syncObject);
        }
        return object;
    }
}
