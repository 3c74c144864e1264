package shm.provider.mmap;

import static shm.provider.mmap.TableLayout.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import shm.api.ErrorReason;
import shm.api.ShmException;

/**
 * The table file of one root ({@link TableLayout#FILE_NAME}): made complete under a temporary name and linked, opened,
 * checked and mapped ({@link #attach}), unmapped and closed ({@link #detach}). The mapping is replaced when the last
 * participant unlinked the file after we opened it. {@link #close} is idempotent, also after a failed re-attach.
 *
 * <p>Not thread-safe: used under the {@link TableLock}'s process-wide lock.
 */
final class TableFile implements AutoCloseable {

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final byte[] MAGIC = "SHMTABL\0".getBytes(StandardCharsets.US_ASCII);

    private final MmapSettings settings;
    private final LibC libc;
    private final ProcessIdentity self;
    private final StoreRoot root;
    private final Mapper mapper;
    /** The open table file and its mapping, or -1 and null while detached. */
    private int fd = -1;
    private Arena arena;
    private long inode;
    /** Volatile for {@link ObjectTable#generationWithoutLocks()}, the one reader that takes no lock. */
    private volatile TableWords words;
    private volatile ObjectTable.CrashPoint crashPoint = where -> { };

    TableFile(MmapSettings settings, LibC libc, ProcessIdentity self, StoreRoot root, Mapper mapper) {
        this.settings = settings;
        this.libc = libc;
        this.self = self;
        this.root = root;
        this.mapper = mapper;
    }

    /** The mapped table, while attached. */
    TableWords words() {
        return words;
    }

    /** The descriptor of the open table file, for its lock. */
    int fd() {
        return fd;
    }

    /** Whether a table file is open and mapped now. */
    boolean attached() {
        return words != null;
    }

    /** Test hook: where a simulated kill strikes, kept across re-attaches. */
    void crashPoint(ObjectTable.CrashPoint point) {
        crashPoint = point;
        if (words != null) {
            words.crashPoint(point);
        }
    }

    /**
     * Opens (creating it if missing), checks and maps the table file. A {@code table} that is a link, a directory or
     * another user's file is refused before anything is read from it.
     *
     * @throws ShmException INCOMPATIBLE_STORE for a table of another layout, ACCESS_DENIED, NO_MEMORY
     */
    void attach() {
        int newFd = -1;
        for (int attempt = 0; newFd < 0; attempt++) {
            try {
                newFd = root.open(FILE_NAME, LibC.O_RDWR, 0);
            } catch (LibC.Failure f) {
                if (f.errno == Errno.ENOENT && attempt < 100) {
                    create();   // missing, or unlinked by the last participant just now
                    continue;
                }
                if (f.errno == Errno.ELOOP) {
                    throw incompatible("it is a symbolic link");
                }
                throw StoreErrors.store(StoreErrors.reasonOf(f.errno), root.path(), "cannot open the object table "
                        + FILE_NAME + ": " + f.getMessage(), f);
            }
        }
        Mapper.Mapping mapping = null;
        try {
            FileStat stat = libc.fstat(newFd);
            if (!stat.isRegularFile()) {
                throw incompatible("it is not a regular file");
            }
            if (!settings.groupShared() && stat.uid() != root.uid()) {
                throw StoreErrors.store(ErrorReason.ACCESS_DENIED, root.path(), "the object table " + FILE_NAME
                        + " is owned by uid " + stat.uid() + ", not by this user (uid " + root.uid()
                        + "), and the store is not group-shared; it was left untouched");
            }
            if (stat.size() < HEADER_SIZE) {
                throw incompatible("it is " + stat.size() + " bytes, shorter than a table header");
            }
            mapping = mapper.map(newFd, "the object table of " + root.path(), null, 0, stat.size(), true, false,
                    false);
            checkHeader(mapping.segment());
            TableWords newWords = new TableWords(mapping.segment());
            newWords.crashPoint(crashPoint);
            fd = newFd;
            arena = mapping.arena();
            inode = stat.inode();
            words = newWords;
        } catch (LibC.Failure f) {
            libc.close(newFd);
            throw StoreErrors.store(ErrorReason.INTERNAL, root.path(), "cannot stat the object table: "
                    + f.getMessage(), f);
        } catch (RuntimeException e) {
            if (mapping != null) {
                mapping.arena().close();
            }
            libc.close(newFd);
            throw e;
        }
    }

    /** Unmaps the table and closes its descriptor (which drops its lock). Does nothing while detached. */
    void detach() {
        if (words == null) {
            return;
        }
        words = null;
        int closing = fd;
        fd = -1;
        try {
            arena.close();
        } finally {
            arena = null;
            libc.close(closing);
        }
    }

    /** Whether the table file under its name is still the one this object has open. */
    boolean stillLinked() {
        try {
            FileStat now = root.stat(FILE_NAME);
            return now != null && now.inode() == inode;
        } catch (LibC.Failure f) {
            return false;
        }
    }

    /** Unlinks the table file, so that an unused root is empty; only if it is still the one we have open. */
    void unlink() {
        if (!stillLinked()) {
            return;
        }
        try {
            root.unlink(FILE_NAME);
        } catch (LibC.Failure f) {
            if (f.errno != Errno.ENOENT) {
                throw StoreErrors.store(StoreErrors.reasonOf(f.errno), root.path(),
                        "cannot unlink the unused object table: " + f.getMessage(), f);
            }
        }
    }

    /** Same as {@link #detach}: idempotent, also after a failed re-attach. */
    @Override
    public void close() {
        detach();
    }

    /**
     * Writes a complete table under a temporary name and links it to {@link TableLayout#FILE_NAME}; a table linked
     * meanwhile by another participant wins. Its object limit is {@link MmapSettings#maxObjects()}. Its space is always reserved, whatever {@link MmapSettings#reserveSpace()}
     * says: a sparse table would fault (SIGBUS) on a full tmpfs at any later write.
     */
    private void create() {
        if (!settings.trustRoot()) {
            refuseForeignFiles();
        }
        long objectCapacity = objectCapacityFor(settings.maxObjects());
        long journalOffset = HEADER_SIZE;
        long processOffset = journalOffset + DEFAULT_JOURNAL_CAPACITY * JOURNAL_ENTRY_SIZE;
        long objectOffset = processOffset + DEFAULT_PROCESS_CAPACITY * PROCESS_SLOT_SIZE;
        long descriptorOffset = objectOffset + objectCapacity * OBJECT_SLOT_SIZE;
        long directoryOffset = descriptorOffset + DEFAULT_DESCRIPTOR_SLOTS * DESCRIPTOR_SLOT_SIZE;
        long size = directoryOffset + DEFAULT_DIRECTORY_CAPACITY * DIRECTORY_ENTRY_SIZE;
        String temporary = NameCodec.TEMPORARY_PREFIX + self.pid() + ".table." + System.nanoTime();
        try {
            int newFd = root.open(temporary, LibC.O_RDWR | LibC.O_CREAT | LibC.O_EXCL, settings.fileMode());
            try (Arena scratch = Arena.ofConfined()) {
                libc.fchmod(newFd, settings.fileMode());
                libc.reserve(newFd, size);   // sizes the file too
                MemorySegment header = scratch.allocate(HEADER_SIZE);
                MemorySegment.copy(MAGIC, 0, header, ValueLayout.JAVA_BYTE, MAGIC_OFFSET, MAGIC.length);
                header.set(INT, VERSION_OFFSET, LAYOUT_VERSION);
                header.set(INT, HEADER_SIZE_OFFSET, HEADER_SIZE);
                header.set(WORD, OBJECT_CAPACITY_OFFSET, objectCapacity);
                header.set(WORD, OBJECT_LIMIT_OFFSET, settings.maxObjects());
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
                libc.pwriteFully(newFd, header, 0);
            } finally {
                libc.close(newFd);
            }
            try {
                root.link(temporary, FILE_NAME);
            } catch (LibC.Failure f) {
                if (f.errno != Errno.EEXIST) {
                    throw f;
                }
                // another creator was first; its table is complete: it was linked only after being written
            }
        } catch (LibC.Failure f) {
            throw StoreErrors.store(StoreErrors.reasonOf(f.errno), root.path(), "cannot create the object table: "
                    + f.getMessage(), f);
        } finally {
            try {
                root.unlink(temporary);
            } catch (LibC.Failure ignored) {
                // gone already, or left for the next reap, which removes temporary files of dead processes
            }
        }
    }

    /**
     * Refuses to make a new table in a root that holds files of others: a store is made only in an empty directory or
     * in one that holds nothing but a store's files (what a store leaves when its last participant left: temporary
     * files of dead processes, tables moved aside by a repair), so that a mistyped root such as {@code /etc} gets a
     * one-line refusal instead of a store among files that are not ours. {@link MmapSettings#trustRoot()} skips it, as
     * it skips the root's other checks.
     */
    private void refuseForeignFiles() {
        List<String> foreign = root.names().stream().filter(name -> !isStoreFileName(name)).sorted().toList();
        if (!foreign.isEmpty()) {
            throw StoreErrors.store(ErrorReason.INCOMPATIBLE_STORE, root.path(), "no object table here yet, and the"
                    + " directory holds " + foreign.size() + (foreign.size() == 1 ? " file" : " files") + " that no"
                    + " store makes (" + String.join(", ", foreign.subList(0, Math.min(3, foreign.size())))
                    + (foreign.size() > 3 ? ", ..." : "") + "): a store is made only in an empty directory or one"
                    + " that holds nothing but a store's files; nothing was written");
        }
    }

    /** Whether a file in the root is one a store makes (docs/mmap-store.md, "File names"). */
    static boolean isStoreFileName(String name) {
        return name.equals(FILE_NAME) || name.startsWith(FILE_NAME + BROKEN_INFIX) || NameCodec.isObjectFileName(name)
                || NameCodec.temporaryOwner(name) > 0;
    }

    private void checkHeader(MemorySegment table) {
        byte[] magic = table.asSlice(MAGIC_OFFSET, MAGIC.length).toArray(ValueLayout.JAVA_BYTE);
        if (!Arrays.equals(magic, MAGIC)) {
            throw incompatible("it does not start with the SHMTABL magic");
        }
        int version = table.get(INT, VERSION_OFFSET);
        if (version != LAYOUT_VERSION) {
            throw incompatible("its layout version is " + version + ", this code reads version "
                    + LAYOUT_VERSION + "; use a matching release or another root");
        }
        String wrong = TableHeaderCheck.firstProblem(table);
        if (wrong != null) {
            throw incompatible("it is corrupt: " + wrong + "; run the store check with repair (shm:check --repair)"
                    + " to move it aside");
        }
    }

    private ShmException incompatible(String why) {
        return StoreErrors.store(ErrorReason.INCOMPATIBLE_STORE, root.path(),
                "the object table " + FILE_NAME + " cannot be used: " + why + "; it was left untouched");
    }
}
