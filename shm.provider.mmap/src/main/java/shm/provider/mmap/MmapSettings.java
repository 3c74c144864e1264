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
 *                     one more is refused with {@link shm.api.ErrorReason#LIMIT}; 0 (the default): no limit of its
 *                     own, only the process's cap (see {@code mapCountHeadroom}) applies
 * @param trustRoot    accept a root reached through a symbolic link, writable by every user or owned by another
 *                     user: the operator vouches for every directory on the way (off by default)
 * @param maxObjects   the most objects the store holds, written into its object table when the table is made (the
 *                     object section then has {@link TableLayout#objectCapacityFor} slots, 640 bytes each); a table
 *                     that exists keeps the limit it was made with until the store is empty and its table removed
 * @param mapCountHeadroom mappings of the process left to the JVM: a mapping is refused with
 *                     {@link shm.api.ErrorReason#LIMIT} once the process has {@code vm.max_map_count} (read at
 *                     start) minus this many, whoever made them, so that the JVM never fails to map its own memory
 * @param keptMappings the most mappings of objects still alive that this backend keeps after their last handle here
 *                     closed, for the next open of the same object here to use again without opening or mapping the
 *                     file ({@link KeptMappings}; mappings of at most {@link KeptMappings#MAX_LENGTH} bytes); 0 unmaps
 *                     every mapping at its last handle's close
 * @param spareFiles   the most files of objects this backend destroyed that it keeps, mapped, under a temporary name
 *                     of this process, for its next create of an object of the same size ({@link SpareFiles}: no new
 *                     file made, sized, mapped or linked); 0 (the default) removes every file at its object's end.
 *                     A spare is made only of a mapping the last close kept, so it needs {@code keptMappings} above 0;
 *                     its pages stay in the root's file system until the backend's close, or the next reap after the
 *                     process died
 */
public record MmapSettings(Path root, boolean groupShared, boolean reserveSpace, boolean lockPages,
                           boolean prefault, int maxMappings, boolean trustRoot, int maxObjects,
                           int mapCountHeadroom, int keptMappings, int spareFiles) {

    /** The default of {@link #maxMappings()}: no limit of a backend's own, the process's cap applies. */
    public static final int DEFAULT_MAX_MAPPINGS = 0;
    /** The default of {@link #maxObjects()}. */
    public static final int DEFAULT_MAX_OBJECTS = 4096;
    /** The largest {@link #maxObjects()}: 2^22. */
    public static final int MAX_OBJECTS_LIMIT = TableLayout.MAX_OBJECT_LIMIT;
    /**
     * The default of {@link #mapCountHeadroom()}: room for the JVM's own mappings (thread stacks, heap and code
     * cache growth, libraries), 8192 of the kernel's default 65530.
     */
    public static final int DEFAULT_MAP_COUNT_HEADROOM = 8192;
    /** The least {@link #mapCountHeadroom()}: with less, a JVM starting a few threads could fail to map a stack. */
    public static final int MIN_MAP_COUNT_HEADROOM = 1024;
    /** The default of {@link #keptMappings()}. */
    public static final int DEFAULT_KEPT_MAPPINGS = 16;
    /** The largest {@link #keptMappings()}. */
    public static final int MAX_KEPT_MAPPINGS = 1024;
    /** The default of {@link #spareFiles()}: none. */
    public static final int DEFAULT_SPARE_FILES = 0;
    /** The largest {@link #spareFiles()}. */
    public static final int MAX_SPARE_FILES = 64;

    /** Checks that the root is an absolute path and the limits in range. */
    public MmapSettings {
        Objects.requireNonNull(root, "root");
        if (!root.isAbsolute()) {
            throw new IllegalArgumentException("the root directory must be an absolute path: " + root);
        }
        if (maxMappings != 0 && maxMappings < 2) {
            throw new IllegalArgumentException("maxMappings must be 0 (no limit of its own) or at least 2 (the table"
                    + " and one handle): " + maxMappings);
        }
        if (maxObjects < 1 || maxObjects > MAX_OBJECTS_LIMIT) {
            throw new IllegalArgumentException("maxObjects must be between 1 and " + MAX_OBJECTS_LIMIT + ": "
                    + maxObjects);
        }
        if (mapCountHeadroom < MIN_MAP_COUNT_HEADROOM) {
            throw new IllegalArgumentException("mapCountHeadroom must be at least " + MIN_MAP_COUNT_HEADROOM
                    + " (the JVM needs mappings of its own to live): " + mapCountHeadroom);
        }
        if (keptMappings < 0 || keptMappings > MAX_KEPT_MAPPINGS) {
            throw new IllegalArgumentException("keptMappings must be between 0 (none kept) and " + MAX_KEPT_MAPPINGS
                    + ": " + keptMappings);
        }
        if (spareFiles < 0 || spareFiles > MAX_SPARE_FILES) {
            throw new IllegalArgumentException("spareFiles must be between 0 (none kept) and " + MAX_SPARE_FILES + ": "
                    + spareFiles);
        }
        root = root.normalize();
    }

    /** Settings with the default limits and a root that must be safe. */
    public MmapSettings(Path root, boolean groupShared, boolean reserveSpace, boolean lockPages, boolean prefault) {
        this(root, groupShared, reserveSpace, lockPages, prefault, DEFAULT_MAX_MAPPINGS, false, DEFAULT_MAX_OBJECTS,
                DEFAULT_MAP_COUNT_HEADROOM, DEFAULT_KEPT_MAPPINGS, DEFAULT_SPARE_FILES);
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
        return new MmapSettings(newRoot, groupShared, reserveSpace, lockPages, prefault, maxMappings, trustRoot,
                maxObjects, mapCountHeadroom, keptMappings, spareFiles);
    }

    /** A copy that shares with the group, or does not. */
    public MmapSettings withGroupShared(boolean shared) {
        return new MmapSettings(root, shared, reserveSpace, lockPages, prefault, maxMappings, trustRoot,
                maxObjects, mapCountHeadroom, keptMappings, spareFiles);
    }

    /** A copy that reserves space at create, or does not. */
    public MmapSettings withReserveSpace(boolean reserve) {
        return new MmapSettings(root, groupShared, reserve, lockPages, prefault, maxMappings, trustRoot,
                maxObjects, mapCountHeadroom, keptMappings, spareFiles);
    }

    /** A copy that locks every mapping, or leaves it to the callers. */
    public MmapSettings withLockPages(boolean lock) {
        return new MmapSettings(root, groupShared, reserveSpace, lock, prefault, maxMappings, trustRoot,
                maxObjects, mapCountHeadroom, keptMappings, spareFiles);
    }

    /** A copy that pre-faults every mapping, or leaves it to the callers. */
    public MmapSettings withPrefault(boolean touch) {
        return new MmapSettings(root, groupShared, reserveSpace, lockPages, touch, maxMappings, trustRoot,
                maxObjects, mapCountHeadroom, keptMappings, spareFiles);
    }

    /** A copy with another mapping limit. */
    public MmapSettings withMaxMappings(int limit) {
        return new MmapSettings(root, groupShared, reserveSpace, lockPages, prefault, limit, trustRoot,
                maxObjects, mapCountHeadroom, keptMappings, spareFiles);
    }

    /** A copy that accepts a root that is a link, world-writable or another user's, or refuses it. */
    public MmapSettings withTrustRoot(boolean trust) {
        return new MmapSettings(root, groupShared, reserveSpace, lockPages, prefault, maxMappings, trust,
                maxObjects, mapCountHeadroom, keptMappings, spareFiles);
    }

    /** A copy whose new object table takes at most {@code limit} objects. */
    public MmapSettings withMaxObjects(int limit) {
        return new MmapSettings(root, groupShared, reserveSpace, lockPages, prefault, maxMappings, trustRoot, limit,
                mapCountHeadroom, keptMappings, spareFiles);
    }

    /** A copy that leaves {@code headroom} of the kernel's {@code vm.max_map_count} to the JVM. */
    public MmapSettings withMapCountHeadroom(int headroom) {
        return new MmapSettings(root, groupShared, reserveSpace, lockPages, prefault, maxMappings, trustRoot,
                maxObjects, headroom, keptMappings, spareFiles);
    }

    /** A copy that keeps up to {@code kept} released mappings for reuse (0: unmaps every mapping at once). */
    public MmapSettings withKeptMappings(int kept) {
        return new MmapSettings(root, groupShared, reserveSpace, lockPages, prefault, maxMappings, trustRoot,
                maxObjects, mapCountHeadroom, kept, spareFiles);
    }

    /** A copy that keeps up to {@code spares} files of destroyed objects for the next creates (0: none). */
    public MmapSettings withSpareFiles(int spares) {
        return new MmapSettings(root, groupShared, reserveSpace, lockPages, prefault, maxMappings, trustRoot,
                maxObjects, mapCountHeadroom, keptMappings, spares);
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
