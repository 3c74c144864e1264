package shm.personality.intime;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

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
 * its value. Closing deletes the slot and releases the owner's hold on the object in one step of the store
 * ({@link DescriptorTable#deleteReleasingHold}), so the object goes at once when that was its last handle; the owner,
 * finding the slot gone at its next call ({@link #reconcile()}), drops its view without releasing again
 * ({@link Held#forget()}). The one exception is the handle of an unnamed event, mutex or semaphore: its slot names the
 * page that stands for its process ({@link shm.api.intime.IntimeTables}), not the object, so the owner releases that
 * object itself at its next call or when it ends. The owner closes its own handles the same way, so a hold is
 * released exactly once whoever closes. Using another process's handle makes this process open the object for itself
 * ({@link #borrow}), held while the slot still names what it named. Not thread-safe on its own: the personality's
 * lock guards it, except {@link #stillNamed(Descriptor)}, which only reads the shared table, and
 * {@link #heldWithoutLock(long)}, which reads what the lock published.
 *
 * <p>It keeps the books (which handles are whose, and when they must be checked again) and leaves the rest to its
 * parts: the slots of the shared table and the closing of a handle to {@link Iwin32Slots}, lookups of its own handles
 * to an {@link Iwin32LookupCache}, the holds it borrows to {@link BorrowedIwin32Holds}, and the lines it parks and
 * restores to {@link KeptIwin32Handles}.
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

    private final DescriptorTable table;
    private final Predicate<Descriptor> standIn;
    private final Iwin32Slots slots;
    private final Map<Long, Held> own = new HashMap<>();
    /**
     * Advanced by every change of {@link #own} and every handle added to {@link #borrowed}: what both the lookup cache
     * and {@link #reconcile} must notice. Starts above 0, the version of a cache entry never filled.
     */
    private long changes = 1;
    /**
     * Lately looked-up handles of {@link #own}: an entry answers while {@link #changes} is the one it was filled at.
     */
    private final Iwin32LookupCache cache = new Iwin32LookupCache();
    private final BorrowedIwin32Holds borrowed = new BorrowedIwin32Holds();
    /**
     * The store's change count ({@link DescriptorTable#changeCount()}) and {@link #changes} when every handle here was
     * last found still held; {@code null} when not known. Volatile: {@link #heldWithoutLock} reads it without the lock.
     */
    private volatile Confirmed confirmed;

    /** Every handle here was found held at the store's change count {@code storeChange}, at {@code changes}. */
    private record Confirmed(long storeChange, long changes) {
    }

    /**
     * @param standIn tells whether a slot names the page that stands for a process rather than the object its handle
     *                holds (the handle of an unnamed event, mutex or semaphore)
     */
    Iwin32Handles(DescriptorTable table, Predicate<Descriptor> standIn) {
        this.table = table;
        this.standIn = standIn;
        this.slots = new Iwin32Slots(table, standIn);
    }

    /**
     * Runs {@code work}, an open or create of the backend and the {@link #register} of what it gave, as one step of
     * the store ({@link DescriptorTable#inOneStep}): a backend that locks its store for each call locks it once.
     */
    <T> T inOneStep(Supplier<T> work) {
        return table.inOneStep(work);
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
        changed();
        return value;
    }

    /** Every handle this process holds now, by value, with whether it opened the object itself; for operators. */
    java.util.SortedMap<Long, Held> all() {
        java.util.SortedMap<Long, Held> all = new java.util.TreeMap<>(borrowed.byValue());
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
        Held cached = cache.get(value, changes);
        if (cached != null) {
            return cached;
        }
        Held held = own.get(value);
        if (held != null) {
            cache.put(value, held, changes);
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
        Descriptor now = slots.slot(value).orElseThrow(() -> Iwin32Slots.notOpen(value));
        Held kept = borrowed.keptFor(value, now);
        if (kept != null) {
            return kept;
        }
        Held opened = open.apply(now);
        borrowed.add(value, opened);
        changed();
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
        changed();
        if (mine != null) {
            slots.closeOwn(mine);
            return;
        }
        Held kept = borrowed.remove(value);
        try {
            slots.closeForeign(value);
        } finally {
            if (kept != null) {
                kept.release().run(); // after the slot: a wait on it sees the slot gone first
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
        Confirmed known = confirmed;
        if (change != -1 && known != null && change == known.storeChange() && changes == known.changes()) {
            return; // nothing was committed in the store and no handle added here since all were found held
        }
        boolean allHeld = dropStale(own, borrowed.byValue());
        confirmed = allHeld && change != -1 ? new Confirmed(change, changes) : null;
    }

    /**
     * The hold of this process's own handle {@code value} when it can be answered without the personality's lock:
     * every handle here was found held ({@link #reconcile}) at the store's change count of now, nothing changed here
     * since, and the value was looked up under the lock since then. {@code null} otherwise: ask under the lock.
     * Thread-safe; allocates nothing. A handle closed (by this process) while the answer is used leaves its object
     * closed, so an operation on it fails with CLOSED, as it does on a handle closed just before the call.
     */
    Held heldWithoutLock(long value) {
        Confirmed known = confirmed;
        if (known == null || table.changeCount() != known.storeChange()) {
            return null;
        }
        return cache.get(value, known.changes());
    }

    /**
     * Notes a change of this process's handles: the cached lookups and the confirmation go, before any object of the
     * change is closed, parked or released (so no call without the lock finds it from then on).
     */
    private void changed() {
        changes++;
        confirmed = null;
    }

    /**
     * Whether the slot still holds this descriptor ({@link Iwin32Slots#stillNamed}: same object, region and
     * operating-system process). Thread-safe.
     */
    boolean stillNamed(Descriptor descriptor) {
        return slots.stillNamed(descriptor);
    }

    /** Closes every handle of this process and drops every borrowed hold, as INtime does when a process ends. */
    void closeAll() {
        List<Held> mine = List.copyOf(own.values());
        own.clear();
        changed();
        List<Held> kept = borrowed.takeAll();
        List<Runnable> releases = new ArrayList<>(mine.size() + kept.size());
        mine.forEach(held -> releases.add(() -> slots.closeOwn(held)));
        kept.forEach(held -> releases.add(held.release()));
        Failures.runAll(RuntimeException.class, releases); // every one tried, the first failure thrown
    }

    /**
     * Parks the holds of this process's handles in the store (shared memory with {@link BackendHandle#park()}; an
     * event, mutex or semaphore, named or not, with {@link ShmBackend#parkSync}, which keeps its state and a mutex's
     * owner) and answers one line per handle ("iwin32", value, kind, name, descriptor, and an event's, mutex's or
     * semaphore's reference) for {@link #restore}; borrowed holds are released (they are borrowed again on next use). A
     * handle that cannot be kept (a backend that cannot park) is closed, its slot deleted, and named in {@code lost}.
     */
    List<String> park(ShmBackend backend, List<String> lost) {
        changed(); // first: no call without the lock may use a hold from here on
        borrowed.releaseAllQuietly();
        dropStale(own); // a hold another process released is not there to park
        List<String> lines = new ArrayList<>();
        for (Map.Entry<Long, Held> entry : List.copyOf(own.entrySet())) {
            Held held = entry.getValue();
            String line = KeptIwin32Handles.park(backend, entry.getKey(), held, lost);
            if (line != null) {
                lines.add(line);
            } else {
                KeptLines.releaseQuietly(() -> slots.closeOwn(held));
            }
        }
        own.clear();
        changed();
        return lines;
    }

    /**
     * Brings back a handle {@link #park} wrote, if its slot still names what it named; {@code f} its fields. The
     * restored hold is closed as the original was ({@link KeptIwin32Handles.Line#reopen}).
     */
    void restore(ShmBackend backend, String[] f) {
        KeptIwin32Handles.Line line = KeptIwin32Handles.Line.read(f);
        if (!stillNamed(line.descriptor())) {
            return; // another process closed it meanwhile
        }
        own.put(line.value(), line.reopen(backend, standIn));
        changed();
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
                    changed(); // from own or borrowed: either way the cached lookups start again
                    (held.forget() != null ? held.forget() : held.release()).run();
                }
            }
        }
        return allHeld;
    }
}
