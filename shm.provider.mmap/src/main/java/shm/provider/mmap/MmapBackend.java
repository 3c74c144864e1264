package shm.provider.mmap;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

import shm.api.Access;
import shm.api.ErrorReason;
import shm.api.HolderInfo;
import shm.api.MapOptions;
import shm.api.ObjectInfo;
import shm.api.ObjectType;
import shm.api.ShmException;
import shm.api.spi.BackendHandle;
import shm.api.spi.ShmBackend;

/**
 * POSIX shared memory on tmpfs: one file per named object under {@link MmapSettings#root()}, a header page
 * ({@link ObjectHeader}) followed by the data, file names from {@link NameCodec}. Usable as a plain library:
 * {@code try (var backend = new MmapBackend(MmapSettings.defaults())) { ... }}.
 *
 * <p>An object file appears in the root only complete: it is written under a temporary name and then linked to its
 * final name, which fails if another creator was first (that creator wins, this call opens its object). Space is
 * reserved at create unless {@link MmapSettings#reserveSpace()} is off. Each handle maps the data into an
 * {@link Arena#ofShared() arena of its own}; closing the handle closes the arena.
 *
 * <p>Handle counts are kept per object in this process, and the last close in this process unlinks the file.
 * Counting across processes needs the shared object table, which this class does not have yet.
 *
 * <p>A file in the root that this class did not write (wrong magic, wrong layout version, a symbolic link, a
 * directory) is reported with {@link ErrorReason#INCOMPATIBLE_STORE} and never modified or deleted.
 */
public class MmapBackend implements ShmBackend, AutoCloseable {

    /** The value of {@link ShmBackend#TYPE_PROPERTY} for this backend. */
    public static final String TYPE = "mmap";

    private static final OpenOption[] READ_ONLY = {StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS};
    private static final OpenOption[] READ_WRITE =
            {StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS};

    private final MmapSettings settings;
    private final LibC libc;
    private final long pid = ProcessHandle.current().pid();
    private final ReentrantLock lock = new ReentrantLock();
    /** Objects this process holds handles to, by file name. Guarded by {@link #lock}. */
    private final Map<String, OpenObject> openObjects = new HashMap<>();
    /** Guarded by {@link #lock}. */
    private long sequence;
    /** Guarded by {@link #lock}. */
    private boolean closed;

    /**
     * Prepares the root directory (created with the configured mode if missing) and binds the C library.
     *
     * @throws ShmException ACCESS_DENIED or INCOMPATIBLE_STORE when the root cannot be used
     */
    public MmapBackend(MmapSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        new RootDirectory(settings).prepare();
        this.libc = new LibC();
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
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(options, "options");
        String fileName = NameCodec.fileName(name);
        checkSize(name, size);
        lock.lock();
        try {
            ensureOpen(name);
            Path path = settings.root().resolve(fileName);
            for (int attempt = 1; ; attempt++) {
                if (!exists(path) && createFile(path, type, name, size)) {
                    return map(path, fileName, type, name, options, false, true);
                }
                try {
                    return map(path, fileName, type, name, options, true, false);
                } catch (ShmException e) {
                    // Another process may unlink the object between our check and our open: create it then.
                    if (e.reason() != ErrorReason.NOT_FOUND || attempt == 3) {
                        throw e;
                    }
                }
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public BackendHandle createUnnamed(ObjectType type, long size, MapOptions options) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(options, "options");
        checkSize(null, size);
        lock.lock();
        try {
            ensureOpen(null);
            String fileName = NameCodec.UNNAMED_PREFIX + pid + "." + (++sequence);
            Path path = settings.root().resolve(fileName);
            if (!createFile(path, type, null, size)) {
                throw new ShmException(ErrorReason.INCOMPATIBLE_STORE, null,
                        "the file " + path + " for a new unnamed object already exists; it was left untouched");
            }
            return map(path, fileName, type, null, options, false, true);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public BackendHandle open(ObjectType type, String name, MapOptions options) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(options, "options");
        String fileName = NameCodec.fileName(name);
        lock.lock();
        try {
            ensureOpen(name);
            return map(settings.root().resolve(fileName), fileName, type, name, options, true, false);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Optional<ObjectInfo> lookup(String name) {
        String fileName = NameCodec.fileName(name);
        lock.lock();
        try {
            ensureOpen(name);
            Path path = settings.root().resolve(fileName);
            if (!exists(path)) {
                return Optional.empty();
            }
            ObjectHeader header = readHeader(path, name);
            return Optional.of(info(fileName, header));
        } finally {
            lock.unlock();
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Unnamed objects, files being created and files this backend did not write are not listed; a file whose
     * header cannot be read is skipped here and reported by {@link #lookup} and {@link #open}.
     */
    @Override
    public List<ObjectInfo> list() {
        lock.lock();
        try {
            ensureOpen(null);
            List<ObjectInfo> result = new ArrayList<>();
            try (DirectoryStream<Path> files = Files.newDirectoryStream(settings.root())) {
                for (Path path : files) {
                    String fileName = path.getFileName().toString();
                    Optional<String> name = NameCodec.nameOf(fileName);
                    if (name.isEmpty() && !NameCodec.isHashed(fileName)) {
                        continue;
                    }
                    try {
                        ObjectHeader header = readHeader(path, name.orElse(null));
                        result.add(info(fileName, header));
                    } catch (ShmException unreadable) {
                        if (unreadable.reason() != ErrorReason.NOT_FOUND
                                && unreadable.reason() != ErrorReason.INCOMPATIBLE_STORE) {
                            throw unreadable;
                        }
                    }
                }
            } catch (IOException e) {
                throw failure(null, "cannot list the root directory " + settings.root(), e);
            }
            result.sort(Comparator.comparing(ObjectInfo::name));
            return List.copyOf(result);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Closes every handle this backend gave out (unlinking objects whose last handle in this process that was) and
     * refuses further calls. Idempotent.
     */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
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
            if (first != null) {
                throw first;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Releases one handle: unmaps it and, when it was this process's last handle of the object, unlinks the file. */
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
                try {
                    Files.deleteIfExists(object.path());
                } catch (IOException e) {
                    throw failure(handle.name(), "cannot unlink " + object.path() + " after its last close", e);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Lowers the logical size recorded in the object's header. */
    void shrinkLogicalSize(MmapHandle handle, long newLogicalSize) {
        lock.lock();
        try {
            if (!handle.isOpen()) {
                throw new ShmException(ErrorReason.CLOSED, handle.name(), "the handle is closed");
            }
            Path path = settings.root().resolve(handle.fileName());
            ObjectHeader header = readHeader(path, handle.name());
            if (newLogicalSize < 1 || newLogicalSize > header.logicalSize()) {
                throw new ShmException(ErrorReason.INVALID_PARAMETER, handle.name(), "the logical size can only shrink,"
                        + " to between 1 and " + header.logicalSize() + " bytes; " + newLogicalSize + " was asked");
            }
            try (FileChannel channel = FileChannel.open(path, READ_WRITE)) {
                ByteBuffer field = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN)
                        .putLong(0, newLogicalSize);
                while (field.hasRemaining()) {
                    channel.write(field, ObjectHeader.LOGICAL_SIZE_OFFSET + field.position());
                }
            } catch (IOException e) {
                throw failure(handle.name(), "cannot write the logical size of " + path, e);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Creates a complete object file at {@code path}: written under a temporary name, then linked.
     *
     * @return {@code false} when another creator linked the name first (nothing of ours is left behind)
     */
    private boolean createFile(Path path, ObjectType type, String name, long size) {
        Path temporary = settings.root().resolve(NameCodec.TEMPORARY_PREFIX + pid + "." + (++sequence));
        long fileLength = ObjectHeader.DATA_OFFSET + size;
        try {
            writeNewFile(temporary, new ObjectHeader(type, size, size, name, pid, System.currentTimeMillis()),
                    fileLength);
            Files.createLink(path, temporary);
            return true;
        } catch (FileAlreadyExistsException raceLost) {
            return false;
        } catch (IOException e) {
            throw failure(name, "cannot create the object file " + path, e);
        } finally {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException e) {
                // The temporary name is ours alone and invisible to lookups; a failed delete leaves it for the
                // operator, and must not hide the outcome of the create.
            }
        }
    }

    private void writeNewFile(Path temporary, ObjectHeader header, long fileLength) {
        String name = header.name();
        int fd;
        try {
            fd = libc.open(temporary.toString(), LibC.O_RDWR | LibC.O_CREAT | LibC.O_EXCL | LibC.O_CLOEXEC,
                    settings.fileMode());
        } catch (LibC.Failure f) {
            throw failure(name, f.errno, "cannot create " + temporary, f);
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
    }

    private String describeCreateFailure(LibC.Failure f, long fileLength) {
        if (f.errno == LibC.ENOSPC || f.errno == LibC.EFBIG || f.errno == LibC.ENOMEM) {
            return "the object needs " + fileLength + " bytes (data and header page) and " + settings.root()
                    + " cannot hold them (" + f.getMessage() + ")";
        }
        return "cannot create the object file: " + f.getMessage();
    }

    /** Opens and maps an object file; {@code created} says whether this call created it (to undo on failure). */
    private MmapHandle map(Path path, String fileName, ObjectType type, String name, MapOptions options,
                           boolean alreadyExisted, boolean created) {
        try {
            ObjectHeader header = readHeader(path, name);
            if (header.type() != type) {
                throw new ShmException(ErrorReason.NAME_USED_BY_OTHER_TYPE, name,
                        "the name is held by an object of type " + header.type() + ", not " + type);
            }
            boolean writable = options.access() == Access.READ_WRITE;
            Arena arena = Arena.ofShared();
            try (FileChannel channel = FileChannel.open(path, writable ? READ_WRITE : READ_ONLY)) {
                MemorySegment segment = channel.map(writable ? FileChannel.MapMode.READ_WRITE
                        : FileChannel.MapMode.READ_ONLY, ObjectHeader.DATA_OFFSET, header.logicalSize(), arena);
                if (options.lockPages() || settings.lockPages()) {
                    libc.mlock(segment);
                }
                if (options.prefault() || settings.prefault()) {
                    segment.load();
                }
                MmapHandle handle = new MmapHandle(this, fileName, type, name, alreadyExisted, header.reservedSize(),
                        arena, segment);
                openObjects.computeIfAbsent(fileName, f -> new OpenObject(path)).add(handle);
                return handle;
            } catch (IOException e) {
                arena.close();
                throw failure(name, "cannot map " + path, e);
            } catch (LibC.Failure f) {
                arena.close();
                throw failure(name, f.errno, "cannot lock the pages of " + path + " in RAM (" + f.getMessage()
                        + "; raise RLIMIT_MEMLOCK or grant CAP_IPC_LOCK)", f);
            } catch (RuntimeException | Error e) {
                arena.close();
                throw e;
            }
        } catch (RuntimeException e) {
            if (created) {
                deleteQuietly(path, e);
            }
            throw e;
        }
    }

    /** Reads and checks an object's header; {@code expectedName} is checked against it where not {@code null}. */
    private ObjectHeader readHeader(Path path, String expectedName) {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw new ShmException(ErrorReason.NOT_FOUND, expectedName, "no object of that name exists");
        } catch (IOException e) {
            throw failure(expectedName, "cannot read the attributes of " + path, e);
        }
        if (!attributes.isRegularFile()) {
            throw new ShmException(ErrorReason.INCOMPATIBLE_STORE, expectedName, path
                    + " is not a regular file (a link, directory or device) and was not written by this platform;"
                    + " it was left untouched");
        }
        ObjectHeader header;
        try (FileChannel channel = FileChannel.open(path, READ_ONLY)) {
            ByteBuffer page = ByteBuffer.allocate(ObjectHeader.DATA_OFFSET);
            while (page.hasRemaining() && channel.read(page, page.position()) > 0) {
                // keep reading until the page is full or the file ends
            }
            header = ObjectHeader.readFrom(MemorySegment.ofBuffer(page.clear()), channel.size());
        } catch (NoSuchFileException e) {
            throw new ShmException(ErrorReason.NOT_FOUND, expectedName, "no object of that name exists");
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

    private ObjectInfo info(String fileName, ObjectHeader header) {
        OpenObject object = openObjects.get(fileName);
        List<HolderInfo> holders = object == null ? List.of() : List.of(new HolderInfo(pid, object.handles().size()));
        return new ObjectInfo(header.name(), header.type(), header.reservedSize(), header.logicalSize(), holders);
    }

    private void ensureOpen(String name) {
        if (closed) {
            throw new ShmException(ErrorReason.CLOSED, name, "the mmap backend at " + settings.root() + " is closed");
        }
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

    private static boolean exists(Path path) {
        return Files.exists(path, LinkOption.NOFOLLOW_LINKS);
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
