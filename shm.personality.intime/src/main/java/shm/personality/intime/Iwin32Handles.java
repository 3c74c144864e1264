package shm.personality.intime;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import shm.api.ErrorReason;
import shm.api.MapOptions;
import shm.api.NamedEvent;
import shm.api.NamedMutex;
import shm.api.NamedSemaphore;
import shm.api.ObjectType;
import shm.api.ShmException;
import shm.api.intime.IntimeTables;
import shm.api.spi.BackendHandle;
import shm.api.spi.Descriptor;
import shm.api.spi.DescriptorTable;
import shm.api.spi.ObjectRef;
import shm.api.spi.ShmBackend;
import shm.util.Failures;

/**
 * The iwin32 handles of one INtime process, of every type, in the system-wide iwin32 table. A handle this process
 * opened holds one object (a backend handle, an event, a mutex or a semaphore: the object's count in this process) and
 * one slot of the table, whose number plus 0x10000 is the handle value. Another process may use or close a handle by
 * its value: closing deletes the slot, and the owner releases its object at its next call ({@link #reconcile()}) or
 * when it ends; using it makes this process open the object for itself ({@link #borrow}), held while the slot still
 * names what it named. Not thread-safe on its own: the personality's lock guards it, except
 * {@link #stillNamed(Descriptor)}, which only reads the shared table.
 */
final class Iwin32Handles {

    /**
     * An object a handle holds in this process.
     *
     * @param object     the event, mutex, semaphore or backend handle
     * @param release    releases this process's hold on it (closes it)
     * @param descriptor the slot that gives the handle its value
     */
    record Held(Object object, Runnable release, Descriptor descriptor) {
    }

    private final DescriptorTable table;
    private final Map<Long, Held> own = new HashMap<>();
    private final Map<Long, Held> borrowed = new HashMap<>();

    Iwin32Handles(DescriptorTable table) {
        this.table = table;
    }

    /**
     * Gives {@code object} a new handle: a slot naming {@code size} bytes of the object {@code ref}. When the table
     * refuses (full: NO_SLOT; this process's limit: LIMIT), the object is released and the failure thrown.
     *
     * @return the handle value
     */
    long register(Object object, Runnable release, ObjectRef ref, long size) {
        Descriptor descriptor;
        try {
            descriptor = table.create(ref, 0, size);
        } catch (RuntimeException e) {
            release.run();
            throw e;
        }
        long value = IntimeTables.iwin32HandleOfSlot(descriptor.index());
        own.put(value, new Held(object, release, descriptor));
        return value;
    }

    /** Every handle this process holds now, by value, with whether it opened the object itself; for operators. */
    java.util.SortedMap<Long, Held> all() {
        java.util.SortedMap<Long, Held> all = new java.util.TreeMap<>(borrowed);
        all.putAll(own);
        return all;
    }

    /** Whether the handle value is one this process opened (not one of another process it uses). */
    boolean isOwn(long value) {
        return own.containsKey(value);
    }

    /** The handle this process opened with this value, if it is still open. */
    Optional<Held> own(long value) {
        return Optional.ofNullable(own.get(value));
    }

    /**
     * What a handle of another process names, opened for this process: the object opened earlier while the slot still
     * names the same object, otherwise the one {@code open} makes now from the slot's descriptor.
     *
     * @throws ShmException CLOSED when the value is not an open handle; whatever {@code open} throws
     */
    Held borrow(long value, Function<Descriptor, Held> open) {
        Descriptor now = slot(value).orElseThrow(() -> notOpen(value));
        Held kept = borrowed.get(value);
        if (kept != null) {
            if (kept.descriptor().equals(now)) {
                return kept;
            }
            borrowed.remove(value);
            kept.release().run();
        }
        Held opened = open.apply(now);
        borrowed.put(value, opened);
        return opened;
    }

    /**
     * {@code CloseHandle}: a handle of this process is closed; a live handle of another process loses its slot (that
     * process releases it) and this process's borrowed hold on it goes.
     *
     * @throws ShmException CLOSED (ERROR_INVALID_HANDLE) when the value is no open handle
     */
    void close(long value) {
        Held mine = own.remove(value);
        if (mine != null) {
            try {
                if (stillNamed(mine.descriptor())) {
                    table.delete(mine.descriptor().index());
                }
            } finally {
                mine.release().run();
            }
            return;
        }
        Held kept = borrowed.remove(value);
        try {
            table.delete(slot(value).orElseThrow(() -> notOpen(value)).index());
        } finally {
            if (kept != null) {
                kept.release().run(); // after the slot: a wait on it sees the slot gone first
            }
        }
    }

    /**
     * Releases the handles of this process that another process closed (their slot is gone or names something else),
     * and the borrowed holds whose slot no longer names what it named.
     */
    void reconcile() {
        dropStale(own);
        dropStale(borrowed);
    }

    /**
     * Whether the slot still holds this descriptor (same object, region and operating-system process); another INtime
     * process of this JVM that closed the handle and got an identical descriptor in the same slot cannot be told
     * apart. Thread-safe.
     */
    boolean stillNamed(Descriptor descriptor) {
        return table.get(descriptor.index()).filter(descriptor::equals).isPresent();
    }

    /** Closes every handle of this process and drops every borrowed hold, as INtime does when a process ends. */
    void closeAll() {
        List<Held> mine = List.copyOf(own.values());
        List<Held> kept = List.copyOf(borrowed.values());
        own.clear();
        borrowed.clear();
        RuntimeException first = null;
        for (Held held : mine) {
            try {
                if (stillNamed(held.descriptor())) {
                    table.delete(held.descriptor().index());
                }
            } catch (RuntimeException e) {
                first = Failures.keepFirst(first, e);
            } finally {
                first = releaseQuietly(held, first);
            }
        }
        for (Held held : kept) {
            first = releaseQuietly(held, first);
        }
        if (first != null) {
            throw first;
        }
    }

    /**
     * Parks the holds of this process's handles in the store (shared memory with {@link BackendHandle#park()}; a named
     * event, mutex or semaphore by parking a second hold opened by name on {@code backend} before closing the first)
     * and answers one line per handle ("iwin32", value, kind, name, descriptor) for {@link #restore}; borrowed holds
     * are released (they are borrowed again on next use). A handle that cannot be kept (an unnamed event, mutex or
     * semaphore; a backend that cannot park) is closed, its slot deleted, and named in {@code lost}.
     */
    List<String> park(ShmBackend backend, List<String> lost) {
        borrowed.values().forEach(held -> KeptLines.releaseQuietly(held.release()));
        borrowed.clear();
        List<String> lines = new java.util.ArrayList<>();
        for (Map.Entry<Long, Held> entry : List.copyOf(own.entrySet())) {
            Held held = entry.getValue();
            String kind = kind(held.object());
            String name = switch (held.object()) {
                case BackendHandle h -> h.name();
                case NamedEvent e -> e.name().orElse(null);
                case NamedMutex m -> m.name().orElse(null);
                case NamedSemaphore s -> s.name().orElse(null);
                default -> null;
            };
            String why = parkOne(backend, held, kind, name);
            if (why == null) {
                lines.add("iwin32 " + entry.getKey() + " " + kind + " " + shm.util.KeptState.field(name) + " "
                        + KeptLines.of(held.descriptor()));
            } else {
                lost.add("iwin32 handle 0x" + Long.toHexString(entry.getKey()) + ": " + why);
                KeptLines.releaseQuietly(() -> {
                    if (stillNamed(held.descriptor())) {
                        table.delete(held.descriptor().index());
                    }
                });
                KeptLines.releaseQuietly(held.release());
            }
        }
        own.clear();
        return lines;
    }

    /** Brings back a handle {@link #park} wrote, if its slot still names what it named; {@code f} its fields. */
    void restore(ShmBackend backend, String[] f) {
        long value = Long.parseLong(f[1]);
        String name = shm.util.KeptState.unfield(f[3]);
        Descriptor descriptor = KeptLines.descriptor(f, 4);
        if (!stillNamed(descriptor)) {
            return; // another process closed it meanwhile
        }
        Held held = switch (f[2]) {
            case "memory" -> {
                BackendHandle handle = backend.openByRef(descriptor.object(), MapOptions.DEFAULT);
                yield new Held(handle, handle::close, descriptor);
            }
            case "event" -> {
                NamedEvent event = backend.openEvent(name);
                yield new Held(event, event::close, descriptor);
            }
            case "mutex" -> {
                NamedMutex mutex = backend.openMutex(name);
                yield new Held(mutex, mutex::close, descriptor);
            }
            default -> {
                NamedSemaphore semaphore = backend.openSemaphore(name);
                yield new Held(semaphore, semaphore::close, descriptor);
            }
        };
        own.put(value, held);
    }

    private static String parkOne(ShmBackend backend, Held held, String kind, String name) {
        if (held.object() instanceof BackendHandle h) {
            return KeptLines.park(h) ? null : "the backend cannot park";
        }
        if (name == null) {
            return "an unnamed " + kind + " cannot be found again";
        }
        ObjectType type = switch (kind) {
            case "event" -> ObjectType.EVENT;
            case "mutex" -> ObjectType.MUTEX;
            default -> ObjectType.SEMAPHORE;
        };
        BackendHandle second;
        try {
            second = backend.open(type, name, MapOptions.DEFAULT);
        } catch (ShmException e) {
            return "cannot be opened again to park it: " + e.getMessage();
        }
        if (!KeptLines.park(second)) {
            second.close();
            return "the backend cannot park";
        }
        held.release().run();
        return null;
    }

    private static String kind(Object object) {
        return switch (object) {
            case BackendHandle h -> "memory";
            case NamedEvent e -> "event";
            case NamedMutex m -> "mutex";
            default -> "semaphore";
        };
    }

    /** The live slot an iwin32 handle value names, of any process. */
    private Optional<Descriptor> slot(long value) {
        int slot = IntimeTables.slotOfIwin32Handle(value);
        if (slot < 0 || slot >= table.capacity()) {
            return Optional.empty();
        }
        return table.get(slot);
    }

    private void dropStale(Map<Long, Held> handles) {
        for (Map.Entry<Long, Held> entry : List.copyOf(handles.entrySet())) {
            if (!stillNamed(entry.getValue().descriptor()) && handles.remove(entry.getKey(), entry.getValue())) {
                entry.getValue().release().run();
            }
        }
    }

    private static RuntimeException releaseQuietly(Held held, RuntimeException first) {
        try {
            held.release().run();
            return first;
        } catch (RuntimeException e) {
            return Failures.keepFirst(first, e);
        }
    }


    private static ShmException notOpen(long value) {
        return IntimeErrors.win32(ErrorReason.CLOSED, null, "0x" + Long.toHexString(value)
                + " is not an open iwin32 handle");
    }
}
