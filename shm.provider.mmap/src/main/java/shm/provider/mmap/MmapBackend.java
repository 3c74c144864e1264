package shm.provider.mmap;

import java.lang.foreign.Arena;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
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
 * in-JVM and file locks, and the closed state), {@link ObjectOpens} (the opens by name and by reference, and creates),
 * {@link ObjectLifecycle} (an object's create, first open and description), {@link HandleLedger} (the handles given
 * out and the holds behind them: further opens, close, park, forget), {@link ObjectTable} and {@link ObjectFiles} (the
 * store), {@link SyncObjects} and {@link SyncObjectCalls} (events, mutexes, semaphores), {@link SharedTables} (memory
 * pools, descriptor tables, directory), {@link StoreInspection} (lookup, listing, reap, store check) and
 * {@link BackendShutdown} (close, park).
 */
public final class MmapBackend implements ShmBackend, AutoCloseable {

    /** The value of {@link ShmBackend#TYPE_PROPERTY} for this backend. */
    public static final String TYPE = "mmap";

    private final MmapSettings settings;
    private final NewObjectFiles newFiles;
    private final Mapper mapper;
    private final SyncObjects syncObjects = new SyncObjects();
    private final ObjectTable table;
    private final BackendLock guard;
    private final HandleLedger ledger;
    private final ObjectOpens opens;
    private final SyncObjectCalls syncCalls;
    private final SharedTables sharedTables;
    private final StoreInspection inspection;
    private final BackendShutdown shutdown;

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
        LibC libc = new LibC();
        ProcessIdentity self = ProcessIdentity.current();
        StoreRoot root = StoreRoot.open(libc, settings, RootDirectory.currentUid(), RootDirectory.currentGid());
        try {
            this.mapper = new Mapper(libc.mappings(), settings);
            SpareFiles spares = new SpareFiles(settings, libc, self, root, mapper.kept());
            ObjectFiles files = new ObjectFiles(settings, libc, self, root, spares);
            this.table = ObjectTable.open(settings, libc, self, root, mapper, files);
            this.newFiles = new NewObjectFiles(settings, libc, self, root, files);
            ObjectLifecycle objects = new ObjectLifecycle(this, self, files, newFiles, spares, mapper, syncObjects,
                    table);
            this.guard = new BackendLock(table, settings.root());
            this.ledger = new HandleLedger(guard, table, objects, mapper.kept());
            this.opens = new ObjectOpens(guard, table, files, objects, ledger);
            this.syncCalls = new SyncObjectCalls(syncObjects, opens);
            this.sharedTables = new SharedTables(guard, table);
            this.inspection = new StoreInspection(settings, libc, root, files, table, objects, guard);
            this.shutdown = new BackendShutdown(guard, ledger, mapper.kept(), table, root);
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
        return opens.createOrOpen(type, name, size, options, pool);
    }

    @Override
    public BackendHandle createUnnamed(ObjectType type, long size, MapOptions options) {
        return createUnnamed(type, size, options, null);
    }

    @Override
    public BackendHandle createUnnamed(ObjectType type, long size, MapOptions options, String pool) {
        return opens.createUnnamed(type, size, options, pool);
    }

    @Override
    public BackendHandle openByRef(ObjectRef ref, MapOptions options) {
        return opens.openByRef(ref, null, options);
    }

    /** {@inheritDoc} The reference of the object's own handle. */
    @Override
    public ObjectRef syncRef(Object syncObject) {
        return syncCalls.syncRef(syncObject);
    }

    /** {@inheritDoc} Parks the object's own handle ({@link BackendHandle#park()}); a mutex's owner stays. */
    @Override
    public boolean parkSync(Object syncObject) {
        return syncCalls.parkSync(syncObject);
    }

    @Override
    public NamedEvent openEventByRef(ObjectRef ref) {
        return syncCalls.openEventByRef(ref);
    }

    @Override
    public NamedMutex openMutexByRef(ObjectRef ref) {
        return syncCalls.openMutexByRef(ref);
    }

    @Override
    public NamedSemaphore openSemaphoreByRef(ObjectRef ref) {
        return syncCalls.openSemaphoreByRef(ref);
    }

    @Override
    public void setPoolLimit(String pool, long limitBytes) {
        sharedTables.setPoolLimit(pool, limitBytes);
    }

    @Override
    public Optional<PoolUsage> poolUsage(String pool) {
        return sharedTables.poolUsage(pool);
    }

    @Override
    public DescriptorTable descriptors(String name, int capacity, int perProcessLimit) {
        return sharedTables.descriptors(name, capacity, perProcessLimit);
    }

    @Override
    public Directory directory() {
        return sharedTables.directory();
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
        return opens.open(type, name, options);
    }

    @Override
    public Optional<ObjectInfo> lookup(String name) {
        return inspection.lookup(name);
    }

    /** {@inheritDoc} Unnamed objects are not listed. */
    @Override
    public List<ObjectInfo> list() {
        return inspection.list();
    }

    @Override
    public List<Long> reapDeadProcesses() {
        return reap().processes();
    }

    /** {@inheritDoc} Start times are checked again (not taken from the cache of recent checks). */
    @Override
    public shm.api.spi.ReapReport reap() {
        return inspection.reap();
    }

    /** {@inheritDoc} Start times are checked again; nothing is released. */
    @Override
    public List<Long> deadProcesses() {
        return guard.lockedWithoutReaping(table::deadProcesses);
    }

    @Override
    public NamedEvent createOrOpenEvent(String name, boolean manualReset, boolean initiallySignaled) {
        return syncCalls.createOrOpenEvent(name, manualReset, initiallySignaled);
    }

    @Override
    public NamedEvent openEvent(String name) {
        return syncCalls.openEvent(name);
    }

    @Override
    public MultipleWaitResult waitForMultipleObjects(List<?> objects, boolean waitAll, Duration timeout) {
        // the objects' handles say whether the backend is closed: closing it closes them all
        return syncObjects.waitForMultiple(objects, waitAll, timeout);
    }

    @Override
    public NamedMutex createOrOpenMutex(String name, boolean initiallyOwned) {
        return syncCalls.createOrOpenMutex(name, initiallyOwned);
    }

    @Override
    public NamedMutex openMutex(String name) {
        return syncCalls.openMutex(name);
    }

    @Override
    public NamedSemaphore createOrOpenSemaphore(String name, long initialCount, long maximumCount) {
        return syncCalls.createOrOpenSemaphore(name, initialCount, maximumCount);
    }

    @Override
    public NamedSemaphore openSemaphore(String name) {
        return syncCalls.openSemaphore(name);
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
        shutdown.close();
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
        return shutdown.park();
    }

    @Override
    public List<ParkedHold> parkedHolds() {
        return inspection.parkedHolds();
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
        return syncCalls.forget(object);
    }

    /** Forgets one handle, leaving the table alone (see {@link HandleLedger#forget}). */
    boolean forget(MmapHandle handle) {
        return ledger.forget(handle);
    }

    /** Releases one handle (see {@link HandleLedger#release}). */
    void release(MmapHandle handle) {
        ledger.release(handle);
    }

    /** Lowers the logical size recorded in the object table (see {@link HandleLedger#shrinkLogicalSize}). */
    void shrinkLogicalSize(MmapHandle handle, long newLogicalSize) {
        ledger.shrinkLogicalSize(handle, newLogicalSize);
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
        return inspection.checkStore(repair);
    }

    /** The making of new object files, for tests. */
    NewObjectFiles newObjectFilesForTests() {
        return newFiles;
    }

    /** The mappings kept for the next handle of their object ({@link KeptMappings}). */
    KeptMappings keptMappings() {
        return mapper.kept();
    }

    /** How many mappings this backend holds now (its handles and its table), for tests of the limit. */
    int mappings() {
        return mapper.mappings();
    }
}
