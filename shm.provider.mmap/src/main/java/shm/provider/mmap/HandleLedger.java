package shm.provider.mmap;

import java.time.Duration;
import java.util.function.Supplier;

import shm.api.Access;
import shm.api.ErrorReason;
import shm.api.MapOptions;
import shm.api.ObjectType;
import shm.api.ShmException;
import shm.api.spi.DescriptorTable;

/**
 * The handles an {@link MmapBackend} gave out and the holds of this process behind them: a further handle of an object
 * held here (its own mapping, or a share of an open handle's mapping and holds), and the close, park and forget of one
 * handle, each keeping {@link HeldObjects}, the {@link OpenObject}s and the object table in step; also the shrink of a
 * handle's logical size in the table. Parked holds are kept in this instance's parked slot of the table (see
 * {@link ParkedHolds}) for {@link #parkDeadline()}.
 *
 * <p>Every method runs under the backend's in-JVM lock ({@link BackendLock}), which it takes itself where its caller
 * may not hold it; the table's file lock is taken where the table is written.
 */
final class HandleLedger {

    private static final System.Logger LOG = System.getLogger(MmapBackend.class.getName());

    private final BackendLock guard;
    private final ObjectTable table;
    private final ObjectLifecycle objects;
    /** The objects this backend holds handles to. Guarded by {@link #guard}. */
    private final HeldObjects held = new HeldObjects();
    /** Mappings of objects whose last handle here closed ({@link KeptMappings}); those of objects gone are dropped. */
    private final KeptMappings kept;
    /** Bound while a parked handle's successor opens ({@link #reclaiming}): its opens take parked holds back. */
    private final ScopedValue<Boolean> reclaiming = ScopedValue.newInstance();
    /** How long parked holds are kept, in milliseconds; 0: this backend does not park. */
    private volatile long parkMillis;
    /** The parked slot this instance parks in and its deadline; -1 before the first park. Guarded by {@link #guard}. */
    private int parkingSlot = -1;
    private long parkingDeadline;

    HandleLedger(BackendLock guard, ObjectTable table, ObjectLifecycle objects, KeptMappings kept) {
        this.guard = guard;
        this.table = table;
        this.objects = objects;
        this.kept = kept;
    }

    /** Runs {@code opens} so that each open it makes takes back a hold this process parked on the object. */
    <T> T reclaiming(Supplier<T> opens) {
        return ScopedValue.where(reclaiming, Boolean.TRUE).call(opens::get);
    }

    /** Whether the calling thread opens inside {@link #reclaiming}. */
    boolean reclaims() {
        return reclaiming.isBound();
    }

    /** Lets this backend park holds for {@code deadline}; zero turns parking off. */
    void parkHoldsFor(Duration deadline) {
        parkMillis = Math.max(0, deadline.toMillis());
    }

    /** How long parked holds are kept; zero when this backend does not park. */
    Duration parkDeadline() {
        return Duration.ofMillis(parkMillis);
    }

    /** Keeps the object of a handle this backend gave out, to be closed with the backend; returns the handle. */
    MmapHandle register(MmapHandle handle) {
        return held.add(handle);
    }

    /** Whether no handle of this backend is open; under the in-JVM lock. */
    boolean isEmpty() {
        return held.isEmpty();
    }

    /**
     * Opens {@code fileName} by joining a handle open here, when the options ask to share a mapping
     * ({@link MapOptions#shareMapping()}): a view of that handle's mapping and a share of the holds here
     * ({@link OpenObject#joinHandle}). No system call and no table write: the table is only read, to see that the
     * object still lives. {@code null} when the open must take the ordinary way: not asked, inside {@link #reclaiming}
     * (a successor takes a parked hold back), nothing held here under that name or no hold left, no mapping with the
     * access and size asked for; also when the backend is closed (the ordinary way says so). Pages to lock or touch
     * are locked or touched as by an ordinary open.
     *
     * @throws ShmException NAME_USED_BY_OTHER_TYPE when the object held here is of another type
     */
    MmapHandle joinHeld(ObjectType type, String fileName, String name, MapOptions options) {
        if (!options.shareMapping() || reclaims()) {
            return null;
        }
        guard.lock();
        try {
            OpenObject object = guard.isClosed() ? null : held.byFileName(fileName);
            if (object == null || object.holds() == 0) {
                return null;
            }
            int slot = object.slot();
            long ref = object.ref().value();
            long logicalSize = table.readNumberUnlocked(t -> t.objects().liveLogicalSize(slot, ref));
            if (logicalSize < 0) {
                return null;
            }
            if (object.type() != type) {
                throw otherType(name, object.type(), type);
            }
            ObjectMapping mapping = object.joinableMapping(options.access() == Access.READ_WRITE, logicalSize);
            if (mapping == null) {
                return null;
            }
            objects.lockAndTouch(mapping, fileName, name, options);   // no system call unless pages must be locked
            return object.joinHandle(mapping, logicalSize, options);
        } finally {
            guard.unlock();
        }
    }

    /**
     * Opens the live object in {@code slot}: a further handle when this backend holds it, with a mapping of its own
     * (mapped from what the backend recorded, no table entry built) or, when the options ask to share a mapping
     * ({@link MapOptions#shareMapping()}), the mapping of an open handle; else the object's first handle here. Either
     * way one more hold of this process in the table, or, inside {@link #reclaiming}, a hold this process parked taken
     * back: so a swap's successors of handles that shared a mapping share it again. Under both locks.
     */
    MmapHandle openSlot(int slot, String fileName, ObjectType type, String name, MapOptions options) {
        OpenObject object = held.byRef(table.objects().refOf(slot));
        if (object == null || object.slot() != slot) {
            return register(objects.openExisting(slot, fileName, type, name, options));
        }
        if (object.type() != type) {
            throw otherType(name, object.type(), type);
        }
        boolean writable = options.access() == Access.READ_WRITE;
        long logicalSize = table.objects().logicalSizeOf(slot);
        ObjectMapping shared = options.shareMapping() ? object.joinableMapping(writable, logicalSize) : null;
        ObjectMapping mapping = shared != null ? shared : objects.mapAgain(object, writable);
        MmapHandle handle;
        try {
            objects.lockAndTouch(mapping, fileName, name, options);
            handle = object.newHandle(mapping, logicalSize, options, true);
        } catch (RuntimeException e) {
            if (shared == null) {
                mapping.discard();
            }
            throw e;
        }
        try {
            table.objects().openHandle(slot, reclaims());
        } catch (RuntimeException e) {
            object.releaseFailed(handle);
            throw e;
        }
        object.holdAdded();
        return handle;
    }

    /**
     * Releases one handle: unmaps its mapping (when it was its last user), then releases a hold in the table when the
     * holds here would outnumber the handles left (the last hold in any process unlinks the object). The close of a
     * handle that shares the holds here ({@link MapOptions#shareMapping()}) while others remain writes nothing.
     */
    void release(MmapHandle handle) {
        guard.lock();
        try {
            OpenObject object = handle.object();
            if (!held.holdsOpen(handle)) {
                return;
            }
            boolean holdFreed;
            try {
                holdFreed = object.release(handle);
            } catch (IllegalStateException inUse) {
                throw mappingInUse(handle, inUse);
            }
            if (object.isEmpty()) {
                held.remove(object);
            }
            if (!holdFreed) {
                return; // the holds here still back the handles left: nothing to write to the table
            }
            try {
                table.locked(() -> {
                    table.objects().closeHandle(handle.slot(), handle.ref().value(), object.fileName());
                    dropKeptOfObjectsGone(); // this close's own object too, when it was its last hold anywhere
                    return null;
                });
            } catch (ShmException unusableTable) {
                if (unusableTable.reason() != ErrorReason.INCOMPATIBLE_STORE) {
                    throw unusableTable;
                }
                // The handle is closed and its mapping gone; only the table's count could not be lowered. A close
                // always succeeds: the store check's repair recounts the holds.
                LOG.log(System.Logger.Level.WARNING, "closed '" + handle.name() + "', but the store could not record"
                        + " it: " + unusableTable.getMessage());
            }
        } finally {
            guard.unlock();
        }
    }

    /** Unmaps the kept mappings of objects that no longer live; under both locks. */
    void dropKeptOfObjectsGone() {
        kept.dropGone(ref -> table.objects().slotOf(ref) >= 0);
    }

    /** Releases every handle of this backend, each failure kept in {@code failure}; under the in-JVM lock. */
    void releaseAll(FirstFailure failure) {
        for (OpenObject object : held.all()) {
            for (MmapHandle handle : object.handles()) {
                failure.run(() -> release(handle));
            }
        }
    }

    /**
     * Forgets one handle: unmaps it and drops it from this backend, leaving the table alone (another process released
     * its hold, see {@link DescriptorTable#deleteReleasingHold}).
     *
     * @return {@code false} when the handle was not open in this backend
     * @throws ShmException WRONG_STATE when a native call uses the mapping (nothing changed)
     */
    boolean forget(MmapHandle handle) {
        guard.lock();
        try {
            OpenObject object = handle.object();
            if (!held.holdsOpen(handle)) {
                return false;
            }
            try {
                object.forget(handle);
            } catch (IllegalStateException inUse) {
                throw mappingInUse(handle, inUse);
            }
            if (object.isEmpty()) {
                held.remove(object);
            }
            return true;
        } finally {
            guard.unlock();
        }
    }

    /**
     * Lowers the logical size recorded in the object table for an open handle's object; under both locks, which it
     * takes itself.
     */
    void shrinkLogicalSize(MmapHandle handle, long newLogicalSize) {
        guard.locked(handle.name(), () -> {
            if (!handle.isOpen()) {
                throw new ShmException(ErrorReason.CLOSED, handle.name(), "the handle is closed");
            }
            TableEntry entry = table.objects().entry(handle.slot());
            if (newLogicalSize < 1 || newLogicalSize > entry.logicalSize()) {
                throw new ShmException(ErrorReason.INVALID_PARAMETER, handle.name(), "the logical size can only shrink,"
                        + " to between 1 and " + entry.logicalSize() + " bytes; " + newLogicalSize + " was asked");
            }
            table.objects().setLogicalSize(handle.slot(), newLogicalSize);
            return null;
        });
    }

    /**
     * Parks the hold of every handle of this backend (a handle that cannot be parked is logged; the backend's close
     * releases it); under the in-JVM lock, before the backend is closed.
     *
     * @return how many holds were parked
     */
    int parkAll() {
        int count = 0;
        if (guard.isClosed() || parkMillis == 0) {
            return count;
        }
        for (OpenObject object : held.all()) {
            for (MmapHandle handle : object.handles()) {
                try {
                    count += park(handle) ? 1 : 0;
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.ERROR, "cannot park " + handle + "; it is released", e);
                }
            }
        }
        return count;
    }

    /**
     * Parks one handle's hold: moves it to this instance's parked slot, so that the object outlives every other close
     * until the handle's successor takes the hold over (or the deadline passes), then unmaps the handle. {@code false}
     * when this backend does not park, the handle is closed, the table has no room for a parked slot, or the table no
     * longer counts the handle's hold (another process released it, {@link DescriptorTable#deleteReleasingHold}): then
     * nothing changed and the handle is still open.
     */
    boolean park(MmapHandle handle) {
        if (parkMillis == 0) {
            return false;
        }
        guard.lock();
        try {
            OpenObject object = handle.object();
            if (guard.isClosed() || !held.holdsOpen(handle) || !table.locked(() -> parkInTable(handle, object))) {
                return false;
            }
            try {
                object.release(handle);
            } catch (IllegalStateException inUse) {
                object.abandon(handle);
                LOG.log(System.Logger.Level.WARNING, handle + " was parked while a native call used its mapping; the"
                        + " mapping stays until the process ends");
            }
            if (object.isEmpty()) {
                held.remove(object);
            }
            return true;
        } finally {
            guard.unlock();
        }
    }

    /** The table's part of {@link #park(MmapHandle)}; under both locks. */
    private boolean parkInTable(MmapHandle handle, OpenObject object) {
        // a hold another process released (DescriptorTable.deleteReleasingHold) is not there to park
        if (table.objects().slotOf(handle.ref().value()) != handle.slot()
                || table.objects().handlesOf(handle.slot(), table.selfSlot()) == 0) {
            return false;
        }
        if (!table.processes().isParkingSlot(parkingSlot, parkingDeadline)) {
            long deadline = System.currentTimeMillis() + parkMillis;
            int slot = table.processes().openParkingSlot(deadline);
            if (slot < 0) {
                return false;
            }
            parkingSlot = slot;
            parkingDeadline = deadline;
        }
        // a handle that shares the holds here parks a hold of its own, so that the others keep theirs
        boolean added = object.sharesHolds();
        if (added) {
            table.objects().openHandle(handle.slot(), false);
        }
        if (!table.processes().parkHandle(handle.slot(), parkingSlot)) {
            if (added) {
                table.objects().closeHandle(handle.slot(), handle.ref().value(), object.fileName());
            }
            return false;
        }
        return true;
    }

    private static ShmException mappingInUse(MmapHandle handle, IllegalStateException inUse) {
        return new ShmException(ErrorReason.WRONG_STATE, handle.name(),
                "the mapping is in use by a native call and cannot be closed now", null, inUse);
    }

    private static ShmException otherType(String name, ObjectType held, ObjectType asked) {
        return new ShmException(ErrorReason.NAME_USED_BY_OTHER_TYPE, name,
                "the name is held by an object of type " + held + ", not " + asked);
    }
}
