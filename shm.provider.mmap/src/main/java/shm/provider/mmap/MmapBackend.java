package shm.provider.mmap;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;

import shm.api.Access;
import shm.api.ErrorReason;
import shm.api.HolderInfo;
import shm.api.MapOptions;
import shm.api.ObjectInfo;
import shm.api.ObjectType;
import shm.api.ShmException;
import shm.api.spi.BackendHandle;
import shm.api.spi.DescriptorTable;
import shm.api.spi.Directory;
import shm.api.spi.ObjectRef;
import shm.api.spi.PoolUsage;
import shm.api.spi.ShmBackend;
import shm.api.NamedEvent;
import shm.api.NamedMutex;
import shm.api.NamedSemaphore;
import shm.provider.mmap.sync.Futex;
import shm.provider.mmap.sync.SharedEvent;
import shm.provider.mmap.sync.SharedMutex;
import shm.provider.mmap.sync.SharedSemaphore;

/**
 * POSIX shared memory on tmpfs, shared by every process that uses the same root: one file per object (a header page
 * {@link ObjectHeader} followed by the data, file names from {@link NameCodec}) and one {@link ObjectTable} that
 * counts, per object, the handles each live process holds. Usable as a plain library:
 * {@code try (var backend = new MmapBackend(MmapSettings.defaults())) { ... }}.
 *
 * <p>Every operation runs under the table lock. The last close in any process unlinks the object's file; a process
 * that dies has its handles released by the next operation of any participant, or by {@link #reapDeadProcesses()}.
 * Space is reserved at create unless {@link MmapSettings#reserveSpace()} is off. Each handle maps the data into an
 * {@link Arena#ofShared() arena of its own}; closing the handle closes the arena.
 *
 * <p>A file in the root that this platform did not write (wrong magic or layout version, a link, a directory, a file
 * the table does not know) or that another user owns (unless {@link MmapSettings#groupShared()}) is reported with
 * {@link ErrorReason#INCOMPATIBLE_STORE} or {@link ErrorReason#ACCESS_DENIED} and never modified or deleted.
 */
public class MmapBackend implements ShmBackend, AutoCloseable {

    /** The value of {@link ShmBackend#TYPE_PROPERTY} for this backend. */
    public static final String TYPE = "mmap";

    private static final OpenOption[] READ_ONLY = {StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS};
    private static final OpenOption[] READ_WRITE =
            {StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS};

    private final MmapSettings settings;
    private final LibC libc;
    private final ProcessIdentity self;
    private final int uid;
    private final ObjectTable table;
    private final ReentrantLock lock = new ReentrantLock();
    /** Objects this backend holds handles to, by file name. Guarded by {@link #lock}. */
    private final Map<String, OpenObject> openObjects = new HashMap<>();
    /** Guarded by {@link #lock}. */
    private boolean closed;
    /** How long parked holds are kept, in milliseconds; 0: this backend does not park. */
    private volatile long parkMillis;
    /** The parked slot this instance parks in and its deadline; -1 before the first park. Guarded by {@link #lock}. */
    private int parkingSlot = -1;
    private long parkingDeadline;
    /** Made on first use by {@link #futex()}. */
    private volatile Futex futex;

    /**
     * Prepares the root directory (created with the configured mode if missing), binds the C library and opens the
     * root's object table (created if missing).
     *
     * @throws ShmException ACCESS_DENIED or INCOMPATIBLE_STORE when the root or its table cannot be used
     */
    public MmapBackend(MmapSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        new RootDirectory(settings).prepare();
        this.libc = new LibC();
        this.self = ProcessIdentity.current();
        this.uid = RootDirectory.currentUid();
        this.table = ObjectTable.open(settings, libc, self);
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
        return locked(name, () -> {
            int slot = table.find(fileName);
            if (slot >= 0) {
                return openExisting(slot, type, name, options, true);
            }
            return createNew(fileName, type, name, size, options, pool, null);
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
        String fileName = NameCodec.UNNAMED_PREFIX + self.pid() + "." + randomSuffix();
        return locked(null, () -> createNew(fileName, type, null, size, options, pool, null));
    }

    @Override
    public BackendHandle openByRef(ObjectRef ref, MapOptions options) {
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(options, "options");
        return locked(null, () -> {
            int slot = table.slotOf(ref.value());
            if (slot < 0) {
                throw new ShmException(ErrorReason.NOT_FOUND, null, "the object of reference 0x"
                        + Long.toHexString(ref.value()) + " no longer exists");
            }
            TableEntry entry = table.entry(slot);
            String name = nameOf(entry);
            return openExisting(slot, entry.type(), name, options, true);
        });
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

    @Override
    public BackendHandle open(ObjectType type, String name, MapOptions options) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(options, "options");
        String fileName = NameCodec.fileName(name);
        return locked(name, () -> {
            int slot = table.find(fileName);
            if (slot < 0) {
                refuseUnknownFile(settings.root().resolve(fileName), name);
                throw new ShmException(ErrorReason.NOT_FOUND, name, "no object of that name exists");
            }
            return openExisting(slot, type, name, options, true);
        });
    }

    @Override
    public Optional<ObjectInfo> lookup(String name) {
        String fileName = NameCodec.fileName(name);
        return locked(name, () -> {
            int slot = table.find(fileName);
            if (slot < 0) {
                return Optional.empty();
            }
            return Optional.of(info(table.entry(slot), name));
        });
    }

    /** {@inheritDoc} Unnamed objects are not listed. */
    @Override
    public List<ObjectInfo> list() {
        return locked(null, () -> {
            List<ObjectInfo> result = new ArrayList<>();
            for (TableEntry entry : table.liveEntries()) {
                if (entry.fileName().startsWith(NameCodec.UNNAMED_PREFIX)) {
                    continue;
                }
                result.add(info(entry, nameOf(entry)));
            }
            result.sort(Comparator.comparing(ObjectInfo::name));
            return List.copyOf(result);
        });
    }

    @Override
    public List<Long> reapDeadProcesses() {
        return locked(null, () -> {
            List<Long> reaped = table.reapNow();
            removeTemporaryFilesOfDeadProcesses();
            return reaped;
        });
    }

    @Override
    public NamedEvent createOrOpenEvent(String name, boolean manualReset, boolean initiallySignaled) {
        BackendHandle handle = createOrOpenTyped(ObjectType.EVENT, name, SharedEvent.requiredBytes(),
                segment -> SharedEvent.initialize(segment, manualReset, initiallySignaled));
        return attach(handle, () -> new MmapEvent(handle, new SharedEvent(handle.segment(), futex())));
    }

    @Override
    public NamedEvent openEvent(String name) {
        BackendHandle handle = open(ObjectType.EVENT, name, MapOptions.DEFAULT);
        return attach(handle, () -> new MmapEvent(handle, new SharedEvent(handle.segment(), futex())));
    }

    @Override
    public NamedMutex createOrOpenMutex(String name, boolean initiallyOwned) {
        BackendHandle handle = createOrOpenTyped(ObjectType.MUTEX, name, SharedMutex.requiredBytes(),
                SharedMutex::initialize);
        MmapMutex mutex = attach(handle, () -> new MmapMutex(handle, new SharedMutex(handle.segment(), futex())));
        if (initiallyOwned && !handle.alreadyExisted()) {
            mutex.acquire(java.time.Duration.ZERO);
        }
        return mutex;
    }

    @Override
    public NamedMutex openMutex(String name) {
        BackendHandle handle = open(ObjectType.MUTEX, name, MapOptions.DEFAULT);
        return attach(handle, () -> new MmapMutex(handle, new SharedMutex(handle.segment(), futex())));
    }

    @Override
    public NamedSemaphore createOrOpenSemaphore(String name, long initialCount, long maximumCount) {
        if (maximumCount < 1 || initialCount < 0 || initialCount > maximumCount) {
            throw new ShmException(ErrorReason.INVALID_PARAMETER, name, "a semaphore needs 0 <= initial count <="
                    + " maximum count and a maximum of at least 1, got " + initialCount + " and " + maximumCount);
        }
        BackendHandle handle = createOrOpenTyped(ObjectType.SEMAPHORE, name, SharedSemaphore.requiredBytes(),
                segment -> SharedSemaphore.initialize(segment, initialCount, maximumCount));
        return attach(handle, () -> new MmapSemaphore(handle, new SharedSemaphore(handle.segment(), futex())));
    }

    @Override
    public NamedSemaphore openSemaphore(String name) {
        BackendHandle handle = open(ObjectType.SEMAPHORE, name, MapOptions.DEFAULT);
        return attach(handle, () -> new MmapSemaphore(handle, new SharedSemaphore(handle.segment(), futex())));
    }

    /** Create-or-open of a typed object whose new state {@code initializer} writes under the table lock. */
    private BackendHandle createOrOpenTyped(ObjectType type, String name, long size,
                                            java.util.function.Consumer<MemorySegment> initializer) {
        if (name == null) {
            String fileName = NameCodec.UNNAMED_PREFIX + self.pid() + "." + randomSuffix();
            return locked(null, () -> createNew(fileName, type, null, size, MapOptions.DEFAULT, null, initializer));
        }
        String fileName = NameCodec.fileName(name);
        return locked(name, () -> {
            int slot = table.find(fileName);
            if (slot >= 0) {
                return openExisting(slot, type, name, MapOptions.DEFAULT, true);
            }
            return createNew(fileName, type, name, size, MapOptions.DEFAULT, null, initializer);
        });
    }

    /** Attaches a primitive to a handle's mapping; a mapping that holds no such state is refused and released. */
    private static <T> T attach(BackendHandle handle, java.util.function.Supplier<T> attach) {
        try {
            return attach.get();
        } catch (IllegalArgumentException e) {
            handle.close();
            throw new ShmException(ErrorReason.INCOMPATIBLE_STORE, handle.name(), "the object's state is not what"
                    + " this platform writes: " + e.getMessage(), null, e);
        } catch (RuntimeException e) {
            handle.close();
            throw e;
        }
    }

    /** The futex binding, made on first use (most backends never wait). */
    private Futex futex() {
        Futex current = futex;
        if (current == null) {
            synchronized (this) {
                current = futex;
                if (current == null) {
                    current = new Futex();
                    futex = current;
                }
            }
        }
        return current;
    }

    /**
     * Runs table work for the descriptor tables and the directory under this backend's locks; a closed backend
     * refuses with CLOSED.
     */
    <T> T tableWork(java.util.function.Function<ObjectTable, T> work) {
        return locked(null, () -> work.apply(table));
    }

    /** The name of a live object: decoded from its file name, from its header for long names, null for unnamed. */
    private String nameOf(TableEntry entry) {
        if (entry.fileName().startsWith(NameCodec.UNNAMED_PREFIX)) {
            return null;
        }
        return NameCodec.nameOf(entry.fileName()).orElseGet(() -> readHeader(
                settings.root().resolve(entry.fileName()), null).name());
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
            RuntimeException first = null;
            for (OpenObject object : List.copyOf(openObjects.values())) {
                for (MmapHandle handle : object.handles()) {
                    try {
                        release(handle);
                    } catch (RuntimeException e) {
                        if (first == null) {
                            first = e;
                        } else {
                            first.addSuppressed(e);
                        }
                    }
                }
            }
            closed = true;
            try {
                table.locked(() -> {
                    if (openObjects.isEmpty()) {
                        table.leave();
                    }
                    return null;
                });
            } finally {
                table.close();
            }
            if (first != null) {
                throw first;
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Lets this backend park holds ({@link BackendHandle#park()}, {@link #park()}) for {@code deadline}; zero (the
     * default of the plain library) turns parking off, so that handles are released as by {@link #close()}.
     */
    public void parkHoldsFor(java.time.Duration deadline) {
        parkMillis = Math.max(0, deadline.toMillis());
    }

    /** How long parked holds are kept; zero when this backend does not park. */
    public java.time.Duration parkDeadline() {
        return java.time.Duration.ofMillis(parkMillis);
    }

    /**
     * This instance goes away while its process lives: every handle it gave out is unmapped and its hold parked in the
     * object table (see {@link ParkedHolds}) until {@link #parkDeadline()}, for the process's next open of the object,
     * through any backend instance over the same root, to take over; then the backend is closed as by
     * {@link #close()}. Without a park deadline this is {@link #close()}. Idempotent.
     *
     * @return how many holds were parked
     */
    public int park() {
        lock.lock();
        try {
            int count = 0;
            if (!closed && parkMillis > 0) {
                for (OpenObject object : List.copyOf(openObjects.values())) {
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

    /** Every hold parked in this backend's root, by any process. */
    @Override
    public List<shm.api.spi.ParkedHold> parkedHolds() {
        return locked(null, () -> table.parkedHolds().stream().map(p -> new shm.api.spi.ParkedHold(
                p.fileName().startsWith(NameCodec.UNNAMED_PREFIX) ? null : NameCodec.nameOf(p.fileName())
                        .orElseGet(() -> readHeader(settings.root().resolve(p.fileName()), null).name()),
                p.fileName(), p.pid(), p.holds(),
                java.time.Instant.ofEpochMilli(p.deadlineMillis()))).toList());
    }

    /** Parks one handle's hold; {@code false} when this backend does not park or the handle is closed. */
    boolean park(MmapHandle handle) {
        if (parkMillis == 0) {
            return false;
        }
        lock.lock();
        try {
            OpenObject object = openObjects.get(handle.fileName());
            if (closed || object == null || !handle.isOpen()) {
                return false;
            }
            boolean moved = table.locked(() -> {
                if (!table.isParkingSlot(parkingSlot, parkingDeadline)) {
                    long deadline = System.currentTimeMillis() + parkMillis;
                    int slot = table.openParkingSlot(deadline);
                    if (slot < 0) {
                        return false;
                    }
                    parkingSlot = slot;
                    parkingDeadline = deadline;
                }
                return table.parkHandle(handle.slot(), parkingSlot);
            });
            if (!moved) {
                return false;
            }
            object.remove(handle);
            if (object.isEmpty()) {
                openObjects.remove(handle.fileName());
            }
            try {
                handle.unmap();
            } catch (IllegalStateException inUse) {
                System.getLogger(MmapBackend.class.getName()).log(System.Logger.Level.WARNING, handle
                        + " was parked while a native call used its mapping; the mapping goes with the arena");
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Releases one handle: unmaps it, then removes its count from the table (the last count unlinks the object). */
    void release(MmapHandle handle) {
        lock.lock();
        try {
            OpenObject object = openObjects.get(handle.fileName());
            if (object == null || !object.remove(handle)) {
                return;
            }
            try {
                handle.unmap();
            } catch (IllegalStateException inUse) {
                object.add(handle);
                throw new ShmException(ErrorReason.WRONG_STATE, handle.name(),
                        "the mapping is in use by a native call and cannot be closed now", null, inUse);
            }
            if (object.isEmpty()) {
                openObjects.remove(handle.fileName());
            }
            table.locked(() -> table.closeHandle(handle.slot()));
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
            TableEntry entry = table.entry(handle.slot());
            if (newLogicalSize < 1 || newLogicalSize > entry.logicalSize()) {
                throw new ShmException(ErrorReason.INVALID_PARAMETER, handle.name(), "the logical size can only shrink,"
                        + " to between 1 and " + entry.logicalSize() + " bytes; " + newLogicalSize + " was asked");
            }
            table.setLogicalSize(handle.slot(), newLogicalSize);
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

    private <T> T locked(String name, java.util.function.Supplier<T> work) {
        lock.lock();
        try {
            if (closed) {
                throw new ShmException(ErrorReason.CLOSED, name, "the mmap backend at " + settings.root()
                        + " is closed");
            }
            return table.locked(work);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Creates an object; {@code initializer}, when given, writes its initial state into the fresh mapping while the
     * table lock is still held, so no other participant ever sees the object uninitialized.
     */
    private MmapHandle createNew(String fileName, ObjectType type, String name, long size, MapOptions options,
                                 String pool, java.util.function.Consumer<MemorySegment> initializer) {
        Path path = settings.root().resolve(fileName);
        refuseUnknownFile(path, name);
        int slot;
        try {
            slot = table.beginCreate(fileName, type, size, pool);
        } catch (ShmException e) {
            throw e.objectName().isPresent() ? e : new ShmException(e.reason(), name, e.rule(), null, e);
        }
        boolean linked = false;
        try {
            writeObjectFile(path, new ObjectHeader(type, size, size, name, self.pid(), System.currentTimeMillis()));
            linked = true;
            MmapHandle handle = map(path, fileName, slot, type, name, size, size, options, false);
            try {
                if (initializer != null) {
                    initializer.accept(handle.segment());
                }
                table.finishCreate(slot);
            } catch (RuntimeException e) {
                handle.unmap();
                throw e;
            }
            register(handle, path);
            return handle;
        } catch (RuntimeException e) {
            if (linked) {
                deleteQuietly(path, e);
            }
            table.abandonCreate(slot);
            throw e;
        }
    }

    private MmapHandle openExisting(int slot, ObjectType type, String name, MapOptions options,
                                    boolean alreadyExisted) {
        TableEntry entry = table.entry(slot);
        if (entry.type() != type) {
            throw new ShmException(ErrorReason.NAME_USED_BY_OTHER_TYPE, name,
                    "the name is held by an object of type " + entry.type() + ", not " + type);
        }
        Path path = settings.root().resolve(entry.fileName());
        ObjectHeader header = readHeader(path, name);
        if (header.reservedSize() != entry.reservedSize() || header.type() != entry.type()) {
            throw new ShmException(ErrorReason.INCOMPATIBLE_STORE, name, path + " does not match its object table"
                    + " entry (size or type differ); it was left untouched");
        }
        MmapHandle handle = map(path, entry.fileName(), slot, type, name, entry.reservedSize(), entry.logicalSize(),
                options, alreadyExisted);
        try {
            table.openHandle(slot);
        } catch (RuntimeException e) {
            handle.unmap();
            throw e;
        }
        register(handle, path);
        return handle;
    }

    /**
     * A file under an object's name that the table does not list was not made by this platform's protocol: refused,
     * never touched. Another user's file is named as such.
     */
    private void refuseUnknownFile(Path path, String name) {
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            RootDirectory.checkOwner(path, uid, settings.groupShared(), name);
            throw new ShmException(ErrorReason.INCOMPATIBLE_STORE, name, path + " exists but the object table does"
                    + " not know it, so it was not created by this platform's protocol; it was left untouched");
        }
    }

    private void register(MmapHandle handle, Path path) {
        openObjects.computeIfAbsent(handle.fileName(), f -> new OpenObject(path)).add(handle);
    }

    /**
     * Writes a complete object file under a temporary name and links it to {@code path}; the temporary name is
     * always removed.
     */
    private void writeObjectFile(Path path, ObjectHeader header) {
        String name = header.name();
        Path temporary = settings.root().resolve(NameCodec.TEMPORARY_PREFIX + self.pid() + "." + randomSuffix());
        long fileLength = ObjectHeader.DATA_OFFSET + header.reservedSize();
        try {
            int fd;
            try {
                fd = libc.open(temporary.toString(), LibC.O_RDWR | LibC.O_CREAT | LibC.O_EXCL | LibC.O_CLOEXEC,
                        settings.fileMode());
            } catch (LibC.Failure f) {
                throw failure(name, f.errno, "cannot create " + temporary + ": " + f.getMessage(), f);
            }
            try (Arena arena = Arena.ofConfined()) {
                libc.fchmod(fd, settings.fileMode());
                libc.ftruncate(fd, fileLength);
                if (settings.reserveSpace()) {
                    libc.reserve(fd, fileLength);
                }
                MemorySegment page = arena.allocate(ObjectHeader.DATA_OFFSET);
                header.writeTo(page);
                libc.pwriteFully(fd, page, 0);
            } catch (LibC.Failure f) {
                throw failure(name, f.errno, describeCreateFailure(f, fileLength), f);
            } finally {
                libc.close(fd);
            }
            Files.createLink(path, temporary);
        } catch (FileAlreadyExistsException e) {
            throw new ShmException(ErrorReason.INCOMPATIBLE_STORE, name, path + " appeared in the root while it was"
                    + " being created, outside the object table's protocol; it was left untouched");
        } catch (IOException e) {
            throw failure(name, "cannot create the object file " + path, e);
        } finally {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException e) {
                // invisible to lookups; the reaper removes temporary files of dead processes
            }
        }
    }

    private String describeCreateFailure(LibC.Failure f, long fileLength) {
        if (f.errno == LibC.ENOSPC || f.errno == LibC.EFBIG || f.errno == LibC.ENOMEM) {
            return "the object needs " + fileLength + " bytes (data and header page) and " + settings.root()
                    + " cannot hold them (" + f.getMessage() + ")";
        }
        return "cannot create the object file: " + f.getMessage();
    }

    /** Maps {@code logicalSize} bytes of data; on failure nothing stays mapped. */
    private MmapHandle map(Path path, String fileName, int slot, ObjectType type, String name, long reservedSize,
                           long logicalSize, MapOptions options, boolean alreadyExisted) {
        boolean writable = options.access() == Access.READ_WRITE;
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(path, writable ? READ_WRITE : READ_ONLY)) {
            MemorySegment segment = channel.map(writable ? FileChannel.MapMode.READ_WRITE
                    : FileChannel.MapMode.READ_ONLY, ObjectHeader.DATA_OFFSET, logicalSize, arena);
            if (options.lockPages() || settings.lockPages()) {
                libc.mlock(segment);
            }
            if (options.prefault() || settings.prefault()) {
                segment.load();
            }
            return new MmapHandle(this, fileName, slot, new ObjectRef(table.refOf(slot)), type, name, alreadyExisted,
                    reservedSize, arena, segment);
        } catch (IOException e) {
            arena.close();
            throw failure(name, "cannot map " + path, e);
        } catch (LibC.Failure f) {
            arena.close();
            throw failure(name, f.errno, "cannot lock the pages of " + path + " in RAM (" + f.getMessage()
                    + "; raise RLIMIT_MEMLOCK or grant CAP_IPC_LOCK)", f);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** Reads and checks an object's header; {@code expectedName} is checked against it where not {@code null}. */
    private ObjectHeader readHeader(Path path, String expectedName) {
        PosixFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw new ShmException(ErrorReason.INCOMPATIBLE_STORE, expectedName, "the object table lists " + path
                    + " but the file is gone (removed by hand?)");
        } catch (IOException e) {
            throw failure(expectedName, "cannot read the attributes of " + path, e);
        }
        if (!attributes.isRegularFile()) {
            throw new ShmException(ErrorReason.INCOMPATIBLE_STORE, expectedName, path
                    + " is not a regular file (a link, directory or device) and was not written by this platform;"
                    + " it was left untouched");
        }
        RootDirectory.checkOwner(path, uid, settings.groupShared(), expectedName);
        ObjectHeader header;
        try (FileChannel channel = FileChannel.open(path, READ_ONLY)) {
            ByteBuffer page = ByteBuffer.allocate(ObjectHeader.DATA_OFFSET);
            while (page.hasRemaining() && channel.read(page, page.position()) > 0) {
                // keep reading until the page is full or the file ends
            }
            header = ObjectHeader.readFrom(MemorySegment.ofBuffer(page.clear()), channel.size());
        } catch (IOException e) {
            throw failure(expectedName, "cannot read the header of " + path, e);
        } catch (IllegalArgumentException e) {
            throw new ShmException(ErrorReason.INCOMPATIBLE_STORE, expectedName,
                    path + " is not usable: " + e.getMessage() + "; it was left untouched");
        }
        if (expectedName != null && !expectedName.equals(header.name())) {
            throw new ShmException(ErrorReason.INCOMPATIBLE_STORE, expectedName,
                    path + " holds the object '" + header.name() + "', not this one; it was left untouched");
        }
        return header;
    }

    private ObjectInfo info(TableEntry entry, String name) {
        List<HolderInfo> holders = entry.holders().stream()
                .map(h -> new HolderInfo(h.pid(), (int) h.handles())).toList();
        return new ObjectInfo(name, entry.type(), entry.reservedSize(), entry.logicalSize(), holders,
                entry.type() == ObjectType.SHARED_MEMORY ? "" : stateOf(entry));
    }

    /** An event's, mutex's or semaphore's state in words, read through a short-lived mapping of its state block. */
    private String stateOf(TableEntry entry) {
        Path path = settings.root().resolve(entry.fileName());
        try (Arena arena = Arena.ofConfined();
             FileChannel channel = FileChannel.open(path, READ_WRITE)) {
            MemorySegment block = channel.map(FileChannel.MapMode.READ_WRITE, ObjectHeader.DATA_OFFSET,
                    entry.logicalSize(), arena);
            return switch (entry.type()) {
                case EVENT -> {
                    SharedEvent event = new SharedEvent(block, futex());
                    yield (event.isSignaled() ? "signaled" : "not signaled") + ", "
                            + (event.manualReset() ? "manual" : "auto") + " reset, " + event.waitingNow() + " waiting";
                }
                case MUTEX -> new SharedMutex(block, futex()).currentOwner()
                        .map(o -> "owned by pid " + o.pid() + " thread " + o.threadId() + " (" + o.recursion()
                                + (o.recursion() == 1 ? " level)" : " levels)"))
                        .orElse("free");
                case SEMAPHORE -> {
                    SharedSemaphore semaphore = new SharedSemaphore(block, futex());
                    yield "count " + semaphore.count() + " of " + semaphore.maximumCount();
                }
                case SHARED_MEMORY -> "";
            };
        } catch (IOException | RuntimeException e) {
            return "unreadable (" + e.getMessage() + ")";
        }
    }

    /** Removes {@code .t.<pid>.*} files whose process no longer runs. */
    private void removeTemporaryFilesOfDeadProcesses() {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(settings.root(),
                NameCodec.TEMPORARY_PREFIX + "*")) {
            for (Path file : files) {
                String[] parts = file.getFileName().toString().split("\\.");
                long pid;
                try {
                    pid = Long.parseLong(parts[2]);
                } catch (NumberFormatException | ArrayIndexOutOfBoundsException notOurs) {
                    continue;
                }
                if (!libc.processExists(pid)) {
                    Files.deleteIfExists(file);
                }
            }
        } catch (IOException e) {
            throw failure(null, "cannot clean temporary files in " + settings.root(), e);
        }
    }

    private static String randomSuffix() {
        return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
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

    private static void deleteQuietly(Path path, RuntimeException reason) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            reason.addSuppressed(e);
        }
    }

    private static ShmException failure(String name, String what, IOException e) {
        ErrorReason reason;
        if (e instanceof NoSuchFileException) {
            reason = ErrorReason.NOT_FOUND;
        } else if (e instanceof AccessDeniedException) {
            reason = ErrorReason.ACCESS_DENIED;
        } else if (String.valueOf(e.getMessage()).contains("No space left on device")) {
            reason = ErrorReason.NO_MEMORY;
        } else {
            reason = ErrorReason.INTERNAL;
        }
        return new ShmException(reason, name, what + ": " + e, null, e);
    }

    private static ShmException failure(String name, int errno, String what, Exception cause) {
        ErrorReason reason = switch (errno) {
            case LibC.ENOSPC, LibC.ENOMEM, LibC.EFBIG -> ErrorReason.NO_MEMORY;
            case LibC.EACCES, LibC.EPERM -> ErrorReason.ACCESS_DENIED;
            default -> ErrorReason.INTERNAL;
        };
        return new ShmException(reason, name, what, null, cause);
    }
}
