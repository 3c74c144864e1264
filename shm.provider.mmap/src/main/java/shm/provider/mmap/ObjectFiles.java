package shm.provider.mmap;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

import shm.api.ErrorReason;
import shm.api.ShmException;

/**
 * The object files in the root, every call relative to the root's descriptor ({@link StoreRoot}) and never
 * following a link: made complete unnamed (or under a temporary name) and linked by {@link NewObjectFiles}, opened
 * with their header read and checked ({@link #open}) or, where the table recorded the file's inode, with the inode,
 * type, owner and length checked ({@link #openRecorded}), removed when their object is destroyed ({@link #remove})
 * only when the file under the name is the one the table recorded, and the temporary files of dead processes
 * cleaned. A file this platform did not write, or that another user owns, is refused and never changed.
 */
final class ObjectFiles implements ObjectIntents.FileRemover {

    private static final System.Logger LOG = System.getLogger(ObjectFiles.class.getName());

    private final MmapSettings settings;
    private final LibC libc;
    private final ProcessIdentity self;
    private final StoreRoot root;
    private final SpareFiles spares;
    /**
     * One header page per thread, reused by every {@link #open} and every new file's header ({@link #blankHeaderPage}).
     */
    private final ThreadLocal<MemorySegment> headerPage =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(ObjectHeader.DATA_OFFSET));

    /**
     * An object file opened for mapping: its descriptor (closed by the caller), its header and what it is.
     *
     * @param fd     the open descriptor
     * @param header the checked header; {@code null} when the recorded inode vouched for the file
     * @param stat   type, owner, inode and length
     */
    record OpenFile(int fd, ObjectHeader header, FileStat stat) {
    }

    /** @param spares where the file of an object destroyed here may be kept for the next create instead of removed */
    ObjectFiles(MmapSettings settings, LibC libc, ProcessIdentity self, StoreRoot root, SpareFiles spares) {
        this.settings = settings;
        this.libc = libc;
        this.self = self;
        this.root = root;
        this.spares = spares;
    }

    /** How an object file is named in messages. */
    String describe(String fileName) {
        return settings.root().resolve(fileName).toString();
    }

    /** A fresh file name for an unnamed object of this process. */
    String unnamedFileName() {
        return NameCodec.UNNAMED_PREFIX + self.pid() + "." + randomSuffix();
    }

    /**
     * Opens an object file (never through a link) and reads and checks its header; {@code expectedName} is checked
     * against it where not {@code null}. The caller closes the descriptor.
     *
     * @throws ShmException INCOMPATIBLE_STORE for a file this platform did not write, ACCESS_DENIED for another
     *                      user's
     */
    OpenFile open(String fileName, String expectedName, boolean writable) {
        return openRecorded(fileName, expectedName, writable, 0, 0);
    }

    /**
     * Opens the object file the table recorded with {@code inode} (never through a link) and checks that it is that
     * file, a regular file of ours of the length the table says: that file was linked only once complete, so its
     * header is not read again. Where no inode was recorded (a table written by an older release), and for a hashed
     * file name (whose object name only the header holds), the header is read and checked as by {@link #open}. The
     * caller closes the descriptor.
     *
     * @throws ShmException INCOMPATIBLE_STORE when it is not that file, ACCESS_DENIED for another user's
     */
    OpenFile openRecorded(String fileName, String expectedName, boolean writable, long inode, long reservedSize) {
        boolean inodeVouches = inode != 0 && !fileName.startsWith(NameCodec.HASHED_PREFIX);
        // the file's path is made only for a message: an open that succeeds (the control path) needs none
        int fd;
        try {
            fd = root.open(fileName, writable ? LibC.O_RDWR : LibC.O_RDONLY, 0);
        } catch (LibC.Failure f) {
            throw openFailure(f, expectedName, describe(fileName));
        }
        try {
            FileStat stat = libc.fstat(fd);
            if (!stat.isRegularFile()) {
                throw notRegular(expectedName, describe(fileName));
            }
            checkOwner(stat, fileName, expectedName);
            if (inodeVouches) {
                if (stat.inode() != inode || stat.size() != ObjectHeader.DATA_OFFSET + reservedSize) {
                    throw new ShmException(ErrorReason.INCOMPATIBLE_STORE, expectedName, describe(fileName)
                            + " does not match its"
                            + " object table entry (inode " + stat.inode() + " and length " + stat.size()
                            + ", recorded inode " + inode + " and length " + (ObjectHeader.DATA_OFFSET + reservedSize)
                            + ": the file was replaced outside the platform); it was left untouched");
                }
                return new OpenFile(fd, null, stat);
            }
            return new OpenFile(fd, readHeader(fd, stat, describe(fileName), expectedName), stat);
        } catch (LibC.Failure f) {
            libc.close(fd);
            throw StoreErrors.failure(expectedName, "cannot read the header of " + describe(fileName), f);
        } catch (RuntimeException e) {
            libc.close(fd);
            throw e;
        }
    }

    /**
     * This thread's header page, all zeros: valid until the thread's next call of this method (a header is read or
     * written whole before anything else uses the page).
     */
    MemorySegment blankHeaderPage() {
        return headerPage.get().fill((byte) 0);
    }

    private ObjectHeader readHeader(int fd, FileStat stat, String path, String expectedName) throws LibC.Failure {
        MemorySegment page = blankHeaderPage();
        libc.preadFully(fd, page, 0);
        ObjectHeader header;
        try {
            header = ObjectHeader.readFrom(page, stat.size());
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

    private ShmException openFailure(LibC.Failure f, String expectedName, String path) {
        if (f.errno == Errno.ENOENT) {
            return new ShmException(ErrorReason.INCOMPATIBLE_STORE, expectedName, "the object table lists " + path
                    + " but the file is gone (removed by hand?)");
        }
        if (f.errno == Errno.ELOOP) {
            return notRegular(expectedName, path);
        }
        return StoreErrors.failure(expectedName, "cannot open " + path, f);
    }

    /** Closes a descriptor from {@link #open}. */
    void close(OpenFile file) {
        libc.close(file.fd());
    }

    /** Reads and checks an object's header. */
    ObjectHeader readHeader(String fileName, String expectedName) {
        OpenFile file = open(fileName, expectedName, false);
        close(file);
        return file.header();
    }

    private static ShmException notRegular(String name, String path) {
        return new ShmException(ErrorReason.INCOMPATIBLE_STORE, name, path + " is not a regular file (a link,"
                + " directory or device) and was not written by this platform; it was left untouched");
    }

    /** Refuses another user's file unless the store is group-shared; {@code fileName} is named in the message. */
    private void checkOwner(FileStat stat, String fileName, String name) {
        if (!settings.groupShared() && stat.uid() != root.uid()) {
            throw new ShmException(ErrorReason.ACCESS_DENIED, name, describe(fileName) + " is owned by uid " + stat.uid()
                    + ", not by this user (uid " + root.uid() + "), and the store is not group-shared; it was left"
                    + " untouched");
        }
    }

    /**
     * A file under an object's name that the table does not list was not made by this platform's protocol: refused,
     * never touched. Another user's file is named as such.
     */
    void refuseUnknown(String fileName, String name) {
        FileStat stat;
        try {
            stat = root.stat(fileName);
        } catch (LibC.Failure f) {
            throw StoreErrors.failure(name, "cannot look at " + describe(fileName), f);
        }
        if (stat != null) {
            checkOwner(stat, fileName, name);
            throw new ShmException(ErrorReason.INCOMPATIBLE_STORE, name, describe(fileName) + " exists but the object"
                    + " table does not know it, so it was not created by this platform's protocol; it was left"
                    + " untouched");
        }
    }

    /**
     * Removes the file of a destroyed object (or of an intent whose writer died), only when the file under the name
     * is the one the table recorded: same inode; where no inode was recorded (a table written by an older release),
     * a regular file of this user (or group-shared) with this platform's header. Anything else (another user's
     * file, a directory, a file put there by hand) is left alone and reported; the slot is freed either way, so the
     * store is never wedged by what it cannot remove. A file this backend still maps may instead become a spare for its
     * next create ({@link SpareFiles#adopt}: the same checks, on its descriptor), which takes it away from the name too.
     */
    @Override
    public void remove(String fileName, long inode, boolean linked) {
        if (linked && spares.adopt(fileName, inode)) {
            return;
        }
        FileStat stat;
        try {
            stat = root.stat(fileName);
        } catch (LibC.Failure f) {
            leftAlone(fileName, "it cannot be looked at (" + f.getMessage() + ")");
            return;
        }
        if (stat == null) {
            return;
        }
        if (!stat.isRegularFile()) {
            leftAlone(fileName, "it is not a regular file");
            return;
        }
        if (inode != 0 && stat.inode() != inode) {
            leftAlone(fileName, "it is not the file the table recorded (inode " + stat.inode() + ", recorded "
                    + inode + ")");
            return;
        }
        if (inode == 0) {
            if (!linked) {
                leftAlone(fileName, "the dead creator had not linked a file yet, so this one is not its");
                return;
            }
            if (!settings.groupShared() && stat.uid() != root.uid()) {
                leftAlone(fileName, "it is owned by uid " + stat.uid());
                return;
            }
            try {
                readHeader(fileName, null);
            } catch (ShmException notOurs) {
                leftAlone(fileName, notOurs.rule());
                return;
            }
        }
        try {
            root.unlink(fileName);
        } catch (LibC.Failure f) {
            if (f.errno != Errno.ENOENT) {
                leftAlone(fileName, "unlinking it failed (" + f.getMessage() + ")");
            }
        }
    }

    private void leftAlone(String fileName, String why) {
        LOG.log(System.Logger.Level.WARNING, "store " + settings.root() + ": " + fileName + " was not removed with its"
                + " object: " + why + "; it was left untouched");
    }

    /** Removes an object file this process linked a moment ago, after a failed create. */
    void removeOwn(String fileName, long inode, RuntimeException reason) {
        try {
            remove(fileName, inode, true);
        } catch (RuntimeException e) {
            reason.addSuppressed(e);
        }
    }

    /**
     * Removes the temporary files ({@code .t.<pid>.*}) of processes that no longer run: regular files of this user
     * only (a directory or another user's file of that name is left alone).
     *
     * @return how many were removed
     */
    int removeTemporaryFilesOfDeadProcesses() {
        int removed = 0;
        for (String name : root.names()) {
            long pid = NameCodec.temporaryOwner(name);
            if (pid <= 0 || libc.processExists(pid)) {
                continue;
            }
            try {
                FileStat stat = root.stat(name);
                if (stat != null && stat.isRegularFile() && stat.uid() == root.uid()) {
                    root.unlink(name);
                    removed++;
                }
            } catch (LibC.Failure f) {
                // gone meanwhile, or not ours to remove: left alone
            }
        }
        return removed;
    }

    /**
     * Whether any file of ours is in the root: a regular file of this user (any user's when group-shared) under an
     * object file name or a temporary name.
     */
    boolean anyOfOursRemain() {
        for (String name : root.names()) {
            if (NameCodec.isObjectFileName(name) || NameCodec.temporaryOwner(name) > 0) {
                try {
                    FileStat stat = root.stat(name);
                    if (stat != null && stat.isRegularFile() && (settings.groupShared() || stat.uid() == root.uid())) {
                        return true;
                    }
                } catch (LibC.Failure f) {
                    return true;   // cannot tell: keep the table
                }
            }
        }
        return false;
    }

    /** A random suffix for a fresh file name (an unnamed object's, or a temporary one). */
    static String randomSuffix() {
        return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    }
}
