package shm.provider.mmap;

/**
 * The file of an object this backend destroyed, kept for its next create of an object of the same size
 * ({@link SpareFiles}): renamed to a temporary name of this process, still open, still mapped (writable, its data
 * {@code mapping.dataLength()} bytes, the whole file after the header page).
 *
 * @param owner     the spare files that made it, which {@link #discard discard} it
 * @param fd        the open descriptor ({@code O_RDWR}) of the file
 * @param temporary its temporary name in the root ({@code .t.<pid>.<16 hex>})
 * @param inode     its inode, which the table records again for the object that takes it
 * @param mapping   the mapping of its data, which no handle uses
 */
record SpareFile(SpareFiles owner, int fd, String temporary, long inode, ObjectMapping mapping) {

    /** Unmaps it, closes its descriptor and removes its temporary name; for a spare nobody will take. */
    void discard() {
        owner.discard(this);
    }
}
