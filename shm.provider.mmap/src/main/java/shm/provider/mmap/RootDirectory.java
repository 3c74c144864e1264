package shm.provider.mmap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import shm.api.ErrorReason;

/** Makes sure the root directory exists, is a real directory, and has the configured mode where we created it. */
final class RootDirectory {

    private final MmapSettings settings;

    RootDirectory(MmapSettings settings) {
        this.settings = settings;
    }

    /** Creates missing directories down to the root with the exact mode (whatever the umask); checks the root. */
    void prepare() {
        Path root = settings.root();
        Set<PosixFilePermission> mode = PosixFilePermissions.fromString(toRwx(settings.directoryMode()));
        List<Path> missing = new ArrayList<>();
        for (Path p = root; p != null && !Files.exists(p, LinkOption.NOFOLLOW_LINKS); p = p.getParent()) {
            missing.addFirst(p);
        }
        try {
            for (Path directory : missing) {
                try {
                    Files.createDirectory(directory);
                    Files.setPosixFilePermissions(directory, mode);
                } catch (java.nio.file.FileAlreadyExistsException createdMeanwhile) {
                    // another process made it first; checked below like any existing directory
                }
            }
        } catch (IOException e) {
            throw StoreErrors.store(ErrorReason.ACCESS_DENIED, root, "cannot create the root directory: " + e, e);
        }
        if (!settings.trustRoot() && !Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            throw StoreErrors.store(ErrorReason.INCOMPATIBLE_STORE, root,
                    "the root is not a directory (or is a symbolic link); it was left untouched");
        }
        if (!Files.isWritable(root) || !Files.isReadable(root)) {
            throw StoreErrors.store(ErrorReason.ACCESS_DENIED, root,
                    "the root directory is not readable and writable by this user");
        }
    }

    /** The primary gid of this process. */
    static int currentGid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:gid");
        } catch (IOException | UnsupportedOperationException e) {
            throw new IllegalStateException("cannot tell the current group id from /proc/self", e);
        }
    }

    /** The uid of this process. */
    static int currentUid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | UnsupportedOperationException e) {
            throw new IllegalStateException("cannot tell the current user id from /proc/self", e);
        }
    }

    /** {@code 0750} as {@code rwxr-x---}. */
    static String toRwx(int mode) {
        StringBuilder out = new StringBuilder(9);
        for (int shift = 6; shift >= 0; shift -= 3) {
            int bits = (mode >> shift) & 7;
            out.append((bits & 4) != 0 ? 'r' : '-').append((bits & 2) != 0 ? 'w' : '-').append((bits & 1) != 0 ? 'x' : '-');
        }
        return out.toString();
    }
}
