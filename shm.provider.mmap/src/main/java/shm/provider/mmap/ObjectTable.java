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
    private MemorySegment table;
    private long inode;
    private long objectCapacity;
    private long processCapacity;
    private long journalCapacity;
    private long journalOffset;
    private long processOffset;
    private long objectOffset;
    private long descriptorSlots;
    private long descriptorOffset;
    private long directoryCapacity;
    private long directoryOffset;
    private final ReentrantLock jvmLock = new ReentrantLock();
    /** Process slot to the time its start time was last verified. Guarded by {@link #jvmLock}. */
    private final Map<Integer, Long> verifiedAt = new HashMap<>();
    /** Guarded by {@link #jvmLock}. */
    private int selfSlot = -1;
    /** Pids reaped when the lock was taken for the work now running. Guarded by {@link #jvmLock}. */
    private List<Long> reapedOnEntry = List.of();
    private volatile CrashPoint crashPoint = where -> { };

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
            table = mapped;
            inode = inodeOfDescriptor(newFd);
            objectCapacity = table.get(WORD, OBJECT_CAPACITY_OFFSET);
            processCapacity = table.get(WORD, PROCESS_CAPACITY_OFFSET);
            journalCapacity = table.get(WORD, JOURNAL_CAPACITY_OFFSET);
            journalOffset = table.get(WORD, JOURNAL_OFFSET_OFFSET);
            processOffset = table.get(WORD, PROCESS_OFFSET_OFFSET);
            objectOffset = table.get(WORD, OBJECT_OFFSET_OFFSET);
            descriptorSlots = table.get(WORD, DESCRIPTOR_SLOTS_OFFSET);
            descriptorOffset = table.get(WORD, DESCRIPTOR_OFFSET_OFFSET);
            directoryCapacity = table.get(WORD, DIRECTORY_CAPACITY_OFFSET);
            directoryOffset = table.get(WORD, DIRECTORY_OFFSET_OFFSET);
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

    // ------------------------------------------------------------------ transactions

    /** Writes one word, journaling its old value first. */
    private void put(long offset, long value) {
        long old = table.get(WORD, offset);
        if (old == value) {
            return;
        }
        long count = table.get(WORD, JOURNAL_COUNT_OFFSET);
        if (count == journalCapacity) {
            throw new IllegalStateException("a table transaction wrote more than " + journalCapacity + " words");
        }
        long entry = journalOffset + count * JOURNAL_ENTRY_SIZE;
        table.set(WORD, entry, offset);
        table.set(WORD, entry + 8, old);
        WORD.varHandle().setRelease(table, JOURNAL_COUNT_OFFSET, count + 1);
        crashPoint.reached("journaled");
        WORD.varHandle().setRelease(table, offset, value);
        crashPoint.reached("written");
    }

    /** Makes every write since the last commit permanent. */
    private void commit() {
        put(GENERATION_OFFSET, table.get(WORD, GENERATION_OFFSET) + 1);
        WORD.varHandle().setRelease(table, JOURNAL_COUNT_OFFSET, 0L);
        crashPoint.reached("committed");
    }

    /** Undoes every write since the last commit, newest first. */
    private void rollback() {
        for (long i = table.get(WORD, JOURNAL_COUNT_OFFSET) - 1; i >= 0; i--) {
            long entry = journalOffset + i * JOURNAL_ENTRY_SIZE;
            table.set(WORD, table.get(WORD, entry), table.get(WORD, entry + 8));
        }
        WORD.varHandle().setRelease(table, JOURNAL_COUNT_OFFSET, 0L);
    }

    /** Runs {@code change} as one transaction: committed if it returns, rolled back if it throws. */
    private <T> T transaction(Supplier<T> change) {
        T result;
        try {
            result = change.get();
        } catch (RuntimeException e) {
            rollback();
            throw e;
        }
        commit();
        return result;
    }

    private void transaction(Runnable change) {
        transaction(() -> {
            change.run();
            return null;
        });
    }

    // ------------------------------------------------------------------ recovery and reaping

    private void recover() {
        if (table.get(WORD, JOURNAL_COUNT_OFFSET) != 0) {
            rollback();
        }
        if (table.get(WORD, PENDING_INTENTS_OFFSET) == 0) {
            return;
        }
        for (int slot = 0; slot < objectCapacity; slot++) {
            long state = objectWord(slot, OBJECT_STATE);
            if (state == CREATING || state == DESTROYING) {
                finishDestroy(slot);
            }
        }
    }

    private void registerSelf() {
        if (selfSlot >= 0 && processWord(selfSlot, PROCESS_STATE) == PROCESS_LIVE
                && processWord(selfSlot, PROCESS_PID) == self.pid()
                && processWord(selfSlot, PROCESS_START_TIME) == self.startTime()) {
            return;
        }
        int free = -1;
        for (int slot = 0; slot < processCapacity; slot++) {
            if (processWord(slot, PROCESS_STATE) == PROCESS_LIVE) {
                if (processWord(slot, PROCESS_PID) == self.pid()
                        && processWord(slot, PROCESS_START_TIME) == self.startTime()) {
                    selfSlot = slot;
                    return;
                }
            } else if (free < 0) {
                free = slot;
            }
        }
        if (free < 0) {
            throw new ShmException(ErrorReason.LIMIT, null, "the object table of " + root + " has room for "
                    + processCapacity + " processes and all are in use");
        }
        int slot = free;
        transaction(() -> {
            putProcess(slot, PROCESS_PID, self.pid());
            putProcess(slot, PROCESS_START_TIME, self.startTime());
            putProcess(slot, PROCESS_HANDLES, 0);
            putProcess(slot, PROCESS_STATE, PROCESS_LIVE);
        });
        selfSlot = slot;
    }

    /** Releases the handles of every process in the table that is no longer running; returns their pids. */
    private List<Long> reapDeadProcesses() {
        List<Long> reaped = List.of();
        for (int slot = 0; slot < processCapacity; slot++) {
            if (slot != selfSlot && processWord(slot, PROCESS_STATE) == PROCESS_LIVE && !isAlive(slot)) {
                if (reaped.isEmpty()) {
                    reaped = new ArrayList<>();
                }
                reaped.add(processWord(slot, PROCESS_PID));
                reapProcess(slot);
            }
        }
        return reaped;
    }

    private boolean isAlive(int slot) {
        long pid = processWord(slot, PROCESS_PID);
        if (!libc.processExists(pid)) {
            verifiedAt.remove(slot);
            return false;
        }
        long now = System.nanoTime();
        Long verified = verifiedAt.get(slot);
        if (verified != null && now - verified < START_TIME_RECHECK_NANOS) {
            return true;
        }
        boolean same = new ProcessIdentity(pid, processWord(slot, PROCESS_START_TIME)).isAlive();
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
        for (int slot = 0; slot < objectCapacity; slot++) {
            if (objectWord(slot, OBJECT_STATE) != LIVE) {
                continue;
            }
            int h = holderIndex(slot, processSlot);
            if (h < 0) {
                continue;
            }
            int object = slot;
            boolean destroy = transaction(() -> {
                long remaining = objectWord(object, OBJECT_HANDLES) - holderWord(object, h, 8);
                putHolder(object, h, 0, 0);
                putHolder(object, h, 8, 0);
                putObject(object, OBJECT_HANDLES, remaining);
                if (remaining == 0) {
                    markDestroying(object);
                }
                return remaining == 0;
            });
            if (destroy) {
                finishDestroy(object);
            }
        }
        for (int slot = 0; slot < descriptorSlots; slot++) {
            if (descriptorWord(slot, DESCRIPTOR_STATE) == 1 && descriptorWord(slot, DESCRIPTOR_OWNER) == processSlot) {
                int descriptor = slot;
                transaction(() -> freeDescriptor(descriptor));
            }
        }
        for (int entry = 0; entry < directoryCapacity; entry++) {
            if (directoryWord(entry, DIRECTORY_STATE) == 1 && directoryWord(entry, DIRECTORY_OWNER) == processSlot) {
                int binding = entry;
                transaction(() -> putDirectory(binding, DIRECTORY_STATE, 0));
            }
        }
        transaction(() -> {
            putProcess(processSlot, PROCESS_HANDLES, 0);
            for (int t = 0; t < MAX_DESCRIPTOR_TABLES; t++) {
                putProcess(processSlot, PROCESS_DESCRIPTORS + t * 8L, 0);
            }
            putProcess(processSlot, PROCESS_STATE, PROCESS_FREE);
        });
        verifiedAt.remove(processSlot);
    }

    // ------------------------------------------------------------------ queries

    /** The slot of the object with this file name, or -1. */
    int find(String fileName) {
        long hash = TableLayout.hash(fileName);
        long mask = objectCapacity - 1;
        for (long i = 0, slot = hash & mask; i < objectCapacity; i++, slot = (slot + 1) & mask) {
            long state = objectWord((int) slot, OBJECT_STATE);
            if (state == EMPTY) {
                return -1;
            }
            if (state != TOMBSTONE && objectWord((int) slot, OBJECT_HASH) == hash
                    && fileName.equals(fileNameAt((int) slot))) {
                return (int) slot;
            }
        }
        return -1;
    }

    /** A snapshot of one slot. */
    TableEntry entry(int slot) {
        List<TableEntry.Holder> holders = new ArrayList<>();
        for (int h = 0; h < HOLDERS_PER_OBJECT; h++) {
            long process = holderWord(slot, h, 0);
            if (process != 0) {
                holders.add(new TableEntry.Holder(processWord((int) process - 1, PROCESS_PID),
                        holderWord(slot, h, 8)));
            }
        }
        return new TableEntry(slot, objectWord(slot, OBJECT_STATE), ObjectHeader.typeOf((int) objectWord(slot,
                OBJECT_TYPE)), objectWord(slot, OBJECT_RESERVED_SIZE), objectWord(slot, OBJECT_LOGICAL_SIZE),
                objectWord(slot, OBJECT_HANDLES), fileNameAt(slot), holders);
    }

    /** Every live object. */
    List<TableEntry> liveEntries() {
        List<TableEntry> entries = new ArrayList<>();
        for (int slot = 0; slot < objectCapacity; slot++) {
            if (objectWord(slot, OBJECT_STATE) == LIVE) {
                entries.add(entry(slot));
            }
        }
        return entries;
    }

    /** Handles this process holds to the object in {@code slot}. */
    long handlesOfThisProcess(int slot) {
        int h = holderIndex(slot, selfSlot);
        return h < 0 ? 0 : holderWord(slot, h, 8);
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
        long mask = objectCapacity - 1;
        int free = -1;
        for (long i = 0, slot = hash & mask; i < objectCapacity; i++, slot = (slot + 1) & mask) {
            long state = objectWord((int) slot, OBJECT_STATE);
            if (state == EMPTY || state == TOMBSTONE) {
                free = (int) slot;
                break;
            }
        }
        if (free < 0) {
            throw new ShmException(ErrorReason.LIMIT, null, "the object table of " + root + " holds at most "
                    + objectCapacity + " objects and is full");
        }
        int slot = free;
        int poolIndex = pool == null ? -1 : poolIndex(pool);
        if (pool != null) {
            if (poolIndex < 0) {
                throw new ShmException(ErrorReason.INVALID_PARAMETER, null, "the memory pool '" + pool
                        + "' has no limit set");
            }
            long limit = poolWord(poolIndex, POOL_LIMIT);
            long used = poolWord(poolIndex, POOL_USED);
            if (size > limit - used) {
                throw new ShmException(ErrorReason.NO_MEMORY, null, "the memory pool '" + pool + "' has " + (limit
                        - used) + " of its " + limit + " bytes free, and the object needs " + size);
            }
        }
        transaction(() -> {
            if (poolIndex >= 0) {
                putPool(poolIndex, POOL_USED, poolWord(poolIndex, POOL_USED) + size);
            }
            putObject(slot, OBJECT_POOL, poolIndex + 1);
            putObject(slot, OBJECT_SERIAL, table.get(WORD, GENERATION_OFFSET) + 1);
            putObject(slot, OBJECT_TYPE, ObjectHeader.typeCode(type));
            putObject(slot, OBJECT_RESERVED_SIZE, size);
            putObject(slot, OBJECT_LOGICAL_SIZE, size);
            putObject(slot, OBJECT_HANDLES, 0);
            putObject(slot, OBJECT_HASH, hash);
            putObject(slot, OBJECT_CREATOR, selfSlot);
            byte[] name = fileName.getBytes(StandardCharsets.US_ASCII);
            putObject(slot, OBJECT_FILE_NAME_LENGTH, name.length);
            putBytes(objectBase(slot) + OBJECT_FILE_NAME, name, MAX_FILE_NAME);
            putObject(slot, OBJECT_STATE, CREATING);
            put(PENDING_INTENTS_OFFSET, table.get(WORD, PENDING_INTENTS_OFFSET) + 1);
        });
        return slot;
    }

    /** Turns a creation intent into a live object with one handle held by this process. */
    void finishCreate(int slot) {
        transaction(() -> {
            putObject(slot, OBJECT_STATE, LIVE);
            put(PENDING_INTENTS_OFFSET, table.get(WORD, PENDING_INTENTS_OFFSET) - 1);
            put(LIVE_OBJECTS_OFFSET, table.get(WORD, LIVE_OBJECTS_OFFSET) + 1);
            addHandle(slot);
        });
    }

    /** Abandons a creation intent whose file was never linked or was already removed. */
    void abandonCreate(int slot) {
        transaction(() -> {
            put(PENDING_INTENTS_OFFSET, table.get(WORD, PENDING_INTENTS_OFFSET) - 1);
            freeSlot(slot);
        });
    }

    /** Adds one handle of this process to a live object. */
    void openHandle(int slot) {
        transaction(() -> addHandle(slot));
    }

    /**
     * Removes one handle of this process. When it was the object's last handle in any process, the object's file is
     * unlinked and its slot freed.
     *
     * @return {@code true} when the object was destroyed
     */
    boolean closeHandle(int slot) {
        boolean last = transaction(() -> {
            int h = holderIndex(slot, selfSlot);
            if (h < 0) {
                throw new IllegalStateException("this process holds no handle to slot " + slot);
            }
            long count = holderWord(slot, h, 8) - 1;
            putHolder(slot, h, 8, count);
            if (count == 0) {
                putHolder(slot, h, 0, 0);
            }
            putProcess(selfSlot, PROCESS_HANDLES, processWord(selfSlot, PROCESS_HANDLES) - 1);
            long remaining = objectWord(slot, OBJECT_HANDLES) - 1;
            putObject(slot, OBJECT_HANDLES, remaining);
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
        transaction(() -> putObject(slot, OBJECT_LOGICAL_SIZE, logicalSize));
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
        for (int slot = 0; slot < processCapacity; slot++) {
            if (processWord(slot, PROCESS_STATE) == PROCESS_LIVE) {
                pids.add(processWord(slot, PROCESS_PID));
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
        if (selfSlot >= 0 && processWord(selfSlot, PROCESS_HANDLES) == 0 && !ownsDescriptorsOrBindings(selfSlot)
                && processWord(selfSlot, PROCESS_STATE) == PROCESS_LIVE) {
            int slot = selfSlot;
            transaction(() -> putProcess(slot, PROCESS_STATE, PROCESS_FREE));
            selfSlot = -1;
        }
        if (registeredProcesses().isEmpty() && table.get(WORD, LIVE_OBJECTS_OFFSET) == 0
                && table.get(WORD, PENDING_INTENTS_OFFSET) == 0) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                throw new ShmException(ErrorReason.INTERNAL, null, "cannot unlink the unused object table " + path
                        + ": " + e, null, e);
            }
        }
    }

    private void addHandle(int slot) {
        int h = holderIndex(slot, selfSlot);
        if (h < 0) {
            for (int i = 0; i < HOLDERS_PER_OBJECT && h < 0; i++) {
                if (holderWord(slot, i, 0) == 0) {
                    h = i;
                }
            }
            if (h < 0) {
                throw new ShmException(ErrorReason.LIMIT, null, "an object can be held by at most "
                        + HOLDERS_PER_OBJECT + " processes at once, and " + fileNameAt(slot) + " is");
            }
            putHolder(slot, h, 0, selfSlot + 1);
        }
        putHolder(slot, h, 8, holderWord(slot, h, 8) + 1);
        putObject(slot, OBJECT_HANDLES, objectWord(slot, OBJECT_HANDLES) + 1);
        putProcess(selfSlot, PROCESS_HANDLES, processWord(selfSlot, PROCESS_HANDLES) + 1);
    }

    private void markDestroying(int slot) {
        putObject(slot, OBJECT_STATE, DESTROYING);
        put(PENDING_INTENTS_OFFSET, table.get(WORD, PENDING_INTENTS_OFFSET) + 1);
        put(LIVE_OBJECTS_OFFSET, table.get(WORD, LIVE_OBJECTS_OFFSET) - 1);
    }

    /** Unlinks the file of a CREATING or DESTROYING slot, then frees the slot. */
    private void finishDestroy(int slot) {
        Path file = root.resolve(fileNameAt(slot));
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new ShmException(ErrorReason.INTERNAL, null, "cannot unlink " + file + ": " + e, null, e);
        }
        crashPoint.reached("unlinked");
        transaction(() -> {
            put(PENDING_INTENTS_OFFSET, table.get(WORD, PENDING_INTENTS_OFFSET) - 1);
            for (int h = 0; h < HOLDERS_PER_OBJECT; h++) {
                putHolder(slot, h, 0, 0);
                putHolder(slot, h, 8, 0);
            }
            freeSlot(slot);
        });
    }

    private void freeSlot(int slot) {
        long pool = objectWord(slot, OBJECT_POOL);
        if (pool > 0) {
            int index = (int) pool - 1;
            putPool(index, POOL_USED, poolWord(index, POOL_USED) - objectWord(slot, OBJECT_RESERVED_SIZE));
            putObject(slot, OBJECT_POOL, 0);
        }
        putObject(slot, OBJECT_HANDLES, 0);
        putObject(slot, OBJECT_STATE, TOMBSTONE);
        long mask = objectCapacity - 1;
        if (objectWord((int) ((slot + 1) & mask), OBJECT_STATE) == EMPTY) {
            for (long s = slot; objectWord((int) s, OBJECT_STATE) == TOMBSTONE; s = (s - 1) & mask) {
                putObject((int) s, OBJECT_STATE, EMPTY);
            }
        }
    }

    private int holderIndex(int slot, int processSlot) {
        for (int h = 0; h < HOLDERS_PER_OBJECT; h++) {
            if (holderWord(slot, h, 0) == processSlot + 1) {
                return h;
            }
        }
        return -1;
    }

    // ------------------------------------------------------------------ object references

    /** The reference of the object in {@code slot}: its slot and its serial. */
    long refOf(int slot) {
        return ((long) slot << REF_SERIAL_BITS) | (objectWord(slot, OBJECT_SERIAL) & ((1L << REF_SERIAL_BITS) - 1));
    }

    /** The live object a reference names, or -1 when it is gone (or the slot now holds another object). */
    int slotOf(long ref) {
        long slot = ref >>> REF_SERIAL_BITS;
        if (ref < 0 || slot >= objectCapacity) {
            return -1;
        }
        int s = (int) slot;
        boolean same = objectWord(s, OBJECT_STATE) == LIVE
                && (objectWord(s, OBJECT_SERIAL) & ((1L << REF_SERIAL_BITS) - 1)) == (ref & ((1L << REF_SERIAL_BITS) - 1));
        return same ? s : -1;
    }

    // ------------------------------------------------------------------ pools

    /** The index of the pool with this name, or -1. */
    int poolIndex(String pool) {
        for (int i = 0; i < MAX_POOLS; i++) {
            if (poolName(i).equals(pool)) {
                return i;
            }
        }
        return -1;
    }

    /** Sets a pool's limit, making the pool if it is new. */
    void setPoolLimit(String pool, long limit) {
        byte[] name = pool.getBytes(StandardCharsets.UTF_8);
        if (name.length == 0 || name.length > POOL_NAME_BYTES) {
            throw new ShmException(ErrorReason.INVALID_PARAMETER, null, "a pool name has 1 to " + POOL_NAME_BYTES
                    + " UTF-8 bytes: '" + pool + "'");
        }
        int index = poolIndex(pool);
        if (index < 0) {
            for (int i = 0; i < MAX_POOLS && index < 0; i++) {
                if (poolName(i).isEmpty()) {
                    index = i;
                }
            }
            if (index < 0) {
                throw new ShmException(ErrorReason.LIMIT, null, "the object table of " + root + " holds at most "
                        + MAX_POOLS + " pools");
            }
        }
        int i = index;
        transaction(() -> {
            putBytes(POOLS_OFFSET + i * POOL_SIZE, name, POOL_NAME_BYTES);
            putPool(i, POOL_LIMIT, limit);
        });
    }

    /** {limit, used} of a pool, or {@code null} when it has no limit set. */
    long[] poolUsage(String pool) {
        int i = poolIndex(pool);
        return i < 0 ? null : new long[] {poolWord(i, POOL_LIMIT), poolWord(i, POOL_USED)};
    }

    private String poolName(int i) {
        return readString(POOLS_OFFSET + i * POOL_SIZE, POOL_NAME_BYTES);
    }

    private long poolWord(int i, long field) {
        return table.get(WORD, POOLS_OFFSET + i * POOL_SIZE + field);
    }

    private void putPool(int i, long field, long value) {
        put(POOLS_OFFSET + i * POOL_SIZE + field, value);
    }

    // ------------------------------------------------------------------ descriptor tables

    /**
     * The index of the descriptor table of this name, made with {@code capacity} and {@code perProcessLimit} if it
     * does not exist yet.
     */
    int descriptorTable(String name, int capacity, int perProcessLimit) {
        for (int t = 0; t < MAX_DESCRIPTOR_TABLES; t++) {
            if (descriptorTableName(t).equals(name)) {
                return t;
            }
        }
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        if (bytes.length == 0 || bytes.length > DESCRIPTOR_TABLE_NAME_BYTES) {
            throw new ShmException(ErrorReason.INVALID_PARAMETER, null, "a descriptor table name has 1 to "
                    + DESCRIPTOR_TABLE_NAME_BYTES + " UTF-8 bytes: '" + name + "'");
        }
        long first = 0;
        int free = -1;
        for (int t = 0; t < MAX_DESCRIPTOR_TABLES; t++) {
            if (descriptorTableName(t).isEmpty()) {
                if (free < 0) {
                    free = t;
                }
            } else {
                first = Math.max(first, descriptorTableWord(t, DESCRIPTOR_TABLE_FIRST)
                        + descriptorTableWord(t, DESCRIPTOR_TABLE_CAPACITY));
            }
        }
        if (free < 0) {
            throw new ShmException(ErrorReason.LIMIT, null, "the object table of " + root + " holds at most "
                    + MAX_DESCRIPTOR_TABLES + " descriptor tables");
        }
        if (capacity < 1 || perProcessLimit < 1 || first + capacity > descriptorSlots) {
            throw new ShmException(ErrorReason.INVALID_PARAMETER, null, "descriptor table '" + name + "' needs a"
                    + " capacity and per-process limit of at least 1, and the capacity must fit the "
                    + (descriptorSlots - first) + " free descriptor slots of " + root + "; asked " + capacity + " / "
                    + perProcessLimit);
        }
        int t = free;
        long base = first;
        transaction(() -> {
            putBytes(DESCRIPTOR_TABLES_OFFSET + t * DESCRIPTOR_TABLE_SIZE, bytes, DESCRIPTOR_TABLE_NAME_BYTES);
            putDescriptorTable(t, DESCRIPTOR_TABLE_CAPACITY, capacity);
            putDescriptorTable(t, DESCRIPTOR_TABLE_LIMIT, perProcessLimit);
            putDescriptorTable(t, DESCRIPTOR_TABLE_USED, 0);
            putDescriptorTable(t, DESCRIPTOR_TABLE_FIRST, base);
            putDescriptorTable(t, DESCRIPTOR_TABLE_HINT, 0);
        });
        return t;
    }

    /** {capacity, per-process limit, used} of a descriptor table. */
    long[] descriptorTableState(int t) {
        return new long[] {descriptorTableWord(t, DESCRIPTOR_TABLE_CAPACITY),
                descriptorTableWord(t, DESCRIPTOR_TABLE_LIMIT), descriptorTableWord(t, DESCRIPTOR_TABLE_USED)};
    }

    /**
     * Creates a descriptor in table {@code t} for a region of the live object in {@code objectSlot}, owned by this
     * process.
     *
     * @return the descriptor's number within the table
     */
    int createDescriptor(int t, int objectSlot, long offset, long size, long node) {
        long capacity = descriptorTableWord(t, DESCRIPTOR_TABLE_CAPACITY);
        String name = descriptorTableName(t);
        if (descriptorTableWord(t, DESCRIPTOR_TABLE_USED) >= capacity) {
            throw new ShmException(ErrorReason.NO_SLOT, null, "descriptor table '" + name + "' is full: all "
                    + capacity + " descriptors are in use");
        }
        long limit = descriptorTableWord(t, DESCRIPTOR_TABLE_LIMIT);
        long held = processWord(selfSlot, PROCESS_DESCRIPTORS + t * 8L);
        if (held >= limit) {
            throw new ShmException(ErrorReason.LIMIT, null, "this process holds " + held + " descriptors of table '"
                    + name + "', its limit");
        }
        long first = descriptorTableWord(t, DESCRIPTOR_TABLE_FIRST);
        long hint = descriptorTableWord(t, DESCRIPTOR_TABLE_HINT);
        int found = -1;
        for (long i = 0; i < capacity && found < 0; i++) {
            long index = (hint + i) % capacity;
            if (descriptorWord((int) (first + index), DESCRIPTOR_STATE) == 0) {
                found = (int) index;
            }
        }
        int index = found;
        int slot = (int) (first + index);
        transaction(() -> {
            putDescriptor(slot, DESCRIPTOR_TABLE, t + 1);
            putDescriptor(slot, DESCRIPTOR_OWNER, selfSlot);
            putDescriptor(slot, DESCRIPTOR_OBJECT, objectSlot);
            putDescriptor(slot, DESCRIPTOR_SERIAL, objectWord(objectSlot, OBJECT_SERIAL));
            putDescriptor(slot, DESCRIPTOR_OFFSET, offset);
            putDescriptor(slot, DESCRIPTOR_SIZE, size);
            putDescriptor(slot, DESCRIPTOR_NODE, node);
            putDescriptor(slot, DESCRIPTOR_STATE, 1);
            putDescriptorTable(t, DESCRIPTOR_TABLE_USED, descriptorTableWord(t, DESCRIPTOR_TABLE_USED) + 1);
            putDescriptorTable(t, DESCRIPTOR_TABLE_HINT, (index + 1) % capacity);
            putProcess(selfSlot, PROCESS_DESCRIPTORS + t * 8L, held + 1);
        });
        return index;
    }

    /**
     * The descriptor {@code index} of table {@code t} as {object ref, offset, size, owner pid, node}, or {@code null}
     * when it is not in use.
     */
    long[] descriptor(int t, int index) {
        if (index < 0 || index >= descriptorTableWord(t, DESCRIPTOR_TABLE_CAPACITY)) {
            return null;
        }
        int slot = (int) (descriptorTableWord(t, DESCRIPTOR_TABLE_FIRST) + index);
        if (descriptorWord(slot, DESCRIPTOR_STATE) != 1) {
            return null;
        }
        long objectSlot = descriptorWord(slot, DESCRIPTOR_OBJECT);
        long ref = (objectSlot << REF_SERIAL_BITS)
                | (descriptorWord(slot, DESCRIPTOR_SERIAL) & ((1L << REF_SERIAL_BITS) - 1));
        long owner = processWord((int) descriptorWord(slot, DESCRIPTOR_OWNER), PROCESS_PID);
        return new long[] {ref, descriptorWord(slot, DESCRIPTOR_OFFSET), descriptorWord(slot, DESCRIPTOR_SIZE), owner,
                descriptorWord(slot, DESCRIPTOR_NODE)};
    }

    /** Deletes a descriptor; {@code false} when it was not in use. */
    boolean deleteDescriptor(int t, int index) {
        if (descriptor(t, index) == null) {
            return false;
        }
        int slot = (int) (descriptorTableWord(t, DESCRIPTOR_TABLE_FIRST) + index);
        transaction(() -> freeDescriptor(slot));
        return true;
    }

    private void freeDescriptor(int slot) {
        int t = (int) descriptorWord(slot, DESCRIPTOR_TABLE) - 1;
        int owner = (int) descriptorWord(slot, DESCRIPTOR_OWNER);
        putDescriptor(slot, DESCRIPTOR_STATE, 0);
        putDescriptorTable(t, DESCRIPTOR_TABLE_USED, descriptorTableWord(t, DESCRIPTOR_TABLE_USED) - 1);
        putProcess(owner, PROCESS_DESCRIPTORS + t * 8L, processWord(owner, PROCESS_DESCRIPTORS + t * 8L) - 1);
    }

    private String descriptorTableName(int t) {
        return readString(DESCRIPTOR_TABLES_OFFSET + t * DESCRIPTOR_TABLE_SIZE, DESCRIPTOR_TABLE_NAME_BYTES);
    }

    private long descriptorTableWord(int t, long field) {
        return table.get(WORD, DESCRIPTOR_TABLES_OFFSET + t * DESCRIPTOR_TABLE_SIZE + field);
    }

    private void putDescriptorTable(int t, long field, long value) {
        put(DESCRIPTOR_TABLES_OFFSET + t * DESCRIPTOR_TABLE_SIZE + field, value);
    }

    private long descriptorWord(int slot, long field) {
        return table.get(WORD, descriptorOffset + slot * DESCRIPTOR_SLOT_SIZE + field);
    }

    private void putDescriptor(int slot, long field, long value) {
        put(descriptorOffset + slot * DESCRIPTOR_SLOT_SIZE + field, value);
    }

    // ------------------------------------------------------------------ directory

    /** Binds {@code name} in {@code scope}, owned by this process. */
    void bind(String scope, String name, long value) {
        byte[] scopeBytes = scope.getBytes(StandardCharsets.UTF_8);
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        if (scopeBytes.length > DIRECTORY_SCOPE_BYTES) {
            throw new ShmException(ErrorReason.INVALID_PARAMETER, name, "a directory scope has at most "
                    + DIRECTORY_SCOPE_BYTES + " UTF-8 bytes: '" + scope + "'");
        }
        if (nameBytes.length == 0 || nameBytes.length > DIRECTORY_NAME_BYTES) {
            throw new ShmException(ErrorReason.INVALID_NAME, name, "a directory name has 1 to "
                    + DIRECTORY_NAME_BYTES + " UTF-8 bytes");
        }
        if (findBinding(scope, name) >= 0) {
            throw new ShmException(ErrorReason.WRONG_STATE, name, "the name is already bound in directory scope '"
                    + scope + "'");
        }
        int free = -1;
        for (int e = 0; e < directoryCapacity && free < 0; e++) {
            if (directoryWord(e, DIRECTORY_STATE) == 0) {
                free = e;
            }
        }
        if (free < 0) {
            throw new ShmException(ErrorReason.LIMIT, name, "the directory of " + root + " is full ("
                    + directoryCapacity + " names)");
        }
        int e = free;
        transaction(() -> {
            putDirectory(e, DIRECTORY_OWNER, selfSlot);
            putDirectory(e, DIRECTORY_HASH, bindingHash(scope, name));
            putDirectory(e, DIRECTORY_VALUE, value);
            putDirectory(e, DIRECTORY_SCOPE_LENGTH, scopeBytes.length);
            putDirectory(e, DIRECTORY_NAME_LENGTH, nameBytes.length);
            putBytes(directoryOffset + e * DIRECTORY_ENTRY_SIZE + DIRECTORY_SCOPE, scopeBytes, DIRECTORY_SCOPE_BYTES);
            putBytes(directoryOffset + e * DIRECTORY_ENTRY_SIZE + DIRECTORY_NAME, nameBytes, DIRECTORY_NAME_BYTES);
            putDirectory(e, DIRECTORY_STATE, 1);
        });
    }

    /** The value bound to {@code name} in {@code scope}, or {@code null}. */
    Long lookupBinding(String scope, String name) {
        int e = findBinding(scope, name);
        return e < 0 ? null : directoryWord(e, DIRECTORY_VALUE);
    }

    /** Removes a binding; {@code false} when there was none. */
    boolean unbind(String scope, String name) {
        int e = findBinding(scope, name);
        if (e < 0) {
            return false;
        }
        transaction(() -> putDirectory(e, DIRECTORY_STATE, 0));
        return true;
    }

    private int findBinding(String scope, String name) {
        long hash = bindingHash(scope, name);
        for (int e = 0; e < directoryCapacity; e++) {
            if (directoryWord(e, DIRECTORY_STATE) == 1 && directoryWord(e, DIRECTORY_HASH) == hash
                    && readString(directoryOffset + e * DIRECTORY_ENTRY_SIZE + DIRECTORY_SCOPE,
                    (int) directoryWord(e, DIRECTORY_SCOPE_LENGTH)).equals(scope)
                    && readString(directoryOffset + e * DIRECTORY_ENTRY_SIZE + DIRECTORY_NAME,
                    (int) directoryWord(e, DIRECTORY_NAME_LENGTH)).equals(name)) {
                return e;
            }
        }
        return -1;
    }

    private static long bindingHash(String scope, String name) {
        return TableLayout.hash(scope + "\0" + name);
    }

    private long directoryWord(int e, long field) {
        return table.get(WORD, directoryOffset + e * DIRECTORY_ENTRY_SIZE + field);
    }

    private void putDirectory(int e, long field, long value) {
        put(directoryOffset + e * DIRECTORY_ENTRY_SIZE + field, value);
    }

    private boolean ownsDescriptorsOrBindings(int processSlot) {
        for (int t = 0; t < MAX_DESCRIPTOR_TABLES; t++) {
            if (processWord(processSlot, PROCESS_DESCRIPTORS + t * 8L) != 0) {
                return true;
            }
        }
        for (int e = 0; e < directoryCapacity; e++) {
            if (directoryWord(e, DIRECTORY_STATE) == 1 && directoryWord(e, DIRECTORY_OWNER) == processSlot) {
                return true;
            }
        }
        return false;
    }

    // ------------------------------------------------------------------ word access

    /** Writes {@code bytes} NUL-padded to {@code width} bytes (a multiple of 8) at {@code offset}, journaled. */
    private void putBytes(long offset, byte[] bytes, int width) {
        java.nio.ByteBuffer padded = java.nio.ByteBuffer.wrap(Arrays.copyOf(bytes, width)).order(ByteOrder.LITTLE_ENDIAN);
        for (int w = 0; w < width / 8; w++) {
            put(offset + w * 8L, padded.getLong(w * 8));
        }
    }

    /** The UTF-8 text of up to {@code width} bytes at {@code offset}, up to the first NUL. */
    private String readString(long offset, int width) {
        byte[] bytes = table.asSlice(offset, width).toArray(ValueLayout.JAVA_BYTE);
        int length = 0;
        while (length < bytes.length && bytes[length] != 0) {
            length++;
        }
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }

    private long objectBase(int slot) {
        return objectOffset + slot * OBJECT_SLOT_SIZE;
    }

    private long objectWord(int slot, long field) {
        return table.get(WORD, objectBase(slot) + field);
    }

    private void putObject(int slot, long field, long value) {
        put(objectBase(slot) + field, value);
    }

    private long holderWord(int slot, int holder, long field) {
        return objectWord(slot, OBJECT_HOLDERS + holder * HOLDER_SIZE + field);
    }

    private void putHolder(int slot, int holder, long field, long value) {
        putObject(slot, OBJECT_HOLDERS + holder * HOLDER_SIZE + field, value);
    }

    private long processWord(int slot, long field) {
        return table.get(WORD, processOffset + slot * PROCESS_SLOT_SIZE + field);
    }

    private void putProcess(int slot, long field, long value) {
        put(processOffset + slot * PROCESS_SLOT_SIZE + field, value);
    }

    private String fileNameAt(int slot) {
        int length = (int) Math.min(objectWord(slot, OBJECT_FILE_NAME_LENGTH), MAX_FILE_NAME);
        byte[] bytes = table.asSlice(objectBase(slot) + OBJECT_FILE_NAME, length).toArray(ValueLayout.JAVA_BYTE);
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    /** Test hook: where a simulated kill strikes. */
    void crashPoint(CrashPoint point) {
        this.crashPoint = point;
    }

    /** The generation: how many transactions were committed. */
    long generation() {
        return table.get(WORD, GENERATION_OFFSET);
    }

    /** The number of journal entries not yet committed or rolled back. */
    long journalCount() {
        return table.get(WORD, JOURNAL_COUNT_OFFSET);
    }

    /** The number of CREATING and DESTROYING slots. */
    long pendingIntents() {
        return table.get(WORD, PENDING_INTENTS_OFFSET);
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
