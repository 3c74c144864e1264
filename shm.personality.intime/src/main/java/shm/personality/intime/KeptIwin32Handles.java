package shm.personality.intime;

import java.util.List;
import java.util.function.Predicate;

import shm.api.MapOptions;
import shm.api.NamedEvent;
import shm.api.NamedMutex;
import shm.api.NamedSemaphore;
import shm.api.ShmException;
import shm.api.spi.BackendHandle;
import shm.api.spi.Descriptor;
import shm.api.spi.ShmBackend;
import shm.util.KeptState;
import shm.util.KeptSyncObjects;

/**
 * How the hold of one of a process's own iwin32 handles is kept while the process waits ({@link Iwin32Handles#park})
 * and brought back ({@link Iwin32Handles#restore}): parked in the store and written as one line ("iwin32", value, kind,
 * name, descriptor, and an event's, mutex's or semaphore's reference), then opened again from that line. Holds no
 * state.
 */
final class KeptIwin32Handles {

    private KeptIwin32Handles() {
    }

    /**
     * Parks the hold of this process's handle {@code value} in the store (shared memory with
     * {@link BackendHandle#park()}; an event, mutex or semaphore, named or not, with {@link ShmBackend#parkSync}, which
     * keeps its state and a mutex's owner) and answers its line. A hold that cannot be kept (a backend that cannot park)
     * is named in {@code lost} and {@code null} answered: the caller closes it.
     */
    static String park(ShmBackend backend, long value, Iwin32Handles.Held held, List<String> lost) {
        String kind = kind(held.object());
        String name = switch (held.object()) {
            case BackendHandle h -> h.name();
            case NamedEvent e -> e.name().orElse(null);
            case NamedMutex m -> m.name().orElse(null);
            case NamedSemaphore s -> s.name().orElse(null);
            default -> null;
        };
        String why = null;
        long syncRef = 0;
        if (held.object() instanceof BackendHandle h) {
            why = KeptLines.park(h) ? null : "the backend cannot park";
        } else {
            try {
                syncRef = KeptSyncObjects.park(backend, held.object()).value();
            } catch (ShmException e) {
                why = e.getMessage();
            }
        }
        if (why == null) {
            return "iwin32 " + value + " " + kind + " " + KeptState.field(name) + " " + KeptLines.of(held.descriptor())
                    + (syncRef == 0 ? "" : " " + syncRef);
        }
        lost.add("iwin32 handle 0x" + Long.toHexString(value) + ": " + why);
        return null;
    }

    /**
     * A line {@link #park} wrote, read back.
     *
     * @param value      the handle value
     * @param name       the object's name; {@code null} for an unnamed one
     * @param descriptor the slot that gave the handle its value
     * @param fields     the line's fields
     */
    record Line(long value, String name, Descriptor descriptor, String[] fields) {

        /** Reads the value, name and slot of the line whose fields are {@code f}. */
        static Line read(String[] f) {
            long value = Long.parseLong(f[1]);
            String name = KeptState.unfield(f[3]);
            Descriptor descriptor = KeptLines.descriptor(f, 4);
            return new Line(value, name, descriptor, f);
        }

        /**
         * Opens the object again, taking the parked hold over. The hold is closed as the original was: when its slot
         * names the object, the slot and the hold go together and the view is forgotten; when its slot is the stand-in
         * of an unnamed event, mutex or semaphore (naming the process's own object; {@code standIn} tells), the object
         * is released by itself, never through the slot, which would release a hold on the process's object instead.
         */
        Iwin32Handles.Held reopen(ShmBackend backend, Predicate<Descriptor> standIn) {
            return switch (fields[2]) {
                case "memory" -> {
                    BackendHandle handle = backend.reclaiming(() -> backend.openByRef(descriptor.object(),
                            MapOptions.DEFAULT));
                    yield new Iwin32Handles.Held(handle, handle::close, handle::forget, descriptor);
                }
                default -> {
                    int refField = 4 + KeptLines.DESCRIPTOR_FIELDS; // absent in lines of a revision before SPI 1.4
                    long ref = fields.length > refField ? Long.parseLong(fields[refField]) : 0;
                    Object object = backend.reclaiming(() -> KeptSyncObjects.open(backend, fields[2], ref, name));
                    Runnable release = () -> KeptSyncObjects.close(object);
                    yield standIn.test(descriptor) ? new Iwin32Handles.Held(object, release, descriptor)
                            : new Iwin32Handles.Held(object, release, () -> backend.forget(object), descriptor);
                }
            };
        }
    }

    private static String kind(Object object) {
        return switch (object) {
            case BackendHandle h -> "memory";
            case NamedEvent e -> "event";
            case NamedMutex m -> "mutex";
            default -> "semaphore";
        };
    }
}
