package shm.provider.mmap;

import static shm.provider.mmap.TableLayout.*;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import shm.api.ErrorReason;
import shm.api.ObjectType;
import shm.api.ShmException;

/**
 * The shared object table of one root ({@link TableLayout}): which objects exist, their sizes and state, and which
 * live processes hold how many handles to each.
 *
 * <p><b>Locking.</b> {@link #locked} serializes the threads of this JVM with a {@link ReentrantLock} and the
 * processes with {@code flock} on the table file, which the kernel drops when its holder dies. The file lock is
 * polled with a deadline ({@link #LOCK_TIMEOUT_MILLIS}), so a hung holder gives a clear error instead of a hang.
 *
 * <p><b>Crash safety.</b> Every change of the table is a transaction with an undo journal: the old value of each word
 * is appended to the journal before the word is written, the journal count is cleared to commit. The next lock
 * holder rolls back a journal it finds non-empty. Steps that touch files (create, unlink) are bracketed by committed
 * intents ({@link TableLayout#CREATING}, {@link TableLayout#DESTROYING}); since every operation finishes under the
 * lock, an intent seen by the next lock holder belongs to a writer that died, and is finished by removing the file
 * and freeing the slot. Dead processes (pid and start time) have their handles released on every lock acquisition.
 *
 * <p>Word access and the journal are in {@link TableWords}; the memory pools, descriptor tables and directory are
 * {@link MemoryPools}, {@link DescriptorSlots} and {@link DirectoryEntries}, used through this class's lock.
 *
 * <p>Not thread-safe by itself outside {@link #locked}; every other method must be called inside it.
 */
final class ObjectTable implements AutoCloseable {

    /** How long a caller waits for the table lock before giving up. */
    static final long LOCK_TIMEOUT_MILLIS = 10_000;
    /** How long a verified start time is trusted before it is read again from {@code /proc}. */
    private static final long START_TIME_RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    private static final ValueLayout.OfLong WORD = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final byte[] MAGIC = "SHMTABL\0".getBytes(StandardCharsets.US_ASCII);

    /** Test hook: called at every point where a process could die; throws to simulate a kill. */
    interface CrashPoint {
        void reached(String where);
    }

    private final MmapSettings settings;
    private final Path root;
    private final Path path;
    private final LibC libc;
    private final ProcessIdentity self;
    /** The open table file; replaced when the file was unlinked by the last participant and made anew. */
    private int fd;
    private Arena arena;
    private long inode;
    /** The mapped table as words, and its sections; replaced with the mapping. */
    private TableWords w;
    private MemoryPools pools;
    private DescriptorSlots descriptors;
    private DirectoryEntries directory;
    private ParkedHolds parked;
    private final ReentrantLock jvmLock = new ReentrantLock();
    /** Process slot to the time its start time was last verified. Guarded by {@link #jvmLock}. */
    private final Map<Integer, Long> verifiedAt = new HashMap<>();
    /** Guarded by {@link #jvmLock}. */
    private int selfSlot = -1;
    /** Pids reaped when the lock was taken for the work now running. Guarded by {@link #jvmLock}. */
    private List<Long> reapedOnEntry = List.of();

    private ObjectTable(MmapSettings settings, LibC libc, ProcessIdentity self) {
        this.settings = settings;
        this.root = settings.root();
        this.path = root.resolve(FILE_NAME);
        this.libc = libc;
        this.self = self;
    }

    /**
     * Opens the root's table, creating it complete (under a temporary name, then linked) if it is missing.
     *
     * @throws ShmException INCOMPATIBLE_STORE for a table of another layout, ACCESS_DENIED, NO_MEMORY
     */
    static ObjectTable open(MmapSettings settings, LibC libc, ProcessIdentity self) {
        ObjectTable objectTable = new ObjectTable(settings, libc, self);
        objectTable.attach();
        return objectTable;
    }

    /** Opens (creating it if missing) and maps the table file. */
    private void attach() {
        Path file = path;
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            create(settings, libc, self, file);
        }
        int newFd;
        try {
            newFd = libc.open(file.toString(), LibC.O_RDWR | LibC.O_CLOEXEC, 0);
        } catch (LibC.Failure f) {
            throw new ShmException(f.errno == LibC.EACCES ? ErrorReason.ACCESS_DENIED : ErrorReason.INTERNAL, null,
                    "cannot open the object table " + file + ": " + f.getMessage(), null, f);
        }
        Arena newArena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS)) {
            RootDirectory.checkOwner(file, RootDirectory.currentUid(), settings.groupShared(), null);
            long size = channel.size();
            if (size < HEADER_SIZE) {
                throw incompatible(file, "it is " + size + " bytes, shorter than a table header");
            }
            MemorySegment mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, size, newArena);
            checkHeader(file, mapped);
            fd = newFd;
            arena = newArena;
            inode = inodeOfDescriptor(newFd);
            TableWords previous = w;
            w = new TableWords(mapped);
            if (previous != null) {
                w.crashPoint(previous.crashPoint());
            }
            pools = new MemoryPools(w, root);
            descriptors = new DescriptorSlots(w, root);
            directory = new DirectoryEntries(w, root);
            parked = new ParkedHolds(w, self);
            selfSlot = -1;
            verifiedAt.clear();
        } catch (IOException e) {
            newArena.close();
            libc.close(newFd);
            throw new ShmException(ErrorReason.INTERNAL, null, "cannot map the object table " + file + ": " + e,
                    null, e);
        } catch (RuntimeException e) {
            newArena.close();
            libc.close(newFd);
            throw e;
        }
    }

    private static long inodeOfDescriptor(int fd) throws IOException {
        return (Long) Files.getAttribute(Path.of("/proc/self/fd/" + fd), "unix:ino");
    }

    /** Whether the table file under its name is still the one this object has open. */
    private boolean stillLinked() {
        try {
            return (Long) Files.getAttribute(path, "unix:ino", LinkOption.NOFOLLOW_LINKS) == inode;
        } catch (IOException gone) {
            return false;
        }
    }

    private void detach() {
        arena.close();
        libc.close(fd);
    }

    private static void create(MmapSettings settings, LibC libc, ProcessIdentity self, Path file) {
        long journalOffset = HEADER_SIZE;
        long processOffset = journalOffset + DEFAULT_JOURNAL_CAPACITY * JOURNAL_ENTRY_SIZE;
        long objectOffset = processOffset + DEFAULT_PROCESS_CAPACITY * PROCESS_SLOT_SIZE;
        long descriptorOffset = objectOffset + DEFAULT_OBJECT_CAPACITY * OBJECT_SLOT_SIZE;
        long directoryOffset = descriptorOffset + DEFAULT_DESCRIPTOR_SLOTS * DESCRIPTOR_SLOT_SIZE;
        long size = directoryOffset + DEFAULT_DIRECTORY_CAPACITY * DIRECTORY_ENTRY_SIZE;
        Path temporary = settings.root().resolve(NameCodec.TEMPORARY_PREFIX + self.pid() + ".table." + System.nanoTime());
        try {
            int fd = libc.open(temporary.toString(), LibC.O_RDWR | LibC.O_CREAT | LibC.O_EXCL | LibC.O_CLOEXEC,
                    settings.fileMode());
            try (Arena arena = Arena.ofConfined()) {
                libc.fchmod(fd, settings.fileMode());
                libc.ftruncate(fd, size);
                if (settings.reserveSpace()) {
                    libc.reserve(fd, size);
                }
                MemorySegment header = arena.allocate(HEADER_SIZE);
                MemorySegment.copy(MAGIC, 0, header, ValueLayout.JAVA_BYTE, MAGIC_OFFSET, MAGIC.length);
                header.set(INT, VERSION_OFFSET, LAYOUT_VERSION);
                header.set(INT, HEADER_SIZE_OFFSET, HEADER_SIZE);
                header.set(WORD, OBJECT_CAPACITY_OFFSET, DEFAULT_OBJECT_CAPACITY);
                header.set(WORD, PROCESS_CAPACITY_OFFSET, DEFAULT_PROCESS_CAPACITY);
                header.set(WORD, DESCRIPTOR_SLOTS_OFFSET, DEFAULT_DESCRIPTOR_SLOTS);
                header.set(WORD, DIRECTORY_CAPACITY_OFFSET, DEFAULT_DIRECTORY_CAPACITY);
                header.set(WORD, DIRECTORY_OFFSET_OFFSET, directoryOffset);
                header.set(WORD, JOURNAL_CAPACITY_OFFSET, DEFAULT_JOURNAL_CAPACITY);
                header.set(WORD, JOURNAL_OFFSET_OFFSET, journalOffset);
                header.set(WORD, PROCESS_OFFSET_OFFSET, processOffset);
                header.set(WORD, OBJECT_OFFSET_OFFSET, objectOffset);
                header.set(WORD, DESCRIPTOR_OFFSET_OFFSET, descriptorOffset);
                header.set(WORD, TABLE_SIZE_OFFSET, size);
                libc.pwriteFully(fd, header, 0);
            } finally {
                libc.close(fd);
            }
            Files.createLink(file, temporary);
        } catch (FileAlreadyExistsException anotherCreatorWasFirst) {
            // that creator's table is complete: it was linked only after being written
        } catch (LibC.Failure f) {
            throw new ShmException(f.errno == LibC.ENOSPC ? ErrorReason.NO_MEMORY : ErrorReason.INTERNAL, null,
                    "cannot create the object table " + file + ": " + f.getMessage(), null, f);
        } catch (IOException e) {
            throw new ShmException(ErrorReason.INTERNAL, null, "cannot create the object table " + file + ": " + e,
                    null, e);
        } finally {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException ignored) {
                // left for the reaper, which removes temporary files of dead processes
            }
        }
    }

    private static void checkHeader(Path file, MemorySegment table) {
        byte[] magic = table.asSlice(MAGIC_OFFSET, MAGIC.length).toArray(ValueLayout.JAVA_BYTE);
        if (!Arrays.equals(magic, MAGIC)) {
            throw incompatible(file, "it does not start with the SHMTABL magic");
        }
        int version = table.get(INT, VERSION_OFFSET);
        if (version != LAYOUT_VERSION) {
            throw incompatible(file, "its layout version is " + version + ", this code reads version "
                    + LAYOUT_VERSION + "; use a matching release or another root");
        }
        long objects = table.get(WORD, OBJECT_CAPACITY_OFFSET);
        long size = table.get(WORD, TABLE_SIZE_OFFSET);
        boolean sane = table.get(INT, HEADER_SIZE_OFFSET) == HEADER_SIZE && objects > 0 && Long.bitCount(objects) == 1
                && table.get(WORD, PROCESS_CAPACITY_OFFSET) > 0 && table.get(WORD, JOURNAL_CAPACITY_OFFSET) > 0
                && size == table.byteSize()
                && table.get(WORD, OBJECT_OFFSET_OFFSET) + objects * OBJECT_SLOT_SIZE <= size
                && table.get(WORD, DESCRIPTOR_OFFSET_OFFSET)
                        + table.get(WORD, DESCRIPTOR_SLOTS_OFFSET) * DESCRIPTOR_SLOT_SIZE <= size
                && table.get(WORD, DIRECTORY_OFFSET_OFFSET)
                        + table.get(WORD, DIRECTORY_CAPACITY_OFFSET) * DIRECTORY_ENTRY_SIZE <= size;
        if (!sane) {
            throw incompatible(file, "its header describes sections that do not fit its " + table.byteSize()
                    + " bytes");
        }
    }

    private static ShmException incompatible(Path file, String why) {
        return new ShmException(ErrorReason.INCOMPATIBLE_STORE, null,
                "the object table " + file + " cannot be used: " + why + "; it was left untouched");
    }

    // ------------------------------------------------------------------ locking

    /**
     * Runs {@code work} holding the table lock, after rolling back what a dead writer left and releasing the handles
     * of dead processes.
     */
    <T> T locked(Supplier<T> work) {
        jvmLock.lock();
        try {
            acquireFileLock();
            while (!stillLinked()) {
                // The last participant removed this table after we opened it: use the current one.
                releaseFileLock();
                detach();
                attach();
                acquireFileLock();
            }
            try {
                recover();
                registerSelf();
                reapedOnEntry = reapDeadProcesses();
                return work.get();
            } finally {
                releaseFileLock();
            }
        } finally {
            jvmLock.unlock();
        }
    }

    private void acquireFileLock() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LOCK_TIMEOUT_MILLIS);
        long pauseNanos = 20_000;
        try {
            while (!libc.tryLockExclusive(fd)) {
                if (System.nanoTime() - deadline > 0) {
                    throw new ShmException(ErrorReason.INTERNAL, null, "the object table of " + root
                            + " stayed locked by another live process for " + LOCK_TIMEOUT_MILLIS + " ms");
                }
                TimeUnit.NANOSECONDS.sleep(pauseNanos);
                pauseNanos = Math.min(pauseNanos * 2, 2_000_000);
            }
        } catch (LibC.Failure f) {
            throw new ShmException(ErrorReason.INTERNAL, null, "cannot lock the object table of " + root + ": "
                    + f.getMessage(), null, f);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ShmException(ErrorReason.INTERNAL, null, "interrupted while waiting for the object table lock");
        }
    }

    private void releaseFileLock() {
        try {
            libc.unlock(fd);
        } catch (LibC.Failure f) {
            throw new ShmException(ErrorReason.INTERNAL, null, "cannot unlock the object table of " + root + ": "
                    + f.getMessage(), null, f);
        }
    }

    // ------------------------------------------------------------------ recovery and reaping

    private void recover() {
        if (w.header(JOURNAL_COUNT_OFFSET) != 0) {
            w.rollback();
        }
        if (w.header(PENDING_INTENTS_OFFSET) == 0) {
            return;
        }
        for (int slot = 0; slot < w.objectCapacity; slot++) {
            long state = w.objectWord(slot, OBJECT_STATE);
            if (state == CREATING || state == DESTROYING) {
                finishDestroy(slot);
            }
        }
    }

    private void registerSelf() {
        if (selfSlot >= 0 && w.processWord(selfSlot, PROCESS_STATE) == PROCESS_LIVE
                && w.processWord(selfSlot, PROCESS_PID) == self.pid()
                && w.processWord(selfSlot, PROCESS_START_TIME) == self.startTime()) {
            return;
        }
        int free = -1;
        for (int slot = 0; slot < w.processCapacity; slot++) {
            if (w.processWord(slot, PROCESS_STATE) == PROCESS_LIVE) {
                if (w.processWord(slot, PROCESS_PID) == self.pid()
                        && w.processWord(slot, PROCESS_START_TIME) == self.startTime()) {
                    selfSlot = slot;
                    return;
                }
            } else if (free < 0 && w.processWord(slot, PROCESS_STATE) == PROCESS_FREE) {
                free = slot; // a parked slot (state 2) is not free
            }
        }
        if (free < 0) {
            throw new ShmException(ErrorReason.LIMIT, null, "the object table of " + root + " has room for "
                    + w.processCapacity + " processes and all are in use");
        }
        int slot = free;
        w.transaction(() -> {
            w.putProcess(slot, PROCESS_PID, self.pid());
            w.putProcess(slot, PROCESS_START_TIME, self.startTime());
            w.putProcess(slot, PROCESS_HANDLES, 0);
            w.putProcess(slot, PROCESS_STATE, PROCESS_LIVE);
        });
        selfSlot = slot;
    }

    /** Releases the handles of every process in the table that is no longer running; returns their pids. */
    private List<Long> reapDeadProcesses() {
        List<Long> reaped = List.of();
        long now = System.currentTimeMillis();
        for (int slot = 0; slot < w.processCapacity; slot++) {
            boolean gone = slot != selfSlot && (w.processWord(slot, PROCESS_STATE) == PROCESS_LIVE && !isAlive(slot)
                    || parked.isParked(slot) && (parked.expired(slot, now) || !isAlive(slot)));
            if (gone) {
                if (reaped.isEmpty()) {
                    reaped = new ArrayList<>();
                }
                reaped.add(w.processWord(slot, PROCESS_PID));
                reapProcess(slot);
            }
        }
        return reaped;
    }

    private boolean isAlive(int slot) {
        long pid = w.processWord(slot, PROCESS_PID);
        if (!libc.processExists(pid)) {
            verifiedAt.remove(slot);
            return false;
        }
        long now = System.nanoTime();
        Long verified = verifiedAt.get(slot);
        if (verified != null && now - verified < START_TIME_RECHECK_NANOS) {
            return true;
        }
        boolean same = new ProcessIdentity(pid, w.processWord(slot, PROCESS_START_TIME)).isAlive();
        if (same) {
            verifiedAt.put(slot, now);
        } else {
            verifiedAt.remove(slot);
        }
        return same;
    }

    /**
     * Releases a dead process's handles one object per transaction (a process may hold thousands, more than one
     * journal can take), then frees its slot. A writer that dies part way leaves a consistent table and a slot still
     * marked live, which the next lock holder reaps further.
     */
    private void reapProcess(int processSlot) {
        for (int slot = 0; slot < w.objectCapacity; slot++) {
            if (w.objectWord(slot, OBJECT_STATE) != LIVE) {
                continue;
            }
            int h = holderIndex(slot, processSlot);
            if (h < 0) {
                continue;
            }
            int object = slot;
            boolean destroy = w.transaction(() -> {
                long remaining = w.objectWord(object, OBJECT_HANDLES) - w.holderWord(object, h, 8);
                w.putHolder(object, h, 0, 0);
                w.putHolder(object, h, 8, 0);
                w.putObject(object, OBJECT_HANDLES, remaining);
                if (remaining == 0) {
                    markDestroying(object);
                }
                return remaining == 0;
            });
            if (destroy) {
                finishDestroy(object);
            }
        }
        for (int descriptor : descriptors.ownedBy(processSlot)) {
            w.transaction(() -> descriptors.free(descriptor));
        }
        for (int binding : directory.ownedBy(processSlot)) {
            w.transaction(() -> directory.remove(binding));
        }
        w.transaction(() -> {
            w.putProcess(processSlot, PROCESS_HANDLES, 0);
            for (int t = 0; t < MAX_DESCRIPTOR_TABLES; t++) {
                w.putProcess(processSlot, PROCESS_DESCRIPTORS + t * 8L, 0);
            }
            w.putProcess(processSlot, PROCESS_STATE, PROCESS_FREE);
        });
        verifiedAt.remove(processSlot);
    }

    // ------------------------------------------------------------------ queries

    /** The slot of the object with this file name, or -1. */
    int find(String fileName) {
        long hash = TableLayout.hash(fileName);
        long mask = w.objectCapacity - 1;
        for (long i = 0, slot = hash & mask; i < w.objectCapacity; i++, slot = (slot + 1) & mask) {
            long state = w.objectWord((int) slot, OBJECT_STATE);
            if (state == EMPTY) {
                return -1;
            }
            if (state != TOMBSTONE && w.objectWord((int) slot, OBJECT_HASH) == hash
                    && fileName.equals(w.fileNameAt((int) slot))) {
                return (int) slot;
            }
        }
        return -1;
    }

    /** A snapshot of one slot. */
    TableEntry entry(int slot) {
        List<TableEntry.Holder> holders = new ArrayList<>();
        for (int h = 0; h < HOLDERS_PER_OBJECT; h++) {
            long process = w.holderWord(slot, h, 0);
            if (process != 0) {
                holders.add(new TableEntry.Holder(w.processWord((int) process - 1, PROCESS_PID),
                        w.holderWord(slot, h, 8)));
            }
        }
        return new TableEntry(slot, w.objectWord(slot, OBJECT_STATE), ObjectHeader.typeOf((int) w.objectWord(slot,
                OBJECT_TYPE)), w.objectWord(slot, OBJECT_RESERVED_SIZE), w.objectWord(slot, OBJECT_LOGICAL_SIZE),
                w.objectWord(slot, OBJECT_HANDLES), w.fileNameAt(slot), holders);
    }

    /** Every live object. */
    List<TableEntry> liveEntries() {
        List<TableEntry> entries = new ArrayList<>();
        for (int slot = 0; slot < w.objectCapacity; slot++) {
            if (w.objectWord(slot, OBJECT_STATE) == LIVE) {
                entries.add(entry(slot));
            }
        }
        return entries;
    }

    /** Handles this process holds to the object in {@code slot}. */
    long handlesOfThisProcess(int slot) {
        int h = holderIndex(slot, selfSlot);
        return h < 0 ? 0 : w.holderWord(slot, h, 8);
    }

    // ------------------------------------------------------------------ changes

    /**
     * Records the intent to create an object: a committed {@link TableLayout#CREATING} slot. Until
     * {@link #finishCreate} commits, a writer that dies leaves an intent the next lock holder cleans up.
     *
     * @param pool the memory pool to charge {@code size} to, or {@code null}
     * @return the slot
     * @throws ShmException LIMIT when the table is full, NO_MEMORY when the pool cannot hold {@code size}
     */
    int beginCreate(String fileName, ObjectType type, long size, String pool) {
        if (fileName.length() > MAX_FILE_NAME) {
            throw new IllegalArgumentException("file name longer than " + MAX_FILE_NAME + ": " + fileName);
        }
        long hash = TableLayout.hash(fileName);
        long mask = w.objectCapacity - 1;
        int free = -1;
        for (long i = 0, slot = hash & mask; i < w.objectCapacity; i++, slot = (slot + 1) & mask) {
            long state = w.objectWord((int) slot, OBJECT_STATE);
            if (state == EMPTY || state == TOMBSTONE) {
                free = (int) slot;
                break;
            }
        }
        if (free < 0) {
            throw new ShmException(ErrorReason.LIMIT, null, "the object table of " + root + " holds at most "
                    + w.objectCapacity + " objects and is full");
        }
        int slot = free;
        int poolIndex = pool == null ? -1 : pools.checkRoom(pool, size);
        w.transaction(() -> {
            if (poolIndex >= 0) {
                pools.charge(poolIndex, size);
            }
            w.putObject(slot, OBJECT_POOL, poolIndex + 1);
            w.putObject(slot, OBJECT_SERIAL, w.header(GENERATION_OFFSET) + 1);
            w.putObject(slot, OBJECT_TYPE, ObjectHeader.typeCode(type));
            w.putObject(slot, OBJECT_RESERVED_SIZE, size);
            w.putObject(slot, OBJECT_LOGICAL_SIZE, size);
            w.putObject(slot, OBJECT_HANDLES, 0);
            w.putObject(slot, OBJECT_HASH, hash);
            w.putObject(slot, OBJECT_CREATOR, selfSlot);
            byte[] name = fileName.getBytes(StandardCharsets.US_ASCII);
            w.putObject(slot, OBJECT_FILE_NAME_LENGTH, name.length);
            w.putBytes(w.objectBase(slot) + OBJECT_FILE_NAME, name, MAX_FILE_NAME);
            w.putObject(slot, OBJECT_STATE, CREATING);
            w.put(PENDING_INTENTS_OFFSET, w.header(PENDING_INTENTS_OFFSET) + 1);
        });
        return slot;
    }

    /** Turns a creation intent into a live object with one handle held by this process. */
    void finishCreate(int slot) {
        w.transaction(() -> {
            w.putObject(slot, OBJECT_STATE, LIVE);
            w.put(PENDING_INTENTS_OFFSET, w.header(PENDING_INTENTS_OFFSET) - 1);
            w.put(LIVE_OBJECTS_OFFSET, w.header(LIVE_OBJECTS_OFFSET) + 1);
            addHandle(slot);
        });
    }

    /** Abandons a creation intent whose file was never linked or was already removed. */
    void abandonCreate(int slot) {
        w.transaction(() -> {
            w.put(PENDING_INTENTS_OFFSET, w.header(PENDING_INTENTS_OFFSET) - 1);
            freeSlot(slot);
        });
    }

    /** Adds one handle of this process to a live object. */
    void openHandle(int slot) {
        w.transaction(() -> addHandle(slot));
    }

    /**
     * Removes one handle of this process. When it was the object's last handle in any process, the object's file is
     * unlinked and its slot freed.
     *
     * @return {@code true} when the object was destroyed
     */
    boolean closeHandle(int slot) {
        boolean last = w.transaction(() -> {
            int h = holderIndex(slot, selfSlot);
            if (h < 0) {
                throw new IllegalStateException("this process holds no handle to slot " + slot);
            }
            long count = w.holderWord(slot, h, 8) - 1;
            w.putHolder(slot, h, 8, count);
            if (count == 0) {
                w.putHolder(slot, h, 0, 0);
            }
            w.putProcess(selfSlot, PROCESS_HANDLES, w.processWord(selfSlot, PROCESS_HANDLES) - 1);
            long remaining = w.objectWord(slot, OBJECT_HANDLES) - 1;
            w.putObject(slot, OBJECT_HANDLES, remaining);
            if (remaining == 0) {
                markDestroying(slot);
            }
            return remaining == 0;
        });
        if (last) {
            finishDestroy(slot);
        }
        return last;
    }

    /** Lowers the logical size of a live object. */
    void setLogicalSize(int slot, long logicalSize) {
        w.transaction(() -> w.putObject(slot, OBJECT_LOGICAL_SIZE, logicalSize));
    }

    /**
     * Releases every handle of dead processes, checking every start time again, and reports which processes were
     * reaped, including those reaped when the lock was taken for this call. Used by the operator's reaper.
     */
    List<Long> reapNow() {
        verifiedAt.clear();
        List<Long> reaped = new ArrayList<>(reapedOnEntry);
        reaped.addAll(reapDeadProcesses());
        return reaped;
    }

    /** Pids of the processes registered in the table, this one included. */
    List<Long> registeredProcesses() {
        List<Long> pids = new ArrayList<>();
        for (int slot = 0; slot < w.processCapacity; slot++) {
            if (w.processWord(slot, PROCESS_STATE) == PROCESS_LIVE) {
                pids.add(w.processWord(slot, PROCESS_PID));
            }
        }
        return pids;
    }

    /**
     * This process leaves the table: its slot is freed if it holds no handle any more, and when no process and no
     * object remain, the table file is unlinked so that an unused root is empty. (A participant that opened the
     * file meanwhile notices the unlink after taking the lock, and makes a new table.)
     */
    void leave() {
        if (selfSlot >= 0 && w.processWord(selfSlot, PROCESS_HANDLES) == 0 && descriptors.ownedBy(selfSlot).isEmpty()
                && directory.ownedBy(selfSlot).isEmpty()
                && w.processWord(selfSlot, PROCESS_STATE) == PROCESS_LIVE) {
            int slot = selfSlot;
            w.transaction(() -> w.putProcess(slot, PROCESS_STATE, PROCESS_FREE));
            selfSlot = -1;
        }
        if (registeredProcesses().isEmpty() && w.header(LIVE_OBJECTS_OFFSET) == 0
                && w.header(PENDING_INTENTS_OFFSET) == 0) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                throw new ShmException(ErrorReason.INTERNAL, null, "cannot unlink the unused object table " + path
                        + ": " + e, null, e);
            }
        }
    }

    private void addHandle(int slot) {
        if (parked.takeOver(slot, selfSlot)) {
            return;
        }
        int h = holderIndex(slot, selfSlot);
        if (h < 0) {
            for (int i = 0; i < HOLDERS_PER_OBJECT && h < 0; i++) {
                if (w.holderWord(slot, i, 0) == 0) {
                    h = i;
                }
            }
            if (h < 0) {
                throw new ShmException(ErrorReason.LIMIT, null, "an object can be held by at most "
                        + HOLDERS_PER_OBJECT + " processes at once, and " + w.fileNameAt(slot) + " is");
            }
            w.putHolder(slot, h, 0, selfSlot + 1);
        }
        w.putHolder(slot, h, 8, w.holderWord(slot, h, 8) + 1);
        w.putObject(slot, OBJECT_HANDLES, w.objectWord(slot, OBJECT_HANDLES) + 1);
        w.putProcess(selfSlot, PROCESS_HANDLES, w.processWord(selfSlot, PROCESS_HANDLES) + 1);
    }

    private void markDestroying(int slot) {
        w.putObject(slot, OBJECT_STATE, DESTROYING);
        w.put(PENDING_INTENTS_OFFSET, w.header(PENDING_INTENTS_OFFSET) + 1);
        w.put(LIVE_OBJECTS_OFFSET, w.header(LIVE_OBJECTS_OFFSET) - 1);
    }

    /** Unlinks the file of a CREATING or DESTROYING slot, then frees the slot. */
    private void finishDestroy(int slot) {
        Path file = root.resolve(w.fileNameAt(slot));
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new ShmException(ErrorReason.INTERNAL, null, "cannot unlink " + file + ": " + e, null, e);
        }
        w.crashPoint().reached("unlinked");
        w.transaction(() -> {
            w.put(PENDING_INTENTS_OFFSET, w.header(PENDING_INTENTS_OFFSET) - 1);
            for (int h = 0; h < HOLDERS_PER_OBJECT; h++) {
                w.putHolder(slot, h, 0, 0);
                w.putHolder(slot, h, 8, 0);
            }
            freeSlot(slot);
        });
    }

    private void freeSlot(int slot) {
        long pool = w.objectWord(slot, OBJECT_POOL);
        if (pool > 0) {
            int index = (int) pool - 1;
            pools.charge(index, -w.objectWord(slot, OBJECT_RESERVED_SIZE));
            w.putObject(slot, OBJECT_POOL, 0);
        }
        w.putObject(slot, OBJECT_HANDLES, 0);
        w.putObject(slot, OBJECT_STATE, TOMBSTONE);
        long mask = w.objectCapacity - 1;
        if (w.objectWord((int) ((slot + 1) & mask), OBJECT_STATE) == EMPTY) {
            for (long s = slot; w.objectWord((int) s, OBJECT_STATE) == TOMBSTONE; s = (s - 1) & mask) {
                w.putObject((int) s, OBJECT_STATE, EMPTY);
            }
        }
    }

    private int holderIndex(int slot, int processSlot) {
        for (int h = 0; h < HOLDERS_PER_OBJECT; h++) {
            if (w.holderWord(slot, h, 0) == processSlot + 1) {
                return h;
            }
        }
        return -1;
    }

    // ------------------------------------------------------------------ object references

    /** The reference of the object in {@code slot}: its slot and its serial. */
    long refOf(int slot) {
        return w.refOf(slot);
    }

    /** The live object a reference names, or -1 when it is gone (or the slot now holds another object). */
    int slotOf(long ref) {
        long slot = ref >>> REF_SERIAL_BITS;
        if (ref < 0 || slot >= w.objectCapacity) {
            return -1;
        }
        int s = (int) slot;
        return w.objectWord(s, OBJECT_STATE) == LIVE && w.sameSerial(s, ref) ? s : -1;
    }

    // ------------------------------------------------------------------ parked holds

    /** Whether {@code slot} is still a parked slot of this process with {@code deadlineMillis}. */
    boolean isParkingSlot(int slot, long deadlineMillis) {
        return parked.isOurs(slot, deadlineMillis);
    }

    /** A new parked slot of this process with {@code deadlineMillis}; -1 when the process table is full. */
    int openParkingSlot(long deadlineMillis) {
        return w.transaction(() -> parked.open(deadlineMillis));
    }

    /**
     * Moves one hold of this process on the object in {@code slot} to the parked slot {@code parkingSlot}; the object
     * lives on. Inside {@link #locked}.
     *
     * @return {@code false} when it cannot (nothing changed)
     */
    boolean parkHandle(int slot, int parkingSlot) {
        return w.transaction(() -> parked.park(slot, selfSlot, parkingSlot));
    }

    /** Every parked hold in the table. Inside {@link #locked}. */
    List<ParkedHolds.Parked> parkedHolds() {
        return parked.list();
    }

    /** Test hook: where a simulated kill strikes. */
    void crashPoint(CrashPoint point) {
        w.crashPoint(point);
    }

    /** The memory pools, for work under {@link #locked}. */
    MemoryPools pools() {
        return pools;
    }

    /** The descriptor tables, for work under {@link #locked}. */
    DescriptorSlots descriptors() {
        return descriptors;
    }

    /** The directory, for work under {@link #locked}. */
    DirectoryEntries directory() {
        return directory;
    }

    /** This process's slot in the process table, once {@link #locked} registered it. */
    int selfSlot() {
        return selfSlot;
    }

    /** The generation: how many transactions were committed. */
    long generation() {
        return w.header(GENERATION_OFFSET);
    }

    /** The number of journal entries not yet committed or rolled back. */
    long journalCount() {
        return w.header(JOURNAL_COUNT_OFFSET);
    }

    /** The number of CREATING and DESTROYING slots. */
    long pendingIntents() {
        return w.header(PENDING_INTENTS_OFFSET);
    }

    /** Unmaps the table and closes its descriptor, which drops the file lock if held. */
    @Override
    public void close() {
        jvmLock.lock();
        try {
            detach();
        } finally {
            jvmLock.unlock();
        }
    }
}
