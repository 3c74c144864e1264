package shm.provider.mmap;

import java.lang.foreign.Arena;
import java.util.ArrayDeque;

/**
 * Files of objects this backend destroyed, kept for its next create of an object of the same size: the create then
 * skips making, sizing, mapping and linking a new file and the destroy before skipped unlinking and unmapping it (a
 * create→close cycle makes 10 system calls instead of 14). Kept with their mappings beside the
 * {@link KeptMappings}: at most {@link MmapSettings#spareFiles()} of them (0, the default, keeps none), of objects of
 * at most {@link KeptMappings#MAX_LENGTH} bytes, and only when the last close kept the mapping
 * ({@link MmapSettings#keptMappings()} above 0).
 *
 * <p>The destroy ({@link #adopt}) keeps a file only when this backend has a writable mapping of it kept from its last
 * handle's close, and the file under the object's name is the one the table recorded (its descriptor's inode), a
 * regular file of this user with the store's mode and exactly the mapped length: it renames the file to a temporary
 * name of this process ({@code .t.<pid>.<16 hex>}, never replacing a file), which is what a C participant sees of it:
 * the object's name is gone at once, as after an unlink, and a temporary file of a dead process is removed by the next
 * reap, so a crash leaves nothing behind for long. The create ({@link #take}) zeroes the data through the mapping,
 * rewrites the header page ({@link NewObjectFiles#writeHeader}) and renames the file to the new object's name
 * ({@link NewObjectFiles#link}), after the table recorded its inode as for any new file. A file of another user, a
 * read-only or locked mapping, or an object larger than {@link KeptMappings#MAX_LENGTH} is removed as before.
 *
 * <p>Used under the table lock; the set itself is thread-safe ({@link KeptMappings}).
 */
final class SpareFiles {

    private final MmapSettings settings;
    private final LibC libc;
    private final ProcessIdentity self;
    private final StoreRoot root;
    private final KeptMappings kept;
    /** Off once the file system refused {@code RENAME_NOREPLACE}: destroyed files are unlinked from then on. */
    private volatile boolean renamesRefused;
    /**
     * Temporary names of spares taken since (renamed to their new object's name, or removed with a failed create), used
     * again for the next spares: a name the directory has seen costs the kernel no new directory entry.
     */
    private final ArrayDeque<String> freedNames = new ArrayDeque<>();

    SpareFiles(MmapSettings settings, LibC libc, ProcessIdentity self, StoreRoot root, KeptMappings kept) {
        this.settings = settings;
        this.libc = libc;
        this.self = self;
        this.root = root;
        this.kept = kept;
    }

    /**
     * Keeps the file of a destroyed object instead of unlinking it, when this backend kept a writable mapping of the
     * file {@code inode} and the file under {@code fileName} is that file, ours, with the store's mode and the mapped
     * length.
     *
     * @return {@code true} when kept: nothing is under {@code fileName} any more; {@code false} when not (nothing
     *         changed in the root): the caller removes the file as usual
     */
    boolean adopt(String fileName, long inode) {
        if (renamesRefused || inode == 0 || !kept.keepsSpares()) {
            return false;
        }
        ObjectMapping mapping = kept.takeWritable(inode);
        if (mapping == null) {
            return false;
        }
        int fd = -1;
        boolean adopted = false;
        try {
            fd = root.open(fileName, LibC.O_RDWR, 0);
            FileStat stat = libc.fstat(fd);
            if (!stat.isRegularFile() || stat.inode() != inode || stat.uid() != root.uid()
                    || stat.permissions() != settings.fileMode()
                    || stat.size() != ObjectHeader.DATA_OFFSET + mapping.dataLength()) {
                return false;
            }
            String temporary = renameToTemporary(fileName);
            adopted = true;
            SpareFile spare = new SpareFile(this, fd, temporary, inode, mapping);
            if (!kept.keepSpare(spare)) {
                discard(spare);
            }
            return true;
        } catch (LibC.Failure f) {
            if (f.errno == Errno.EINVAL) {
                renamesRefused = true;   // no RENAME_NOREPLACE here
            }
            return false;
        } finally {
            if (!adopted) {
                if (fd >= 0) {
                    libc.close(fd);
                }
                mapping.unmapUnused();
            }
        }
    }

    /**
     * Renames {@code fileName} to a temporary name of this process, never replacing a file: a name freed by a taken
     * spare if there is one, else (or when that name is in use again) a new random one.
     *
     * @return the temporary name
     */
    private String renameToTemporary(String fileName) throws LibC.Failure {
        String freed;
        synchronized (freedNames) {
            freed = freedNames.pollFirst();
        }
        if (freed != null) {
            try {
                root.renameNoReplace(fileName, freed);
                return freed;
            } catch (LibC.Failure f) {
                if (f.errno != Errno.EEXIST) {
                    throw f;
                }
            }
        }
        String temporary = NameCodec.TEMPORARY_PREFIX + self.pid() + "." + ObjectFiles.randomSuffix();
        root.renameNoReplace(fileName, temporary);
        return temporary;
    }

    /**
     * A spare file for a new object of {@code size} data bytes, its data zeroed through its mapping (the header page
     * still the ended object's: the caller rewrites it whole), taken out of the set; {@code null} when none fits.
     */
    SpareFile take(long size) {
        SpareFile spare = kept.takeSpare(size);
        if (spare != null) {
            spare.mapping().whole(Arena.global()).fill((byte) 0);
            synchronized (freedNames) {
                if (freedNames.size() < MmapSettings.MAX_SPARE_FILES) {
                    freedNames.addLast(spare.temporary());   // free once the create renamed or removed the file
                }
            }
        }
        return spare;
    }

    /** Unmaps a spare, closes its descriptor and removes its temporary name (a failure leaves it to the reap). */
    void discard(SpareFile spare) {
        spare.mapping().unmapUnused();
        libc.close(spare.fd());
        try {
            root.unlink(spare.temporary());
        } catch (LibC.Failure gone) {
            // removed already, or left for the reap of this process's temporary files
        }
    }
}
