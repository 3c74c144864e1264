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
import java.util.Arrays;

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

    private static final ValueLayout.OfLong WORD = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final byte[] MAGIC = "SHMTABL\0".getBytes(StandardCharsets.US_ASCII);

    private final MmapSettings settings;
    private final LibC libc;
    private final ProcessIdentity self;
    private final Path path;
    /** The open table file and its mapping, or -1 and null while detached. */
    private int fd = -1;
    private Arena arena;
    private long inode;
    private TableWords words;
    private volatile ObjectTable.CrashPoint crashPoint = where -> { };

    TableFile(MmapSettings settings, LibC libc, ProcessIdentity self) {
        this.settings = settings;
        this.libc = libc;
        this.self = self;
        this.path = settings.root().resolve(FILE_NAME);
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
     * Opens (creating it if missing), checks and maps the table file.
     *
     * @throws ShmException INCOMPATIBLE_STORE for a table of another layout, ACCESS_DENIED, NO_MEMORY
     */
    void attach() {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            create();
        }
        int newFd;
        try {
            newFd = libc.open(path.toString(), LibC.O_RDWR | LibC.O_CLOEXEC, 0);
        } catch (LibC.Failure f) {
            throw new ShmException(f.errno == LibC.EACCES ? ErrorReason.ACCESS_DENIED : ErrorReason.INTERNAL, null,
                    "cannot open the object table " + path + ": " + f.getMessage(), null, f);
        }
        Arena newArena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS)) {
            RootDirectory.checkOwner(path, RootDirectory.currentUid(), settings.groupShared(), null);
            long size = channel.size();
            if (size < HEADER_SIZE) {
                throw incompatible("it is " + size + " bytes, shorter than a table header");
            }
            MemorySegment mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, size, newArena);
            checkHeader(mapped);
            long newInode = inodeOfDescriptor(newFd);
            TableWords newWords = new TableWords(mapped);
            newWords.crashPoint(crashPoint);
            fd = newFd;
            arena = newArena;
            inode = newInode;
            words = newWords;
        } catch (IOException e) {
            newArena.close();
            libc.close(newFd);
            throw new ShmException(ErrorReason.INTERNAL, null, "cannot map the object table " + path + ": " + e,
                    null, e);
        } catch (RuntimeException e) {
            newArena.close();
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
            return (Long) Files.getAttribute(path, "unix:ino", LinkOption.NOFOLLOW_LINKS) == inode;
        } catch (IOException gone) {
            return false;
        }
    }

    /** Unlinks the table file, so that an unused root is empty. */
    void unlink() {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new ShmException(ErrorReason.INTERNAL, null, "cannot unlink the unused object table " + path
                    + ": " + e, null, e);
        }
    }

    /** Same as {@link #detach}: idempotent, also after a failed re-attach. */
    @Override
    public void close() {
        detach();
    }

    private static long inodeOfDescriptor(int fd) throws IOException {
        return (Long) Files.getAttribute(Path.of("/proc/self/fd/" + fd), "unix:ino");
    }

    private void create() {
        long journalOffset = HEADER_SIZE;
        long processOffset = journalOffset + DEFAULT_JOURNAL_CAPACITY * JOURNAL_ENTRY_SIZE;
        long objectOffset = processOffset + DEFAULT_PROCESS_CAPACITY * PROCESS_SLOT_SIZE;
        long descriptorOffset = objectOffset + DEFAULT_OBJECT_CAPACITY * OBJECT_SLOT_SIZE;
        long directoryOffset = descriptorOffset + DEFAULT_DESCRIPTOR_SLOTS * DESCRIPTOR_SLOT_SIZE;
        long size = directoryOffset + DEFAULT_DIRECTORY_CAPACITY * DIRECTORY_ENTRY_SIZE;
        Path temporary = settings.root().resolve(NameCodec.TEMPORARY_PREFIX + self.pid() + ".table."
                + System.nanoTime());
        try {
            int newFd = libc.open(temporary.toString(), LibC.O_RDWR | LibC.O_CREAT | LibC.O_EXCL | LibC.O_CLOEXEC,
                    settings.fileMode());
            try (Arena scratch = Arena.ofConfined()) {
                libc.fchmod(newFd, settings.fileMode());
                libc.ftruncate(newFd, size);
                if (settings.reserveSpace()) {
                    libc.reserve(newFd, size);
                }
                MemorySegment header = scratch.allocate(HEADER_SIZE);
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
                libc.pwriteFully(newFd, header, 0);
            } finally {
                libc.close(newFd);
            }
            Files.createLink(path, temporary);
        } catch (FileAlreadyExistsException anotherCreatorWasFirst) {
            // that creator's table is complete: it was linked only after being written
        } catch (LibC.Failure f) {
            throw new ShmException(f.errno == LibC.ENOSPC ? ErrorReason.NO_MEMORY : ErrorReason.INTERNAL, null,
                    "cannot create the object table " + path + ": " + f.getMessage(), null, f);
        } catch (IOException e) {
            throw new ShmException(ErrorReason.INTERNAL, null, "cannot create the object table " + path + ": " + e,
                    null, e);
        } finally {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException ignored) {
                // left for the reaper, which removes temporary files of dead processes
            }
        }
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
            throw incompatible("its header describes sections that do not fit its " + table.byteSize() + " bytes");
        }
    }

    private ShmException incompatible(String why) {
        return new ShmException(ErrorReason.INCOMPATIBLE_STORE, null,
                "the object table " + path + " cannot be used: " + why + "; it was left untouched");
    }
}
