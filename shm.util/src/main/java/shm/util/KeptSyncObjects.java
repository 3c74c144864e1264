package shm.util;

import shm.api.NamedEvent;
import shm.api.NamedMutex;
import shm.api.NamedSemaphore;
import shm.api.ShmException;
import shm.api.spi.ObjectRef;
import shm.api.spi.ShmBackend;

/**
 * How a personality keeps its events, mutexes and semaphores, named or not, for its own next revision or the next
 * backend of its store: the hold is parked in the store ({@link ShmBackend#parkSync}, which leaves the object's state,
 * a mutex's owner included, as it is) and the object's reference ({@link ShmBackend#syncRef}) is written down; the
 * next revision opens it again by that reference inside {@link ShmBackend#reclaiming}, which takes the parked hold
 * back. A named object with reference 0
 * (what a revision that kept named objects only wrote) is opened by name, which finds the same object.
 */
public final class KeptSyncObjects {

    private KeptSyncObjects() {
    }

    /** {@code "event"}, {@code "mutex"} or {@code "semaphore"} for such an object; {@code null} for anything else. */
    public static String kind(Object object) {
        return switch (object) {
            case NamedEvent e -> "event";
            case NamedMutex m -> "mutex";
            case NamedSemaphore s -> "semaphore";
            default -> null;
        };
    }

    /** The object's name; {@code null} for an unnamed object or one that is not an event, mutex or semaphore. */
    public static String name(Object object) {
        return switch (object) {
            case NamedEvent e -> e.name().orElse(null);
            case NamedMutex m -> m.name().orElse(null);
            case NamedSemaphore s -> s.name().orElse(null);
            default -> null;
        };
    }

    /** Closes an event, mutex or semaphore (its handle's hold). */
    public static void close(Object object) {
        switch (object) {
            case NamedEvent e -> e.close();
            case NamedMutex m -> m.close();
            case NamedSemaphore s -> s.close();
            default -> throw new IllegalArgumentException("not an event, mutex or semaphore: " + object);
        }
    }

    /**
     * Parks the hold of {@code object}, an event, mutex or semaphore {@code backend} gave out, and answers its
     * reference for {@link #open}. Afterwards the object answers as closed.
     *
     * @throws ShmException naming why it cannot be kept: LOCATION when the backend has no references for these
     *                      objects, WRONG_STATE when it cannot park (the object is then still open)
     */
    public static ObjectRef park(ShmBackend backend, Object object) {
        ObjectRef ref = backend.syncRef(object);
        if (!backend.parkSync(object)) {
            throw new ShmException(shm.api.ErrorReason.WRONG_STATE, name(object), "the backend " + backend.type()
                    + " cannot park holds");
        }
        return ref;
    }

    /**
     * Opens again what {@link #park} kept: by reference, or by name for a named object whose reference was written as
     * 0. Called inside {@link ShmBackend#reclaiming}, the open takes the parked hold back; outside, it adds a hold.
     *
     * @param kind what {@link #kind} answered
     * @throws ShmException as the backend's open calls; NOT_FOUND when the parked hold expired
     */
    public static Object open(ShmBackend backend, String kind, long ref, String name) {
        ObjectRef byRef = new ObjectRef(ref);
        boolean byName = ref == 0 && name != null;
        return switch (kind) {
            case "event" -> byName ? backend.openEvent(name) : backend.openEventByRef(byRef);
            case "mutex" -> byName ? backend.openMutex(name) : backend.openMutexByRef(byRef);
            case "semaphore" -> byName ? backend.openSemaphore(name) : backend.openSemaphoreByRef(byRef);
            default -> throw new IllegalArgumentException("not an event, mutex or semaphore: " + kind);
        };
    }
}
