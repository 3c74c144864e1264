package shm.personality.rtx;

import java.lang.foreign.MemorySegment;

import shm.api.MapOptions;
import shm.api.NamedEvent;
import shm.api.NamedMutex;
import shm.api.NamedSemaphore;
import shm.api.ShmException;
import shm.api.spi.BackendHandle;
import shm.api.spi.ObjectRef;
import shm.api.spi.ShmBackend;
import shm.util.KeptState;
import shm.util.KeptSyncObjects;

/**
 * One line of the handle table that an RTX "process" writes into the store when it suspends ({@link
 * HandleTable#parkAll}) and its next revision reads back ({@link HandleTable#restore}):
 * {@code VALUE FAMILY KIND REF SIZE NAME}, the handle value, its API family, {@code memory}, {@code event},
 * {@code mutex} or {@code semaphore}, the object's reference (0 for a named event, mutex or semaphore found by name),
 * the location's size (-1 for none) and the name as a {@link KeptState#field}.
 */
final class KeptHandleLines {

    private KeptHandleLines() {
    }

    /**
     * Parks the hold of the handle {@code value} names ({@code open}) in the store and answers its line.
     *
     * @throws ShmException or IllegalStateException naming why it cannot be kept
     */
    static String park(long value, HandleTable.OpenHandle open) {
        long ref = parkHold(open);
        long size = open.location() == null ? -1 : open.location().byteSize();
        return value + " " + open.family() + " " + kind(open.resource()) + " " + ref + " " + size + " "
                + KeptState.field(nameOf(open.resource()));
    }

    /**
     * The handle a line's fields {@code f} describe, its object opened again on {@code backend} (of the same store) by
     * reference, or a named event, mutex or semaphore written with reference 0 by name: which takes its parked hold
     * over.
     *
     * @throws RuntimeException when the object is gone (its parked hold expired) or cannot be opened
     */
    static HandleTable.OpenHandle reopen(String[] f, ShmBackend backend) {
        String name = KeptState.unfield(f[5]);
        long size = Long.parseLong(f[4]);
        Object resource = backend.reclaiming(() -> f[2].equals("memory")
                ? backend.openByRef(new ObjectRef(Long.parseLong(f[3])), MapOptions.DEFAULT)
                : KeptSyncObjects.open(backend, f[2], Long.parseLong(f[3]), name));
        MemorySegment location = resource instanceof BackendHandle h && size >= 0
                ? h.segment().asSlice(0, Math.min(size, h.segment().byteSize())) : null;
        return new HandleTable.OpenHandle(resource, location, ApiFamily.valueOf(f[1]), backend);
    }

    /**
     * Parks one handle's hold and answers the object's reference for {@link #reopen} (0 for a named event, mutex or
     * semaphore whose left backend could not say it: it is found by name).
     *
     * @throws ShmException or IllegalStateException naming why it cannot be kept
     */
    private static long parkHold(HandleTable.OpenHandle open) {
        Object resource = open.resource();
        if (resource instanceof BackendHandle h) {
            if (!open.isParked() && !h.park()) {
                throw new IllegalStateException("the backend " + open.owner().type() + " cannot park holds");
            }
            return h.ref().value(); // or its backend left and parked it already
        }
        if (!open.isParked()) {
            return KeptSyncObjects.park(open.owner(), resource).value();
        }
        ObjectRef ref = open.syncRef();
        if (ref == null && nameOf(resource) == null) {
            throw new IllegalStateException("an unnamed " + kind(resource) + " whose backend left without saying its"
                    + " reference cannot be found again by the next revision");
        }
        return ref == null ? 0 : ref.value();
    }

    /** The kind a line names: memory, event, mutex or semaphore. */
    static String kind(Object resource) {
        return switch (resource) {
            case BackendHandle h -> "memory";
            case NamedEvent e -> "event";
            case NamedMutex m -> "mutex";
            case NamedSemaphore s -> "semaphore";
            default -> throw new IllegalStateException("not an RTX object: " + resource);
        };
    }

    private static String nameOf(Object resource) {
        return switch (resource) {
            case BackendHandle h -> h.name();
            case NamedEvent e -> e.name().orElse(null);
            case NamedMutex m -> m.name().orElse(null);
            case NamedSemaphore s -> s.name().orElse(null);
            default -> null;
        };
    }
}
