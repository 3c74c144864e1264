package shm.provider.mmap;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

import shm.api.ErrorReason;
import shm.api.MapOptions;
import shm.api.NamedEvent;
import shm.api.NamedMutex;
import shm.api.NamedSemaphore;
import shm.api.ObjectInfo;
import shm.api.ObjectType;
import shm.api.ShmException;
import shm.api.spi.BackendHandle;
import shm.api.spi.DescriptorTable;
import shm.api.spi.MultipleWaitResult;
import shm.api.spi.Directory;
import shm.api.spi.ObjectRef;
import shm.api.spi.ParkedHold;
import shm.api.spi.PoolUsage;
import shm.api.spi.ShmBackend;
import shm.provider.mmap.sync.SharedEvent;
import shm.provider.mmap.sync.SharedMutex;
import shm.provider.mmap.sync.SharedSemaphore;

/**
 * POSIX shared memory on tmpfs, shared by every process that uses the same root: one file per object (a header page
 * {@link ObjectHeader} followed by the data, file names from {@link NameCodec}) and one {@link ObjectTable} that
 * counts, per object, the holds of each live process: one per open handle (but for handles that share a mapping),
 * and one per handle parked ({@link #park()}). Usable as a plain library:
 * {@code try (var backend = new MmapBackend(MmapSettings.defaults())) { ... }}.
 *
 * <p>Every operation runs under the table lock, but for the one exception below. The last close in any process unlinks
 * the object's file; a process that dies has its handles released by the next operation of any participant, or by
 * {@link #reapDeadProcesses()}. Space is reserved at create unless {@link MmapSettings#reserveSpace()} is off. Each
 * handle maps the data on its own (a distinct address per handle, as a Win32 view), seen through the mapping's
 * {@link Arena#ofShared() shared arena} or, for a {@link MapOptions#confined() confined} handle, a confined arena of
 * its own; closing the handle unmaps it. The exception is a handle opened with {@link MapOptions#shareMapping()} while
 * this backend holds the object: it shares an open handle's mapping and the holds of this process, and its open (and
 * its close, while other handles here remain) takes no file lock and makes no system call (see {@link OpenObject}).
 *
 * <p>A file in the root that this platform did not write (wrong magic or layout version, a link, a directory, a file
 * the table does not know) or that another user owns (unless {@link MmapSettings#groupShared()}) is reported with
 * {@link ErrorReason#INCOMPATIBLE_STORE} or {@link ErrorReason#ACCESS_DENIED} and never modified or deleted.
 */
public final class MmapBackend implements ShmBackend, AutoCloseable {

    /** The value of {@link ShmBackend#TYPE_PROPERTY} for this backend. */
    public static final String TYPE = "mmap";

    private final MmapSettings settings;
    private final LibC libc;
    private final ProcessIdentity self;
    private final StoreRoot root;
    private final ObjectFiles files;
    private final Mapper mapper;
    private final SyncObjects syncObjects = new SyncObjects();
    private final ObjectTable table;
    private final ObjectLifecycle objects;
    private final ReentrantLock lock = new ReentrantLock();
    /** Bound while a parked handle's successor opens ({@link #reclaiming}): its opens take parked holds back. */
    private final ScopedValue<Boolean> reclaiming = ScopedValue.newInstance();
    /** The objects this backend holds handles to. Guarded by {@link #lock}. */
    private final HeldObjects held = new HeldObjects();
    /** Guarded by {@link #lock}. */
    private boolean closed;
    /** How long parked holds are kept, in milliseconds; 0: this backend does not park. */
    private volatile long parkMillis;
    /** The parked slot this instance parks in and its deadline; -1 before the first park. Guarded by {@link #lock}. */
    private int parkingSlot = -1;
    private long parkingDeadline;

    /**
     * Prepares the root directory (created with the configured mode if missing), opens it once as a descriptor
     * ({@link StoreRoot}: no link on its path, not writable by others, ours), binds the C library and opens the
     * root's object table (created if missing).
     *
     * @throws ShmException ACCESS_DENIED or INCOMPATIBLE_STORE when the root or its table cannot be used
     */
    public MmapBackend(MmapSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        new RootDirectory(settings).prepare();
        this.libc = new LibC();
        this.self = ProcessIdentity.current();
        this.root = StoreRoot.open(libc, settings, RootDirectory.currentUid(), RootDirectory.currentGid());
        try {
            this.files = new ObjectFiles(settings, libc, self, root);
            this.mapper = new Mapper(libc, settings);
            this.table = ObjectTable.open(settings, libc, self, root, mapper, files);
            this.objects = new ObjectLifecycle(this, self, files, mapper, syncObjects, table);
        } catch (RuntimeException e) {
            root.close();
            throw e;
        }
    }

    /** The settings this backend was made with. */
    public MmapSettings settings() {
        return settings;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public BackendHandle createOrOpen(ObjectType type, String name, long size, MapOptions options) {
        return createOrOpen(type, name, size, options, null);
    }

    @Override
    public BackendHandle createOrOpen(ObjectType type, String name, long size, MapOptions options, String pool) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(options, "options");
        String fileName = NameCodec.fileName(name);
        checkSize(name, size);
        MmapHandle joined = joinHeld(type, fileName, name, options);
        if (joined != null) {
            return joined;
        }
        return locked(name, () -> {
            int slot = table.objects().find(fileName);
            if (slot >= 0) {
                return openSlot(slot, fileName, type, name, options);
            }
            return register(objects.createNew(fileName, type, name, size, options, pool, null));
        });
    }

    @Override
    public BackendHandle createUnnamed(ObjectType type, long size, MapOptions options) {
        return createUnnamed(type, size, options, null);
    }

    @Override
    public BackendHandle createUnnamed(ObjectType type, long size, MapOptions options, String pool) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(options, "options");
        checkSize(null, size);
        String fileName = files.unnamedFileName();
        return locked(null, () -> register(objects.createNew(fileName, type, null, size, options, pool, null)));
    }

    @Override
    public BackendHandle openByRef(ObjectRef ref, MapOptions options) {
        return openByRef(ref, null, options);
    }

    /** Opens by reference an object of {@code type} ({@code null}: of any type). */
    private BackendHandle openByRef(ObjectRef ref, ObjectType type, MapOptions options) {
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(options, "options");
        return locked(null, () -> {
            int slot = table.objects().slotOf(ref.value());
            if (slot < 0) {
                throw new ShmException(ErrorReason.NOT_FOUND, null, "the object of reference 0x"
                        + Long.toHexString(ref.value()) + " no longer exists");
            }
            TableEntry entry = table.objects().entry(slot);
            return openSlot(slot, entry.fileName(), type == null ? entry.type() : type, objects.nameOf(entry),
                    options);
        });
    }

    /** {@inheritDoc} The reference of the object's own handle. */
    @Override
    public ObjectRef syncRef(Object syncObject) {
        return ours(syncObject).handle().ref();
    }

    /** {@inheritDoc} Parks the object's own handle ({@link BackendHandle#park()}); a mutex's owner stays. */
    @Override
    public boolean parkSync(Object syncObject) {
        return ours(syncObject).handle().park();
    }

    @Override
    public NamedEvent openEventByRef(ObjectRef ref) {
        return syncObjects.event(openByRef(ref, ObjectType.EVENT, MapOptions.DEFAULT));
    }

    @Override
    public NamedMutex openMutexByRef(ObjectRef ref) {
        return syncObjects.mutex(openByRef(ref, ObjectType.MUTEX, MapOptions.DEFAULT));
    }

    @Override
    public NamedSemaphore openSemaphoreByRef(ObjectRef ref) {
        return syncObjects.semaphore(openByRef(ref, ObjectType.SEMAPHORE, MapOptions.DEFAULT));
    }

    private MmapSyncObject ours(Object syncObject) {
        if (!(syncObject instanceof MmapSyncObject object) || object.origin() != syncObjects) {
            throw new ShmException(ErrorReason.INVALID_PARAMETER, null, "not an event, mutex or semaphore of this"
                    + " backend: " + syncObject);
        }
        return object;
    }

    @Override
    public void setPoolLimit(String pool, long limitBytes) {
        Objects.requireNonNull(pool, "pool");
        if (limitBytes < 0) {
            throw new ShmException(ErrorReason.INVALID_PARAMETER, null, "the limit of memory pool '" + pool
                    + "' must not be negative: " + limitBytes);
        }
        locked(null, () -> {
            table.pools().setPoolLimit(pool, limitBytes);
            return null;
        });
    }

    @Override
    public Optional<PoolUsage> poolUsage(String pool) {
        Objects.requireNonNull(pool, "pool");
        return locked(null, () -> {
            long[] usage = table.pools().poolUsage(pool);
            return usage == null ? Optional.empty() : Optional.of(new PoolUsage(pool, usage[0], usage[1]));
        });
    }

    @Override
    public DescriptorTable descriptors(String name, int capacity, int perProcessLimit) {
        Objects.requireNonNull(name, "name");
        int index = locked(null, () -> table.descriptors().table(name, capacity, perProcessLimit));
        return new MmapDescriptorTable(this, name, index);
    }

    @Override
    public Directory directory() {
        return new MmapDirectory(this);
    }

    /**
     * Runs {@code opens} so that each open it makes takes back a hold this process parked on the object, if there is
     * one; any other open adds a hold of its own (see {@link ParkedHolds}).
     */
    @Override
    public <T> T reclaiming(Supplier<T> opens) {
        return ScopedValue.where(reclaiming, Boolean.TRUE).call(opens::get);
    }

    /** Whether the calling thread opens inside {@link #reclaiming}. */
    boolean reclaims() {
        return reclaiming.isBound();
    }

    @Override
    public BackendHandle open(ObjectType type, String name, MapOptions options) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(options, "options");
        String fileName = NameCodec.fileName(name);
        MmapHandle joined = joinHeld(type, fileName, name, options);
        if (joined != null) {
            return joined;
        }
        return locked(name, () -> {
            int slot = table.objects().find(fileName);
            if (slot < 0) {
                files.refuseUnknown(fileName, name);
                throw new ShmException(ErrorReason.NOT_FOUND, name, "no object of that name exists");
            }
            return openSlot(slot, fileName, type, name, options);
        });
    }

    @Override
    public Optional<ObjectInfo> lookup(String name) {
        String fileName = NameCodec.fileName(name);
        return locked(name, () -> {
            int slot = table.objects().find(fileName);
            if (slot < 0) {
                return Optional.empty();
            }
            return Optional.of(objects.info(table.objects().entry(slot), name));
        });
    }

    /** {@inheritDoc} Unnamed objects are not listed. */
    @Override
    public List<ObjectInfo> list() {
        return lockedWithoutReaping(() -> {
            List<ObjectInfo> result = new ArrayList<>();
            for (TableEntry entry : table.objects().liveEntries()) {
                if (entry.fileName().startsWith(NameCodec.UNNAMED_PREFIX)) {
                    continue;
                }
                result.add(objects.info(entry, objects.nameOf(entry)));
            }
            result.sort(Comparator.comparing(ObjectInfo::name));
            return List.copyOf(result);
        });
    }

    @Override
    public List<Long> reapDeadProcesses() {
        return reap().processes();
    }

    /** {@inheritDoc} Start times are checked again (not taken from the cache of recent checks). */
    @Override
    public shm.api.spi.ReapReport reap() {
        return locked(null, () -> {
            shm.api.spi.ReapReport report = table.reapNow();
            files.removeTemporaryFilesOfDeadProcesses();
            return report;
        });
    }

    /** {@inheritDoc} Start times are checked again; nothing is released. */
    @Override
    public List<Long> deadProcesses() {
        return lockedWithoutReaping(table::deadProcesses);
    }

    @Override
    public NamedEvent createOrOpenEvent(String name, boolean manualReset, boolean initiallySignaled) {
        return syncObjects.event(createOrOpenTyped(ObjectType.EVENT, name, SharedEvent.requiredBytes(),
                segment -> SharedEvent.initialize(segment, manualReset, initiallySignaled)));
    }

    @Override
    public NamedEvent openEvent(String name) {
        return syncObjects.event(open(ObjectType.EVENT, name, MapOptions.DEFAULT));
    }

    @Override
    public MultipleWaitResult waitForMultipleObjects(List<?> objects, boolean waitAll, Duration timeout) {
        // the objects' handles say whether the backend is closed: closing it closes them all
        return syncObjects.waitForMultiple(objects, waitAll, timeout);
    }

    @Override
    public NamedMutex createOrOpenMutex(String name, boolean initiallyOwned) {
        // An initially owned mutex is owned from its first byte on: another process cannot take it between the
        // create and the owner's first acquire, since nobody opens the object before the table lock is released.
        return syncObjects.mutex(createOrOpenTyped(ObjectType.MUTEX, name, SharedMutex.requiredBytes(),
                initiallyOwned ? syncObjects::initializeOwnedMutex : SharedMutex::initialize));
    }

    @Override
    public NamedMutex openMutex(String name) {
        return syncObjects.mutex(open(ObjectType.MUTEX, name, MapOptions.DEFAULT));
    }

    @Override
    public NamedSemaphore createOrOpenSemaphore(String name, long initialCount, long maximumCount) {
        if (maximumCount < 1 || initialCount < 0 || initialCount > maximumCount) {
            throw new ShmException(ErrorReason.INVALID_PARAMETER, name, "a semaphore needs 0 <= initial count <="
                    + " maximum count and a maximum of at least 1, got " + initialCount + " and " + maximumCount);
        }
        return syncObjects.semaphore(createOrOpenTyped(ObjectType.SEMAPHORE, name, SharedSemaphore.requiredBytes(),
                segment -> SharedSemaphore.initialize(segment, initialCount, maximumCount)));
    }

    @Override
    public NamedSemaphore openSemaphore(String name) {
        return syncObjects.semaphore(open(ObjectType.SEMAPHORE, name, MapOptions.DEFAULT));
    }

    /** Create-or-open of a typed object whose new state {@code initializer} writes under the table lock. */
    private BackendHandle createOrOpenTyped(ObjectType type, String name, long size,
                                            Consumer<MemorySegment> initializer) {
        if (name == null) {
            String fileName = files.unnamedFileName();
            return locked(null, () -> register(objects.createNew(fileName, type, null, size, MapOptions.DEFAULT, null,
                    initializer)));
        }
        String fileName = NameCodec.fileName(name);
        return locked(name, () -> {
            int slot = table.objects().find(fileName);
            if (slot >= 0) {
                return openSlot(slot, fileName, type, name, MapOptions.DEFAULT);
            }
            return register(objects.createNew(fileName, type, name, size, MapOptions.DEFAULT, null, initializer));
        });
    }

    /**
     * Runs a read of the object table under this backend's in-JVM lock only, without the table's file lock: for reads
     * that compare words in place and take the locked way ({@link #tableWork}) when they see anything else.
     * {@code null} when the backend is closed or the table cannot be read ({@link ObjectTable#readUnlocked}).
     */
    <T> T readUnlocked(Function<ObjectTable, T> read) {
        lock.lock();
        try {
            return closed ? null : table.readUnlocked(read);
        } finally {
            lock.unlock();
        }
    }

    /** As {@link #readUnlocked}, for a number that is never negative; -1 when closed or unreadable. */
    long readNumberUnlocked(java.util.function.ToLongFunction<ObjectTable> read) {
        lock.lock();
        try {
            return closed ? -1 : table.readNumberUnlocked(read);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs table work for the descriptor tables and the directory under this backend's locks; a closed backend
     * refuses with CLOSED.
     */
    <T> T tableWork(Function<ObjectTable, T> work) {
        return locked(null, () -> work.apply(table));
    }

    /** The pids of the processes registered in the object table, this one included. */
    public List<Long> participants() {
        return locked(null, table::registeredProcesses);
    }

    /**
     * Closes every handle this backend gave out (the last handle of an object in any process destroys it), leaves
     * the object table and refuses further calls. Idempotent.
     */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            FirstFailure failure = new FirstFailure();
            for (OpenObject object : held.all()) {
                for (MmapHandle handle : object.handles()) {
                    failure.run(() -> release(handle));
                }
            }
            closed = true;
            failure.run(() -> table.locked(() -> {
                if (held.isEmpty()) {
                    table.leave();
                }
                return null;
            }));
            failure.run(table::close);
            failure.run(root::close);
            failure.rethrow();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Lets this backend park holds ({@link BackendHandle#park()}, {@link #park()}) for {@code deadline}; zero (the
     * default of the plain library) turns parking off, so that handles are released as by {@link #close()}.
     */
    public void parkHoldsFor(Duration deadline) {
        parkMillis = Math.max(0, deadline.toMillis());
    }

    /** How long parked holds are kept; zero when this backend does not park. */
    public Duration parkDeadline() {
        return Duration.ofMillis(parkMillis);
    }

    /**
     * This instance goes away while its process lives: every handle it gave out is unmapped and its hold parked in the
     * object table (see {@link ParkedHolds}) until {@link #parkDeadline()}, for the handle's successor to take back by
     * an open {@linkplain #reclaiming reclaiming} through any backend instance over the same root; then the backend is closed as by
     * {@link #close()}. Without a park deadline this is {@link #close()}. Idempotent.
     *
     * @return how many holds were parked
     */
    public int park() {
        lock.lock();
        try {
            int count = 0;
            if (!closed && parkMillis > 0) {
                for (OpenObject object : held.all()) {
                    for (MmapHandle handle : object.handles()) {
                        try {
                            count += park(handle) ? 1 : 0;
                        } catch (RuntimeException e) {
                            System.getLogger(MmapBackend.class.getName()).log(System.Logger.Level.ERROR,
                                    "cannot park " + handle + "; it is released", e);
                        }
                    }
                }
            }
            close();
            return count;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<ParkedHold> parkedHolds() {
        return locked(null, () -> table.parkedHolds().stream().map(p -> new ParkedHold(
                p.fileName().startsWith(NameCodec.UNNAMED_PREFIX) ? null : NameCodec.nameOf(p.fileName())
                        .orElseGet(() -> files.readHeader(p.fileName(), null).name()),
                p.fileName(), p.pid(), p.holds(), Instant.ofEpochMilli(p.deadlineMillis()))).toList());
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
        lock.lock();
        try {
            OpenObject object = handle.object();
            if (closed || !held.holdsOpen(handle)) {
                return false;
            }
            boolean moved = table.locked(() -> {
                // a hold another process released (DescriptorTable.deleteReleasingHold) is not there to park
                if (table.objects().slotOf(handle.ref().value()) != handle.slot()
                        || table.objects().handlesOf(handle.slot(), table.selfSlot()) == 0) {
                    return false;
                }
                if (!table.isParkingSlot(parkingSlot, parkingDeadline)) {
                    long deadline = System.currentTimeMillis() + parkMillis;
                    int slot = table.openParkingSlot(deadline);
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
                if (!table.parkHandle(handle.slot(), parkingSlot)) {
                    if (added) {
                        table.objects().closeHandle(handle.slot(), handle.ref().value(), object.fileName());
                    }
                    return false;
                }
                return true;
            });
            if (!moved) {
                return false;
            }
            try {
                object.release(handle);
            } catch (IllegalStateException inUse) {
                object.abandon(handle);
                System.getLogger(MmapBackend.class.getName()).log(System.Logger.Level.WARNING, handle
                        + " was parked while a native call used its mapping; the mapping stays until the process ends");
            }
            if (object.isEmpty()) {
                held.remove(object);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * {@inheritDoc} The mmap backend's events, mutexes and semaphores are forgotten with the handle whose mapping holds
     * their state.
     */
    @Override
    public boolean forget(Object object) {
        if (object instanceof MmapSyncObject sync && sync.origin() == syncObjects) {
            return sync.handle().forget();
        }
        return object instanceof MmapHandle handle && handle.forget();
    }

    /**
     * Forgets one handle: unmaps it and drops it from this backend, leaving the table alone (another process released
     * its hold, see {@link shm.api.spi.DescriptorTable#deleteReleasingHold}).
     *
     * @return {@code false} when the handle was not open in this backend
     */
    boolean forget(MmapHandle handle) {
        lock.lock();
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
            lock.unlock();
        }
    }

    /**
     * Releases one handle: unmaps its mapping (when it was its last user), then releases a hold in the table when the
     * holds here would outnumber the handles left (the last hold in any process unlinks the object). The close of a
     * handle that shares the holds here ({@link MapOptions#shareMapping()}) while others remain writes nothing.
     */
    void release(MmapHandle handle) {
        lock.lock();
        try {
            OpenObject object = handle.object();
            if (!held.holdsOpen(handle)) {
                return;
            }
            boolean holdFreed = releaseHere(object, handle);
            if (object.isEmpty()) {
                held.remove(object);
            }
            if (!holdFreed) {
                return; // the holds here still back the handles left: nothing to write to the table
            }
            try {
                table.locked(() -> table.objects().closeHandle(handle.slot(), handle.ref().value(),
                        object.fileName()));
            } catch (ShmException unusableTable) {
                if (unusableTable.reason() != ErrorReason.INCOMPATIBLE_STORE) {
                    throw unusableTable;
                }
                // The handle is closed and its mapping gone; only the table's count could not be lowered. A close
                // always succeeds: the store check's repair recounts the holds.
                System.getLogger(MmapBackend.class.getName()).log(System.Logger.Level.WARNING, "closed '"
                        + handle.name() + "', but the store could not record it: " + unusableTable.getMessage());
            }
        } finally {
            lock.unlock();
        }
    }

    /** Lowers the logical size recorded in the object table. */
    void shrinkLogicalSize(MmapHandle handle, long newLogicalSize) {
        locked(handle.name(), () -> {
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

    /** Test hook: simulates a kill at a point of the table protocol (see {@link ObjectTable.CrashPoint}). */
    void crashPoint(ObjectTable.CrashPoint point) {
        table.crashPoint(point);
    }

    /** The object table, for tests that check its invariants. */
    ObjectTable table() {
        return table;
    }

    /** As {@link #locked}, for work on the whole store that must not release dead processes' handles. */
    private <T> T lockedWithoutReaping(Supplier<T> work) {
        lock.lock();
        try {
            if (closed) {
                throw StoreErrors.store(ErrorReason.CLOSED, settings.root(), "the mmap backend is closed");
            }
            return table.lockedWithoutReaping(work);
        } finally {
            lock.unlock();
        }
    }

    private <T> T locked(String name, Supplier<T> work) {
        lock.lock();
        try {
            if (closed) {
                if (name == null) {
                    throw StoreErrors.store(ErrorReason.CLOSED, settings.root(), "the mmap backend is closed");
                }
                throw new ShmException(ErrorReason.CLOSED, name, "the mmap backend at " + settings.root()
                        + " is closed");
            }
            return table.locked(work);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Closes one open handle here, without the table; under {@link #lock}.
     *
     * @return whether a hold of this process in the table is no longer backed by a handle here
     *         ({@link OpenObject#release})
     * @throws ShmException WRONG_STATE when a native call uses the mapping (nothing changed)
     */
    private boolean releaseHere(OpenObject object, MmapHandle handle) {
        try {
            return object.release(handle);
        } catch (IllegalStateException inUse) {
            throw mappingInUse(handle, inUse);
        }
    }

    private static ShmException mappingInUse(MmapHandle handle, IllegalStateException inUse) {
        return new ShmException(ErrorReason.WRONG_STATE, handle.name(),
                "the mapping is in use by a native call and cannot be closed now", null, inUse);
    }

    /** Keeps the object of a handle this backend gave out, to be closed with the backend; returns the handle. */
    private MmapHandle register(MmapHandle handle) {
        return held.add(handle);
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
    private MmapHandle joinHeld(ObjectType type, String fileName, String name, MapOptions options) {
        if (!options.shareMapping() || reclaims()) {
            return null;
        }
        lock.lock();
        try {
            OpenObject object = closed ? null : held.byFileName(fileName);
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
            ObjectMapping mapping = object.joinableMapping(options.access() == shm.api.Access.READ_WRITE,
                    logicalSize);
            if (mapping == null) {
                return null;
            }
            objects.lockAndTouch(mapping, fileName, name, options);   // no system call unless pages must be locked
            return object.joinHandle(mapping, logicalSize, options);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Opens the live object in {@code slot}: a further handle when this backend holds it, with a mapping of its own
     * (mapped from what the backend recorded, no table entry built) or, when the options ask to share a mapping
     * ({@link MapOptions#shareMapping()}), the mapping of an open handle; else the object's first handle here. Either
     * way one more hold of this process in the table, or, inside {@link #reclaiming}, a hold this process parked taken
     * back: so a swap's successors of handles that shared a mapping share it again. Under both locks.
     */
    private MmapHandle openSlot(int slot, String fileName, ObjectType type, String name, MapOptions options) {
        OpenObject object = held.byRef(table.objects().refOf(slot));
        if (object == null || object.slot() != slot) {
            return register(objects.openExisting(slot, fileName, type, name, options));
        }
        if (object.type() != type) {
            throw otherType(name, object.type(), type);
        }
        boolean writable = options.access() == shm.api.Access.READ_WRITE;
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
            object.release(handle);
            throw e;
        }
        object.holdAdded();
        return handle;
    }

    private static ShmException otherType(String name, ObjectType held, ObjectType asked) {
        return new ShmException(ErrorReason.NAME_USED_BY_OTHER_TYPE, name,
                "the name is held by an object of type " + held + ", not " + asked);
    }

    /**
     * Checks the store and, when asked, repairs it (see {@link StoreRepair}); runs under this backend's locks, so the
     * table is consistent for it.
     *
     * @param repair whether to change the store or only report
     * @return what was found and done
     */
    public shm.api.spi.StoreReport checkStore(boolean repair) {
        lock.lock();
        try {
            if (closed) {
                throw StoreErrors.store(ErrorReason.CLOSED, settings.root(), "the mmap backend is closed");
            }
            try {
                return new StoreRepair(settings, libc, root).run(repair);
            } finally {
                table.checkLinkNextTime();   // a repair may have moved the table aside
            }
        } finally {
            lock.unlock();
        }
    }

    /** The object files, for tests. */
    ObjectFiles objectFilesForTests() {
        return files;
    }

    /** How many mappings this backend holds now (its handles and its table), for tests of the limit. */
    int mappings() {
        return mapper.mappings();
    }

    private static void checkSize(String name, long size) {
        if (size < 1) {
            throw new ShmException(ErrorReason.INVALID_PARAMETER, name, "the size must be at least 1 byte, not " + size);
        }
        if (size > ObjectHeader.MAX_SIZE) {
            throw new ShmException(ErrorReason.INVALID_PARAMETER, name,
                    "the size must be at most " + ObjectHeader.MAX_SIZE + " bytes, not " + size);
        }
    }
}
