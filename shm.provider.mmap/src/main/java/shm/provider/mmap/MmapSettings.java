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
 * @param maxMappings  the most mappings one backend holds at once (every open handle is one, the table one more);
 *                     one more is refused with {@link shm.api.ErrorReason#LIMIT}, well before the kernel's
 *                     {@code vm.max_map_count} (65530 by default, for the whole process) would make the JVM fail
 * @param trustRoot    accept a root reached through a symbolic link, writable by every user or owned by another
 *                     user: the operator vouches for every directory on the way (off by default)
 */
public record MmapSettings(Path root, boolean groupShared, boolean reserveSpace, boolean lockPages,
                           boolean prefault, int maxMappings, boolean trustRoot) {

    /** The default of {@link #maxMappings()}: a quarter of the kernel's default {@code vm.max_map_count}. */
    public static final int DEFAULT_MAX_MAPPINGS = 16_384;

    /** Checks that the root is an absolute path and the mapping limit positive. */
    public MmapSettings {
        Objects.requireNonNull(root, "root");
        if (!root.isAbsolute()) {
            throw new IllegalArgumentException("the root directory must be an absolute path: " + root);
        }
        if (maxMappings < 2) {
            throw new IllegalArgumentException("maxMappings must be at least 2 (the table and one handle): "
                    + maxMappings);
        }
        root = root.normalize();
    }

    /** Settings with the default mapping limit and a root that must be safe. */
    public MmapSettings(Path root, boolean groupShared, boolean reserveSpace, boolean lockPages, boolean prefault) {
        this(root, groupShared, reserveSpace, lockPages, prefault, DEFAULT_MAX_MAPPINGS, false);
    }

    /** The default settings: {@link #defaultRoot()}, private to the user, space reserved at create. */
    public static MmapSettings defaults() {
        return under(defaultRoot());
    }

    /** Private to the user, space reserved at create, no page locking or pre-faulting, objects under {@code root}. */
    public static MmapSettings under(Path root) {
        return new MmapSettings(root, false, true, false, false, DEFAULT_MAX_MAPPINGS, false);
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
        return new MmapSettings(newRoot, groupShared, reserveSpace, lockPages, prefault, maxMappings, trustRoot);
    }

    /** A copy that shares with the group, or does not. */
    public MmapSettings withGroupShared(boolean shared) {
        return new MmapSettings(root, shared, reserveSpace, lockPages, prefault, maxMappings, trustRoot);
    }

    /** A copy that reserves space at create, or does not. */
    public MmapSettings withReserveSpace(boolean reserve) {
        return new MmapSettings(root, groupShared, reserve, lockPages, prefault, maxMappings, trustRoot);
    }

    /** A copy that locks every mapping, or leaves it to the callers. */
    public MmapSettings withLockPages(boolean lock) {
        return new MmapSettings(root, groupShared, reserveSpace, lock, prefault, maxMappings, trustRoot);
    }

    /** A copy that pre-faults every mapping, or leaves it to the callers. */
    public MmapSettings withPrefault(boolean touch) {
        return new MmapSettings(root, groupShared, reserveSpace, lockPages, touch, maxMappings, trustRoot);
    }

    /** A copy with another mapping limit. */
    public MmapSettings withMaxMappings(int limit) {
        return new MmapSettings(root, groupShared, reserveSpace, lockPages, prefault, limit, trustRoot);
    }

    /** A copy that accepts a root that is a link, world-writable or another user's, or refuses it. */
    public MmapSettings withTrustRoot(boolean trust) {
        return new MmapSettings(root, groupShared, reserveSpace, lockPages, prefault, maxMappings, trust);
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
