package shm.personality.intime;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

import shm.api.ErrorReason;
import shm.api.MapOptions;
import shm.api.NamedEvent;
import shm.api.NamedMutex;
import shm.api.NamedSemaphore;
import shm.api.ShmException;
import shm.api.intime.IntimeTables;
import shm.api.spi.BackendHandle;
import shm.api.spi.Descriptor;
import shm.api.spi.DescriptorTable;
import shm.api.spi.ObjectRef;
import shm.api.spi.ShmBackend;
import shm.util.KeptSyncObjects;
import shm.util.Failures;

/**
 * The iwin32 handles of one INtime process, of every type, in the system-wide iwin32 table. A handle this process
 * opened holds one object (a backend handle, an event, a mutex or a semaphore: the object's count in this process) and
 * one slot of the table, whose number plus 0x10000 is the handle value. Another process may use or close a handle by
 * its value. Closing deletes the slot and releases the owner's hold on the object in one step of the store
 * ({@link DescriptorTable#deleteReleasingHold}), so the object goes at once when that was its last handle; the owner,
 * finding the slot gone at its next call ({@link #reconcile()}), drops its view without releasing again
 * ({@link Held#forget()}). The one exception is the handle of an unnamed event, mutex or semaphore: its slot names the
 * page that stands for its process ({@link shm.api.intime.IntimeTables}), not the object, so the owner releases that
 * object itself at its next call or when it ends. The owner closes its own handles the same way, so a hold is
 * released exactly once whoever closes. Using another process's handle makes this process open the object for itself
 * ({@link #borrow}), held while the slot still names what it named. Not thread-safe on its own: the personality's
 * lock guards it, except {@link #stillNamed(Descriptor)}, which only reads the shared table.
 */
final class Iwin32Handles {

    /**
     * An object a handle holds in this process.
     *
     * @param object     the event, mutex, semaphore or backend handle
     * @param release    releases this process's hold on it (closes it)
     * @param forget     closes it in this process without releasing the hold ({@link ShmBackend#forget(Object)}), for
     *                   a hold released with the slot; {@code null} when the slot does not name the object (an unnamed
     *                   event, mutex or semaphore) and for a borrowed hold
     * @param descriptor the slot that gives the handle its value
     */
    record Held(Object object, Runnable release, Runnable forget, Descriptor descriptor) {

        /** A hold whose slot does not name the object, or a borrowed one. */
        Held(Object object, Runnable release, Descriptor descriptor) {
            this(object, release, null, descriptor);
        }
    }

    /** How many times a close of another process's handle reads its slot again when the slot changed under it. */
    private static final int CLOSE_ATTEMPTS = 8;
    /** How many lookups of {@link #own} are cached (a power of two). */
    private static final int CACHED = 64;

    private final DescriptorTable table;
    private final Predicate<Descriptor> standIn;
    private final Map<Long, Held> own = new HashMap<>();
    /**
     * Advanced by every change of {@link #own} and every handle added to {@link #borrowed}: what both the lookup cache
     * and {@link #reconcile} must notice.
     */
    private long changes = 1;
    /**
     * Lately looked-up handles of {@link #own}, by value modulo {@value #CACHED}: an entry answers while
     * {@link #changes} is the one it was filled at. A signalling loop looks its handles up without boxing their values.
     */
    private final long[] cachedValues = new long[CACHED];
    private final long[] cachedVersions = new long[CACHED];
    private final Held[] cachedHelds = new Held[CACHED];
    private final Map<Long, Held> borrowed = new HashMap<>();
    /**
     * The store's change count ({@link DescriptorTable#changeCount()}) and {@link #changes} when every handle here was
     * last found still held; -1 when not known.
     */
    private long confirmedStoreChange = -1;
    private long confirmedChanges = -1;

    /**
     * @param standIn tells whether a slot names the page that stands for a process rather than the object its handle
     *                holds (the handle of an unnamed event, mutex or semaphore)
     */
    Iwin32Handles(DescriptorTable table, Predicate<Descriptor> standIn) {
        this.table = table;
        this.standIn = standIn;
    }

    /**
     * Gives {@code object} a new handle: a slot naming {@code size} bytes of the object {@code ref}. When the table
     * refuses (full: NO_SLOT; this process's limit: LIMIT), the object is released and the failure thrown.
     *
     * @return the handle value
     */
    long register(Object object, Runnable release, Runnable forget, ObjectRef ref, long size) {
        Descriptor descriptor;
        try {
            descriptor = table.create(ref, 0, size);
        } catch (RuntimeException e) {
            release.run();
            throw e;
        }
        long value = IntimeTables.iwin32HandleOfSlot(descriptor.index());
        own.put(value, new Held(object, release, forget, descriptor));
        changes++;
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
        return Optional.ofNullable(ownOrNull(value));
    }

    /** As {@link #own(long)}, {@code null} when not open; allocates nothing when the value was looked up lately. */
    Held ownOrNull(long value) {
        int entry = (int) (value ^ (value >>> 17)) & (CACHED - 1);
        if (cachedVersions[entry] == changes && cachedValues[entry] == value) {
            return cachedHelds[entry];
        }
        Held held = own.get(value);
        if (held != null) {
            cachedValues[entry] = value;
            cachedHelds[entry] = held;
            cachedVersions[entry] = changes;
        }
        return held;
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
        changes++;
        return opened;
    }

    /**
     * {@code CloseHandle}: a handle of this process is closed; a live handle of another process loses its slot and
     * that process's hold on the object goes with it (the owner forgets its view at its next call), and this process's
     * borrowed hold on it goes.
     *
     * @throws ShmException CLOSED (ERROR_INVALID_HANDLE) when the value is no open handle
     */
    void close(long value) {
        Held mine = own.remove(value);
        changes++;
        if (mine != null) {
            drop(mine);
            return;
        }
        Held kept = borrowed.remove(value);
        try {
            closeForeign(value);
        } finally {
            if (kept != null) {
                kept.release().run(); // after the slot: a wait on it sees the slot gone first
            }
        }
    }

    /** Deletes the slot of another process's handle, releasing that process's hold on the object the slot names. */
    private void closeForeign(long value) {
        for (int attempt = 0; attempt < CLOSE_ATTEMPTS; attempt++) {
            Descriptor now = slot(value).orElseThrow(() -> notOpen(value));
            if (standIn.test(now)) {
                table.delete(now.index()); // the owner releases the unnamed object itself
                return;
            }
            if (table.deleteReleasingHold(now)) {
                return;
            }
        }
        throw notOpen(value); // the slot kept changing: closed and reused by others meanwhile
    }

    /**
     * Closes a handle of this process: its slot and its hold go in one step when the slot names the object (when
     * another process closed the handle first, its hold is already gone and the view is only forgotten); a handle of
     * an unnamed event, mutex or semaphore deletes its slot, then releases its object.
     */
    private void drop(Held held) {
        if (held.forget() != null) {
            releaseOwnership(held.object());
            try {
                table.deleteReleasingHold(held.descriptor()); // false: another process closed it and released the hold
            } finally {
                held.forget().run();
            }
            return;
        }
        try {
            if (stillNamed(held.descriptor())) {
                table.delete(held.descriptor().index());
            }
        } finally {
            held.release().run();
        }
    }

    /**
     * What a close of a mutex handle does first, as the backend's own close does: the closing thread's ownership goes
     * with its handle (a mutex a thread still owns when another process closed the handle is abandoned at the thread's
     * end instead).
     */
    private static void releaseOwnership(Object object) {
        if (object instanceof NamedMutex mutex) {
            try {
                while (mutex.heldByCurrentThread()) {
                    mutex.release();
                }
            } catch (ShmException unreadable) {
                // a state block that cannot be read cannot be released; the handle still closes
            }
        }
    }

    /**
     * Releases the handles of this process that another process closed (their slot is gone or names something else),
     * and the borrowed holds whose slot no longer names what it named. Reads nothing more than the store's change count
     * when nothing was committed in the store and no handle was added here since every handle was last found held.
     */
    void reconcile() {
        long change = table.changeCount();
        if (change != -1 && change == confirmedStoreChange && changes == confirmedChanges) {
            return; // nothing was committed in the store and no handle added here since all were found held
        }
        boolean allHeld = dropStale(own, borrowed);
        confirmedStoreChange = allHeld ? change : -1;
        confirmedChanges = changes;
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
        changes++;
        borrowed.clear();
        RuntimeException first = null;
        for (Held held : mine) {
            try {
                drop(held);
            } catch (RuntimeException e) {
                first = Failures.keepFirst(first, e);
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
     * Parks the holds of this process's handles in the store (shared memory with {@link BackendHandle#park()}; an
     * event, mutex or semaphore, named or not, with {@link ShmBackend#parkSync}, which keeps its state and a mutex's
     * owner) and answers one line per handle ("iwin32", value, kind, name, descriptor, and an event's, mutex's or
     * semaphore's reference) for {@link #restore}; borrowed holds are released (they are borrowed again on next use). A
     * handle that cannot be kept (a backend that cannot park) is closed, its slot deleted, and named in {@code lost}.
     */
    List<String> park(ShmBackend backend, List<String> lost) {
        borrowed.values().forEach(held -> KeptLines.releaseQuietly(held.release()));
        borrowed.clear();
        dropStale(own); // a hold another process released is not there to park
        List<String> lines = new ArrayList<>();
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
                lines.add("iwin32 " + entry.getKey() + " " + kind + " " + shm.util.KeptState.field(name) + " "
                        + KeptLines.of(held.descriptor()) + (syncRef == 0 ? "" : " " + syncRef));
            } else {
                lost.add("iwin32 handle 0x" + Long.toHexString(entry.getKey()) + ": " + why);
                KeptLines.releaseQuietly(() -> drop(held));
            }
        }
        own.clear();
        changes++;
        return lines;
    }

    /**
     * Brings back a handle {@link #park} wrote, if its slot still names what it named; {@code f} its fields. The
     * restored hold is closed as the original was: when its slot names the object, the slot and the hold go together
     * and the view is forgotten; when its slot is the stand-in of an unnamed event, mutex or semaphore (naming the
     * process's own object), the object is released by itself, never through the slot, which would release a hold on
     * the process's object instead.
     */
    void restore(ShmBackend backend, String[] f) {
        long value = Long.parseLong(f[1]);
        String name = shm.util.KeptState.unfield(f[3]);
        Descriptor descriptor = KeptLines.descriptor(f, 4);
        if (!stillNamed(descriptor)) {
            return; // another process closed it meanwhile
        }
        Held held = switch (f[2]) {
            case "memory" -> {
                BackendHandle handle = backend.reclaiming(() -> backend.openByRef(descriptor.object(),
                        MapOptions.DEFAULT));
                yield new Held(handle, handle::close, handle::forget, descriptor);
            }
            default -> {
                int refField = 4 + KeptLines.DESCRIPTOR_FIELDS; // absent in lines of a revision before SPI 1.4
                long ref = f.length > refField ? Long.parseLong(f[refField]) : 0;
                Object object = backend.reclaiming(() -> KeptSyncObjects.open(backend, f[2], ref, name));
                Runnable release = () -> KeptSyncObjects.close(object);
                yield standIn.test(descriptor) ? new Held(object, release, descriptor)
                        : new Held(object, release, () -> backend.forget(object), descriptor);
            }
        };
        own.put(value, held);
        changes++;
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

    /**
     * Drops the holds whose slot no longer names what it named: a hold whose slot named its object was released with
     * the slot and is only forgotten; any other (a stand-in slot, a borrowed hold) is released.
     *
     * @return whether every slot still named what it named (nothing was dropped)
     */
    @SafeVarargs
    private boolean dropStale(Map<Long, Held>... maps) {
        List<Map<Long, Held>> from = new ArrayList<>();
        List<Long> values = new ArrayList<>();
        List<Held> helds = new ArrayList<>();
        List<Descriptor> descriptors = new ArrayList<>();
        for (Map<Long, Held> handles : maps) {
            for (Map.Entry<Long, Held> entry : handles.entrySet()) {
                from.add(handles);
                values.add(entry.getKey());
                helds.add(entry.getValue());
                descriptors.add(entry.getValue().descriptor());
            }
        }
        if (descriptors.isEmpty()) {
            return true;
        }
        // One read of the shared table for every handle (one lock of the mmap store), not one per handle: this runs
        // at every iwin32 call.
        boolean[] stillNamed = table.stillHeld(descriptors);
        boolean allHeld = true;
        for (int i = 0; i < stillNamed.length; i++) {
            Held held = helds.get(i);
            if (!stillNamed[i]) {
                allHeld = false;
                if (from.get(i).remove(values.get(i), held)) {
                    changes++; // from own or borrowed: either way the cached lookups start again
                    (held.forget() != null ? held.forget() : held.release()).run();
                }
            }
        }
        return allHeld;
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
