package shm.provider.mmap;

/**
 * A file's type, mode, owner, inode and size, as {@code statx} reports them ({@link LibC#fstat},
 * {@link LibC#statAtOrNull}).
 *
 * @param mode  {@code st_mode}: type and permission bits
 * @param uid   the owner
 * @param gid   the group
 * @param inode the inode number
 * @param size  the length in bytes
 */
record FileStat(int mode, int uid, int gid, long inode, long size) {
    private static final int S_IFMT = 0170000;

    /** Whether it is a regular file. */
    boolean isRegularFile() {
        return (mode & S_IFMT) == 0100000;
    }

    /** Whether it is a directory. */
    boolean isDirectory() {
        return (mode & S_IFMT) == 0040000;
    }

    /** Whether it is a symbolic link. */
    boolean isSymbolicLink() {
        return (mode & S_IFMT) == 0120000;
    }

    /** The permission bits. */
    int permissions() {
        return mode & 07777;
    }
}
