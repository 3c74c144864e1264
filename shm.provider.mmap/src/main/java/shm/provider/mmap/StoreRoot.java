package shm.provider.mmap;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import shm.api.ErrorReason;
import shm.api.ShmException;

/**
 * The root directory, opened once as a descriptor: every later file call of the store is relative to it
 * ({@code openat}, {@code unlinkat}, {@code linkat}, {@code renameat}, {@code statx} with
 * {@code AT_SYMLINK_NOFOLLOW}), so a root renamed, swapped for a symbolic link or re-created while in use cannot
 * redirect any of them, and a name is only ever looked up in the root itself (names are validated by
 * {@link NameCodec} and never hold {@code /}).
 *
 * <p>The root is opened component by component from {@code /} with {@code O_DIRECTORY|O_NOFOLLOW}: a symbolic link
 * anywhere on the path is refused, as is a root that is world-writable or owned by another user (group-shared: owned
 * by this user or this user's group, and not world-writable), unless {@link MmapSettings#trustRoot()} says the
 * operator vouches for it. Idempotent close.
 */
final class StoreRoot implements AutoCloseable {

    private static final int S_IWOTH = 0002;

    private final LibC libc;
    private final Path path;
    private final int uid;
    private final int gid;
    private int fd;

    private StoreRoot(LibC libc, Path path, int uid, int gid, int fd) {
        this.libc = libc;
        this.path = path;
        this.uid = uid;
        this.gid = gid;
        this.fd = fd;
    }

    /**
     * Opens and checks the root of {@code settings} (which must exist).
     *
     * @throws ShmException INCOMPATIBLE_STORE for a link on the path or a root that is not a directory,
     *                      ACCESS_DENIED for a root that others can write or another user owns
     */
    static StoreRoot open(LibC libc, MmapSettings settings, int uid, int gid) {
        Path root = settings.root();
        int fd = settings.trustRoot() ? openFollowing(libc, root) : openWithoutLinks(libc, root);
        StoreRoot opened = new StoreRoot(libc, root, uid, gid, fd);
        try {
            if (!settings.trustRoot()) {
                opened.checkOwnerAndMode(settings.groupShared());
            }
            return opened;
        } catch (RuntimeException e) {
            opened.close();
            throw e;
        }
    }

    private static int openFollowing(LibC libc, Path root) {
        try {
            return libc.openat(-100, root.toString(), LibC.O_RDONLY | libc.oDirectory | LibC.O_CLOEXEC, 0);
        } catch (LibC.Failure f) {
            throw StoreErrors.store(f.errno == Errno.ENOTDIR ? ErrorReason.INCOMPATIBLE_STORE
                    : StoreErrors.reasonOf(f.errno), root, "cannot open the root directory: " + f.getMessage(), f);
        }
    }

    private static int openWithoutLinks(LibC libc, Path root) {
        int flags = LibC.O_RDONLY | libc.oDirectory | libc.oNoFollow | LibC.O_CLOEXEC;
        int current;
        try {
            current = libc.openat(-100, "/", flags, 0);
        } catch (LibC.Failure f) {
            throw StoreErrors.store(ErrorReason.INTERNAL, root, "cannot open / : " + f.getMessage(), f);
        }
        Path walked = root.getRoot();
        for (Path component : root) {
            walked = walked.resolve(component);
            int next;
            try {
                next = libc.openat(current, component.toString(), flags, 0);
            } catch (LibC.Failure f) {
                libc.close(current);
                if (f.errno == Errno.ELOOP || f.errno == Errno.ENOTDIR) {
                    throw StoreErrors.store(ErrorReason.INCOMPATIBLE_STORE, root, walked + " is a symbolic link or"
                            + " not a directory; a root reached through a link is refused (configure the real path,"
                            + " or set trustRoot if you vouch for every directory on the way)", f);
                }
                throw StoreErrors.store(StoreErrors.reasonOf(f.errno), root, "cannot open " + walked + ": "
                        + f.getMessage(), f);
            }
            libc.close(current);
            current = next;
        }
        return current;
    }

    private void checkOwnerAndMode(boolean groupShared) {
        FileStat stat;
        try {
            stat = libc.fstat(fd);
        } catch (LibC.Failure f) {
            throw StoreErrors.store(ErrorReason.INTERNAL, path, "cannot stat the root: " + f.getMessage(), f);
        }
        if ((stat.permissions() & S_IWOTH) != 0) {
            throw StoreErrors.store(ErrorReason.ACCESS_DENIED, path, "the root is writable by every user (mode "
                    + Integer.toOctalString(stat.permissions()) + "), so any user could plant or remove files in it;"
                    + " chmod o-w it, or set trustRoot if you vouch for it");
        }
        boolean ours = stat.uid() == uid || (groupShared && stat.gid() == gid);
        if (!ours) {
            throw StoreErrors.store(ErrorReason.ACCESS_DENIED, path, "the root is owned by uid " + stat.uid()
                    + " (group " + stat.gid() + "), not by this user (uid " + uid + ")"
                    + (groupShared ? " or its group (gid " + gid + ")" : "") + "; set trustRoot if you vouch for it");
        }
    }

    /** The configured path of the root, for messages. */
    Path path() {
        return path;
    }

    /** The descriptor of the root directory. */
    int fd() {
        return fd;
    }

    /** The uid of this process, the owner of the files it makes. */
    int uid() {
        return uid;
    }

    /** {@code openat(root, name, flags | O_NOFOLLOW | O_CLOEXEC, mode)}. */
    int open(String name, int flags, int mode) throws LibC.Failure {
        return libc.openat(fd, name, flags | libc.oNoFollow | LibC.O_CLOEXEC, mode);
    }

    /** What is under a name in the root, a link never followed; {@code null} when nothing is. */
    FileStat stat(String name) throws LibC.Failure {
        return libc.statAtOrNull(fd, name);
    }

    /**
     * {@code openat(root, ".", O_TMPFILE | O_RDWR | O_CLOEXEC, mode)}: an unnamed regular file in the root, which
     * vanishes with its descriptor unless {@link #linkDescriptor linked}; a process that dies leaves nothing behind.
     */
    int openUnnamed(int mode) throws LibC.Failure {
        return libc.openat(fd, ".", libc.oTmpFile | LibC.O_RDWR | LibC.O_CLOEXEC, mode);
    }

    /** Gives the unnamed file open as {@code fileFd} the name {@code to} in the root; EEXIST when taken. */
    void linkDescriptor(int fileFd, String to) throws LibC.Failure {
        libc.linkDescriptor(fileFd, fd, to);
    }

    /** {@code unlinkat(root, name, 0)}. */
    void unlink(String name) throws LibC.Failure {
        libc.unlinkat(fd, name);
    }

    /** {@code linkat(root, from, root, to, 0)}. */
    void link(String from, String to) throws LibC.Failure {
        libc.linkat(fd, from, to);
    }

    /** {@code renameat2(root, from, root, to, RENAME_NOREPLACE)}: {@code EEXIST} rather than replace a file. */
    void renameNoReplace(String from, String to) throws LibC.Failure {
        libc.renameNoReplace(fd, from, to);
    }

    /** {@code renameat(root, from, root, to)}. */
    void rename(String from, String to) throws LibC.Failure {
        libc.renameat(fd, from, to);
    }

    /**
     * The names in the root, read through the open descriptor ({@code /proc/self/fd/<fd>} names the directory we
     * hold, whatever its path is now).
     */
    List<String> names() {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(Path.of("/proc/self/fd/" + fd))) {
            for (Path entry : entries) {
                names.add(entry.getFileName().toString());
            }
        } catch (IOException e) {
            throw StoreErrors.store(ErrorReason.INTERNAL, path, "cannot list the root: " + e, e);
        }
        return names;
    }

    /** Closes the descriptor. Idempotent. */
    @Override
    public void close() {
        if (fd >= 0) {
            int closing = fd;
            fd = -1;
            libc.close(closing);
        }
    }
}
