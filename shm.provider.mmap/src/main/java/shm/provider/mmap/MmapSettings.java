package shm.provider.mmap;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How an {@link MmapBackend} stores its objects.
 *
 * @param root         the directory holding one file per object; it is the namespace (one root, one namespace)
 * @param groupShared  share with the owning group: directories 0770 and files 0660 instead of 0700 and 0600
 * @param reserveSpace reserve every byte at create ({@code posix_fallocate}), so a full tmpfs fails the create with
 *                     {@link shm.api.ErrorReason#NO_MEMORY} instead of a SIGBUS later; turn off only for sparse
 *                     objects whose pages are known to be available
 * @param lockPages    lock every mapping in RAM ({@code mlock}), whatever the caller's {@link shm.api.MapOptions} say
 * @param prefault     touch every page at map time, whatever the caller's {@link shm.api.MapOptions} say
 */
public record MmapSettings(Path root, boolean groupShared, boolean reserveSpace, boolean lockPages,
                           boolean prefault) {

    /** Checks that the root is an absolute path. */
    public MmapSettings {
        Objects.requireNonNull(root, "root");
        if (!root.isAbsolute()) {
            throw new IllegalArgumentException("the root directory must be an absolute path: " + root);
        }
        root = root.normalize();
    }

    /** The default settings: {@link #defaultRoot()}, private to the user, space reserved at create. */
    public static MmapSettings defaults() {
        return under(defaultRoot());
    }

    /** Private to the user, space reserved at create, no page locking or pre-faulting, objects under {@code root}. */
    public static MmapSettings under(Path root) {
        return new MmapSettings(root, false, true, false, false);
    }

    /**
     * {@code /dev/shm/shm-<user>/default}: per user, on tmpfs. The user name is taken as it is when it consists of
     * letters, digits, {@code .}, {@code _} and {@code -}; otherwise the numeric user id is used.
     */
    public static Path defaultRoot() {
        String user = System.getProperty("user.name", "");
        if (!user.matches("[A-Za-z0-9._-]{1,64}") || user.startsWith(".")) {
            user = String.valueOf(currentUid());
        }
        return Path.of("/dev/shm", "shm-" + user, "default");
    }

    private static int currentUid() {
        return RootDirectory.currentUid();
    }

    /** A copy with another root. */
    public MmapSettings withRoot(Path newRoot) {
        return new MmapSettings(newRoot, groupShared, reserveSpace, lockPages, prefault);
    }

    /** A copy that shares with the group, or does not. */
    public MmapSettings withGroupShared(boolean shared) {
        return new MmapSettings(root, shared, reserveSpace, lockPages, prefault);
    }

    /** A copy that reserves space at create, or does not. */
    public MmapSettings withReserveSpace(boolean reserve) {
        return new MmapSettings(root, groupShared, reserve, lockPages, prefault);
    }

    /** A copy that locks every mapping, or leaves it to the callers. */
    public MmapSettings withLockPages(boolean lock) {
        return new MmapSettings(root, groupShared, reserveSpace, lock, prefault);
    }

    /** A copy that pre-faults every mapping, or leaves it to the callers. */
    public MmapSettings withPrefault(boolean touch) {
        return new MmapSettings(root, groupShared, reserveSpace, lockPages, touch);
    }

    /** The mode of directories this backend creates. */
    int directoryMode() {
        return groupShared ? 0770 : 0700;
    }

    /** The mode of object files. */
    int fileMode() {
        return groupShared ? 0660 : 0600;
    }
}
