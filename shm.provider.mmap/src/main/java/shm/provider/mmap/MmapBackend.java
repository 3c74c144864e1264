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
import java.util.function.Consumer;
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
 *
 * <p>This class is the facade of the service interface; the work is its collaborators': {@link BackendLock} (the
 * in-JVM and file locks, and the closed state), {@link ObjectLifecycle} (an object's create, first open and
 * description), {@link HandleLedger} (the handles given out and the holds behind them: further opens, close, park,
 * forget), {@link ObjectTable} and {@link ObjectFiles} (the store), {@link SyncObjects} (events, mutexes, semaphores).
 */
public final class MmapBackend implements ShmBackend, AutoCloseable {

    /** The value of {@link ShmBackend#TYPE_PROPERTY} for this backend. */
    public static final String TYPE = "mmap";

    private final MmapSettings settings;
    private final LibC libc;
    private final ProcessIdentity self;
    private final StoreRoot root;
    private final ObjectFiles files;
    private final NewObjectFiles newFiles;
    private final Mapper mapper;
    private final SyncObjects syncObjects = new SyncObjects();
    private final ObjectTable table;
    private final ObjectLifecycle objects;
    private final BackendLock guard;
    private final HandleLedger ledger;

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
            this.mapper = new Mapper(libc.mappings(), settings);
            this.table = ObjectTable.open(settings, libc, self, root, mapper, files);
            this.newFiles = new NewObjectFiles(settings, libc, self, root, files);
            this.objects = new ObjectLifecycle(this, self, files, newFiles, mapper, syncObjects, table);
            this.guard = new BackendLock(table, settings.root());
            this.ledger = new HandleLedger(guard, table, objects);
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
        MmapHandle joined = ledger.joinHeld(type, fileName, name, options);
        if (joined != null) {
            return joined;
        }
        return guard.locked(name, () -> {
            int slot = table.objects().find(fileName);
            if (slot >= 0) {
                return ledger.openSlot(slot, fileName, type, name, options);
            }
            return ledger.register(objects.createNew(fileName, type, name, size, options, pool, null));
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
        return guard.locked(null, () -> ledger.register(objects.createNew(fileName, type, null, size, options, pool,
                null)));
    }

    @Override
    public BackendHandle openByRef(ObjectRef ref, MapOptions options) {
        return openByRef(ref, null, options);
    }

    /** Opens by reference an object of {@code type} ({@code null}: of any type). */
    private BackendHandle openByRef(ObjectRef ref, ObjectType type, MapOptions options) {
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(options, "options");
        return guard.locked(null, () -> {
            int slot = table.objects().slotOf(ref.value());
            if (slot < 0) {
                throw new ShmException(ErrorReason.NOT_FOUND, null, "the object of reference 0x"
                        + Long.toHexString(ref.value()) + " no longer exists");
            }
            TableEntry entry = table.objects().entry(slot);
            return ledger.openSlot(slot, entry.fileName(), type == null ? entry.type() : type, objects.nameOf(entry),
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
        guard.locked(null, () -> {
            table.pools().setPoolLimit(pool, limitBytes);
            return null;
        });
    }

    @Override
    public Optional<PoolUsage> poolUsage(String pool) {
        Objects.requireNonNull(pool, "pool");
        return guard.locked(null, () -> {
            long[] usage = table.pools().poolUsage(pool);
            return usage == null ? Optional.empty() : Optional.of(new PoolUsage(pool, usage[0], usage[1]));
        });
    }

    @Override
    public DescriptorTable descriptors(String name, int capacity, int perProcessLimit) {
        Objects.requireNonNull(name, "name");
        int index = guard.locked(null, () -> table.descriptors().table(name, capacity, perProcessLimit));
        return new MmapDescriptorTable(guard, name, index);
    }

    @Override
    public Directory directory() {
        return new MmapDirectory(guard);
    }

    /**
     * Runs {@code opens} so that each open it makes takes back a hold this process parked on the object, if there is
     * one; any other open adds a hold of its own (see {@link ParkedHolds}).
     */
    @Override
    public <T> T reclaiming(Supplier<T> opens) {
        return ledger.reclaiming(opens);
    }

    /** Whether the calling thread opens inside {@link #reclaiming}. */
    boolean reclaims() {
        return ledger.reclaims();
    }

    @Override
    public BackendHandle open(ObjectType type, String name, MapOptions options) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(options, "options");
        String fileName = NameCodec.fileName(name);
        MmapHandle joined = ledger.joinHeld(type, fileName, name, options);
        if (joined != null) {
            return joined;
        }
        return guard.locked(name, () -> {
            int slot = table.objects().find(fileName);
            if (slot < 0) {
                files.refuseUnknown(fileName, name);
                throw new ShmException(ErrorReason.NOT_FOUND, name, "no object of that name exists");
            }
            return ledger.openSlot(slot, fileName, type, name, options);
        });
    }

    @Override
    public Optional<ObjectInfo> lookup(String name) {
        String fileName = NameCodec.fileName(name);
        return guard.locked(name, () -> {
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
        return guard.lockedWithoutReaping(() -> {
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
        return guard.locked(null, () -> {
            shm.api.spi.ReapReport report = table.reapNow();
            files.removeTemporaryFilesOfDeadProcesses();
            return report;
        });
    }

    /** {@inheritDoc} Start times are checked again; nothing is released. */
    @Override
    public List<Long> deadProcesses() {
        return guard.lockedWithoutReaping(table::deadProcesses);
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
            return guard.locked(null, () -> ledger.register(objects.createNew(fileName, type, null, size,
                    MapOptions.DEFAULT, null, initializer)));
        }
        String fileName = NameCodec.fileName(name);
        return guard.locked(name, () -> {
            int slot = table.objects().find(fileName);
            if (slot >= 0) {
                return ledger.openSlot(slot, fileName, type, name, MapOptions.DEFAULT);
            }
            return ledger.register(objects.createNew(fileName, type, name, size, MapOptions.DEFAULT, null,
                    initializer));
        });
    }

    /** The pids of the processes registered in the object table, this one included. */
    public List<Long> participants() {
        return guard.locked(null, table::registeredProcesses);
    }

    /**
     * Closes every handle this backend gave out (the last handle of an object in any process destroys it), leaves
     * the object table and refuses further calls. Idempotent.
     */
    @Override
    public void close() {
        guard.lock();
        try {
            if (guard.isClosed()) {
                return;
            }
            FirstFailure failure = new FirstFailure();
            ledger.releaseAll(failure);
            guard.markClosed();
            failure.run(() -> table.locked(() -> {
                if (ledger.isEmpty()) {
                    table.leave();
                }
                return null;
            }));
            failure.run(table::close);
            failure.run(root::close);
            failure.rethrow();
        } finally {
            guard.unlock();
        }
    }

    /**
     * Lets this backend park holds ({@link BackendHandle#park()}, {@link #park()}) for {@code deadline}; zero (the
     * default of the plain library) turns parking off, so that handles are released as by {@link #close()}.
     */
    public void parkHoldsFor(Duration deadline) {
        ledger.parkHoldsFor(deadline);
    }

    /** How long parked holds are kept; zero when this backend does not park. */
    public Duration parkDeadline() {
        return ledger.parkDeadline();
    }

    /**
     * This instance goes away while its process lives: every handle it gave out is unmapped and its hold parked in the
     * object table (see {@link ParkedHolds}) until {@link #parkDeadline()}, for the handle's successor to take back by
     * an open {@linkplain #reclaiming reclaiming} through any backend instance over the same root; then the backend is
     * closed as by {@link #close()}. Without a park deadline this is {@link #close()}. Idempotent.
     *
     * @return how many holds were parked
     */
    public int park() {
        guard.lock();
        try {
            int count = ledger.parkAll();
            close();
            return count;
        } finally {
            guard.unlock();
        }
    }

    @Override
    public List<ParkedHold> parkedHolds() {
        return guard.locked(null, () -> table.processes().parkedHolds().stream().map(p -> new ParkedHold(
                p.fileName().startsWith(NameCodec.UNNAMED_PREFIX) ? null : NameCodec.nameOf(p.fileName())
                        .orElseGet(() -> files.readHeader(p.fileName(), null).name()),
                p.fileName(), p.pid(), p.holds(), Instant.ofEpochMilli(p.deadlineMillis()))).toList());
    }

    /** Parks one handle's hold (see {@link HandleLedger#park}). */
    boolean park(MmapHandle handle) {
        return ledger.park(handle);
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

    /** Forgets one handle, leaving the table alone (see {@link HandleLedger#forget}). */
    boolean forget(MmapHandle handle) {
        return ledger.forget(handle);
    }

    /** Releases one handle (see {@link HandleLedger#release}). */
    void release(MmapHandle handle) {
        ledger.release(handle);
    }

    /** Lowers the logical size recorded in the object table. */
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

    /** Test hook: simulates a kill at a point of the table protocol (see {@link ObjectTable.CrashPoint}). */
    void crashPoint(ObjectTable.CrashPoint point) {
        table.crashPoint(point);
    }

    /** The object table, for tests that check its invariants. */
    ObjectTable table() {
        return table;
    }

    /** The locks this backend's work runs under, for its descriptor tables' and directory's work and for tests. */
    BackendLock guard() {
        return guard;
    }

    /**
     * Checks the store and, when asked, repairs it (see {@link StoreRepair}); runs under this backend's locks, so the
     * table is consistent for it.
     *
     * @param repair whether to change the store or only report
     * @return what was found and done
     */
    public shm.api.spi.StoreReport checkStore(boolean repair) {
        guard.lock();
        try {
            guard.refuseWhenClosed(null);
            try {
                return new StoreRepair(settings, libc, root).run(repair);
            } finally {
                table.checkLinkNextTime();   // a repair may have moved the table aside
            }
        } finally {
            guard.unlock();
        }
    }

    /** The making of new object files, for tests. */
    NewObjectFiles newObjectFilesForTests() {
        return newFiles;
    }

    /** How many mappings this backend holds now (its handles and its table), for tests of the limit. */
    int mappings() {
        return mapper.mappings();
    }

    private static void checkSize(String name, long size) {
        if (size < 1) {
            throw new ShmException(ErrorReason.INVALID_PARAMETER, name, "the size must be at least 1 byte, not "
                    + size);
        }
        if (size > ObjectHeader.MAX_SIZE) {
            throw new ShmException(ErrorReason.INVALID_PARAMETER, name,
                    "the size must be at most " + ObjectHeader.MAX_SIZE + " bytes, not " + size);
        }
    }
}
