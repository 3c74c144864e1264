package shm.provider.mmap;

import java.lang.foreign.MemorySegment;

import shm.api.ErrorReason;
import shm.api.ShmException;

/**
 * New object files in the root, made complete before anything can see them under their object's name: an unnamed file
 * ({@code O_TMPFILE}, where the file system offers it; else a temporary name of this process), sized and its blocks
 * reserved when the store reserves space, moded exactly ({@link #create}); its header written ({@link #writeHeader});
 * linked under the object's name, a file already there refused untouched ({@link #link}); its descriptor closed and
 * its temporary name removed ({@link #closeNew}). Every call is relative to the root's descriptor ({@link StoreRoot})
 * and never follows a link. Called by {@link ObjectLifecycle} between a creation intent and the object going live,
 * under the table lock; the file system's refusal of {@code O_TMPFILE} is remembered for every thread.
 */
final class NewObjectFiles {

    private final MmapSettings settings;
    private final LibC libc;
    private final ProcessIdentity self;
    private final StoreRoot root;
    private final ObjectFiles files;
    /** Whether new object files are made unnamed ({@code O_TMPFILE}); off once the file system refuses them. */
    private volatile boolean unnamedFiles;

    NewObjectFiles(MmapSettings settings, LibC libc, ProcessIdentity self, StoreRoot root, ObjectFiles files) {
        this.settings = settings;
        this.libc = libc;
        this.self = self;
        this.root = root;
        this.files = files;
        this.unnamedFiles = java.nio.file.Files.isDirectory(java.nio.file.Path.of("/proc/self/fd"));
    }

    /** Test hook: makes new object files under temporary names, as on a file system without {@code O_TMPFILE}. */
    void useTemporaryNames() {
        unnamedFiles = false;
    }

    /** Test hook: links new files through {@code /proc/self/fd}, as on a kernel that refuses {@code AT_EMPTY_PATH}. */
    void linkThroughProc() {
        libc.refuseEmptyPathLinks();
    }

    /**
     * An object file being created: open, sized, with its blocks reserved when the store reserves space, owned and
     * moded as configured, not yet under its name.
     *
     * @param fd        the open descriptor, closed by {@link #closeNew}
     * @param inode     the file's inode, for the table to record before {@link #link}
     * @param temporary the temporary name it has in the root, {@code null} for an unnamed ({@code O_TMPFILE}) file
     * @param spare     whether it is a destroyed object's file kept by {@link SpareFiles}: its old header is
     *                  overwritten whole, and it is renamed rather than linked
     */
    record NewFile(int fd, long inode, String temporary, boolean spare) {
    }

    /** A {@link SpareFiles spare file} to be the file of a new object: header, inode, rename, as a created one. */
    NewFile reuse(SpareFile spare) {
        return new NewFile(spare.fd(), spare.inode(), spare.temporary(), true);
    }

    /**
     * Makes the file of a new object of {@code reservedSize} data bytes: an unnamed file in the root
     * ({@code O_TMPFILE}, where the kernel offers it; else a temporary name of this process), sized and its blocks
     * reserved when the store reserves space. The caller writes the header ({@link #writeHeader}), records the inode,
     * then {@link #link links} it and {@link #closeNew closes} it. Nothing is visible under the object's name before
     * the link, and a process that dies before it leaves no file behind (an unnamed file goes with its descriptor; a
     * temporary name is removed by the next reap).
     */
    NewFile create(String name, long reservedSize) {
        long fileLength = ObjectHeader.DATA_OFFSET + reservedSize;
        String temporary = null;
        int fd = -1;
        if (unnamedFiles) {
            try {
                fd = root.open(".", libc.oTmpFile | LibC.O_RDWR, settings.fileMode());
            } catch (LibC.Failure f) {
                if (f.errno != Errno.EOPNOTSUPP && f.errno != Errno.EISDIR && f.errno != Errno.EINVAL) {
                    throw StoreErrors.failure(name, "cannot create an object file in " + settings.root(), f);
                }
                unnamedFiles = false;   // this file system has no O_TMPFILE: temporary names from now on
            }
        }
        if (fd < 0) {
            temporary = NameCodec.TEMPORARY_PREFIX + self.pid() + "." + ObjectFiles.randomSuffix();
            try {
                fd = root.open(temporary, LibC.O_RDWR | LibC.O_CREAT | LibC.O_EXCL, settings.fileMode());
            } catch (LibC.Failure f) {
                throw StoreErrors.failure(name, "cannot create " + files.describe(temporary), f);
            }
        }
        NewFile created = null;
        try {
            if (settings.reserveSpace()) {
                libc.reserve(fd, fileLength);   // sizes the file too
            } else {
                libc.ftruncate(fd, fileLength);
            }
            FileStat stat = libc.fstat(fd);
            if (stat.permissions() != settings.fileMode()) {
                libc.fchmod(fd, settings.fileMode());   // the umask took bits away: the exact mode
            }
            created = new NewFile(fd, stat.inode(), temporary, false);
            return created;
        } catch (LibC.Failure f) {
            throw new ShmException(StoreErrors.reasonOf(f.errno), name, describeCreateFailure(f, fileLength), null, f);
        } finally {
            if (created == null) {
                closeNew(new NewFile(fd, 0, temporary, false));
            }
        }
    }

    /**
     * Gives a {@link #create created} file, complete, its object's name; a spare file is renamed
     * ({@code RENAME_NOREPLACE}), so it no longer has its temporary name.
     *
     * @return the file as it is now (give this one to {@link #closeNew})
     * @throws ShmException INCOMPATIBLE_STORE (or ACCESS_DENIED for another user's file) when a file is under the
     *                      name already: the object table does not know it, so it is not ours, and it is left
     *                      untouched
     */
    NewFile link(NewFile file, String fileName, String name) {
        try {
            if (file.spare()) {
                root.renameNoReplace(file.temporary(), fileName);
                return new NewFile(file.fd(), file.inode(), null, true);
            }
            if (file.temporary() == null) {
                root.linkDescriptor(file.fd(), fileName);
            } else {
                root.link(file.temporary(), fileName);
            }
            return file;
        } catch (LibC.Failure f) {
            if (f.errno == Errno.EEXIST) {
                files.refuseUnknown(fileName, name);
                throw new ShmException(ErrorReason.INCOMPATIBLE_STORE, name, files.describe(fileName)
                        + " appeared in the root while it was being created, outside the object table's protocol; it"
                        + " was left untouched");
            }
            throw StoreErrors.failure(name, "cannot link the object file " + files.describe(fileName), f);
        }
    }

    /** Closes a {@link #create created} file's descriptor and removes its temporary name, if it has one. */
    void closeNew(NewFile file) {
        if (file.fd() >= 0) {
            libc.close(file.fd());
        }
        if (file.temporary() != null) {
            try {
                root.unlink(file.temporary());
            } catch (LibC.Failure e) {
                // already gone, or left for the next reap, which removes temporary files of dead processes
            }
        }
    }

    /**
     * Writes the header page of a new object file ({@code pwrite} of the header's bytes; the rest of the page is the
     * file's zeros; of the whole page for a spare file, whose old header it replaces), before anything maps its data.
     */
    void writeHeader(NewFile file, ObjectHeader header, String fileName, String name) {
        try {
            MemorySegment page = files.blankHeaderPage();
            header.writeTo(page);
            libc.pwriteFully(file.fd(), file.spare() ? page : page.asSlice(0, header.usedBytes()), 0);
        } catch (LibC.Failure f) {
            throw new ShmException(StoreErrors.reasonOf(f.errno), name, "cannot write the header of "
                    + files.describe(fileName) + ": " + f.getMessage(), null, f);
        }
    }

    private String describeCreateFailure(LibC.Failure f, long fileLength) {
        if (StoreErrors.reasonOf(f.errno) == ErrorReason.NO_MEMORY) {
            return "the object needs " + fileLength + " bytes (data and header page) and " + settings.root()
                    + " cannot hold them (" + f.getMessage() + ")";
        }
        return "cannot create the object file: " + f.getMessage();
    }
}
