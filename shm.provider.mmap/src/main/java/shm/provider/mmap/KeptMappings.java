package shm.provider.mmap;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedList;
import java.util.List;
import java.util.function.LongPredicate;

/**
 * Mappings whose last handle in this backend closed while their object lived on (another process, or a parked hold,
 * still holds it), kept so that the next open of the same object here uses the pages already mapped: no file opened,
 * checked or mapped again, and no unmap at the close before. The table is not involved: an open still takes its hold
 * and a close still releases it, under the table lock, as {@code docs/mmap-store.md} says; only this process's own
 * {@code openat}, {@code fstat}, {@code mmap}, {@code munmap} and {@code close} are saved.
 *
 * <p>A kept mapping is used again only for the same object file: the inode the table records for the object must be
 * the one the mapping was made of. While the mapping exists its inode cannot be given to another file (tmpfs frees an
 * inode only when the file is unlinked and no longer mapped), so an equal inode is the same file; the only way such a
 * file serves a later object is as this backend's own spare ({@link SpareFiles}), and a mapping of a destroyed object
 * is unmapped by {@link #dropGone} before any open can look for it. The protection and the length (the object's logical
 * size now) must match too. Mappings of objects that were destroyed meanwhile are unmapped by {@link #dropGone} at this
 * backend's next open or close, and every mapping at the backend's close; until then their pages stay in memory, at
 * most {@code capacity} mappings of at most {@link #MAX_LENGTH} bytes each. When the process's mapping cap refuses a
 * new mapping, the kept ones go first ({@link #dropOldest}). The oldest is unmapped when a new one would pass the
 * capacity.
 *
 * <p>Beside them, up to {@code spareCapacity} spare files of {@link SpareFiles}: files of objects this backend
 * destroyed, with their mappings, kept for its next create of an object of the same size ({@link #keepSpare},
 * {@link #takeSpare}). They are never used by an open, never swept by {@link #dropGone}, and go after the kept mappings
 * (their file closed and its temporary name removed) at the mapping cap and the backend's close, the oldest when a new
 * one would pass their capacity.
 *
 * <p>Only mappings no handle uses any more are kept ({@link ObjectMapping#keepable()}: not pinned by a confined arena
 * another thread could not close, not locked in RAM, no shared arena open), so a segment of a closed handle still
 * throws at once: its arena is closed whatever happens to the pages. Thread-safe.
 */
final class KeptMappings {

    /** The largest mapping kept, in data bytes: the open of a larger object costs little beside its use. */
    static final long MAX_LENGTH = 1L << 20;

    /** A kept mapping of the object file with inode {@code inode} (the object's reference then was {@code ref}). */
    private record Kept(long inode, long ref, ObjectMapping mapping) {
    }

    private final int capacity;
    private final int spareCapacity;
    /** Oldest first. */
    private final LinkedList<Kept> kept = new LinkedList<>();
    /** Oldest first. */
    private final LinkedList<SpareFile> spares = new LinkedList<>();

    /**
     * @param capacity      the most mappings of living objects kept; 0 keeps none
     * @param spareCapacity the most spare files kept; 0 keeps none
     */
    KeptMappings(int capacity, int spareCapacity) {
        if (capacity < 0 || spareCapacity < 0) {
            throw new IllegalArgumentException("capacity " + capacity + ", spare capacity " + spareCapacity);
        }
        this.capacity = capacity;
        this.spareCapacity = spareCapacity;
    }

    /**
     * Keeps {@code mapping}, which no handle uses any more, of the object file with inode {@code inode} (the object
     * {@code ref}), unmapping the oldest kept one when the capacity is reached.
     *
     * @return {@code false} when it is not kept (none are, it is too large, the inode was not recorded, or it cannot
     *         be kept): the caller unmaps it
     */
    boolean keep(long inode, long ref, ObjectMapping mapping) {
        if (capacity == 0 || inode == 0 || mapping.dataLength() > MAX_LENGTH || !mapping.keepable()) {
            return false;
        }
        Kept oldest = null;
        synchronized (this) {
            kept.addLast(new Kept(inode, ref, mapping));
            if (kept.size() > capacity) {
                oldest = kept.removeFirst();
            }
        }
        if (oldest != null) {
            oldest.mapping().unmapUnused();
        }
        return true;
    }

    /** Whether spare files are kept at all (a capacity above 0). */
    boolean keepsSpares() {
        return spareCapacity > 0;
    }

    /**
     * Keeps a spare file of an ended object with its mapping ({@link SpareFiles}), discarding the oldest spare when
     * their capacity is reached.
     *
     * @return {@code false} when none are kept (capacity 0): the caller discards it
     */
    boolean keepSpare(SpareFile spare) {
        if (spareCapacity == 0) {
            return false;
        }
        SpareFile oldest = null;
        synchronized (this) {
            spares.addLast(spare);
            if (spares.size() > spareCapacity) {
                oldest = spares.removeFirst();
            }
        }
        if (oldest != null) {
            oldest.discard();
        }
        return true;
    }

    /**
     * A kept mapping of the object file with inode {@code inode}, with that protection and exactly {@code length} data
     * bytes, taken out of this set (the caller now owns it); {@code null} when none is kept.
     */
    synchronized ObjectMapping take(long inode, boolean writable, long length) {
        if (inode == 0) {
            return null;
        }
        for (Iterator<Kept> it = kept.iterator(); it.hasNext(); ) {
            Kept k = it.next();
            if (k.inode() == inode && k.mapping().writable() == writable && k.mapping().dataLength() == length) {
                it.remove();
                return k.mapping();
            }
        }
        return null;
    }

    /**
     * A kept writable mapping of the object file with inode {@code inode}, whatever its length, taken out of this set
     * for that file to become a spare ({@link SpareFiles#adopt}); {@code null} when none is kept.
     */
    synchronized ObjectMapping takeWritable(long inode) {
        if (inode == 0) {
            return null;
        }
        for (Iterator<Kept> it = kept.iterator(); it.hasNext(); ) {
            Kept k = it.next();
            if (k.inode() == inode && k.mapping().writable()) {
                it.remove();
                return k.mapping();
            }
        }
        return null;
    }

    /**
     * A spare file whose mapping has exactly {@code length} data bytes, taken out of this set (the caller now owns
     * it and its mapping); {@code null} when none is kept.
     */
    synchronized SpareFile takeSpare(long length) {
        for (Iterator<SpareFile> it = spares.iterator(); it.hasNext(); ) {
            SpareFile spare = it.next();
            if (spare.mapping().dataLength() == length) {
                it.remove();
                return spare;
            }
        }
        return null;
    }

    /**
     * Unmaps the kept mappings whose object no longer lives: {@code alive} answers for an object reference. Spare
     * files stay.
     */
    void dropGone(LongPredicate alive) {
        List<ObjectMapping> gone = new ArrayList<>();
        synchronized (this) {
            if (kept.isEmpty()) {
                return;
            }
            for (Iterator<Kept> it = kept.iterator(); it.hasNext(); ) {
                Kept k = it.next();
                if (!alive.test(k.ref())) {
                    it.remove();
                    gone.add(k.mapping());
                }
            }
        }
        gone.forEach(ObjectMapping::unmapUnused);
    }

    /**
     * Unmaps the oldest kept mapping, or when none is kept discards the oldest spare file; {@code false} when neither
     * was kept.
     */
    boolean dropOldest() {
        Kept oldest;
        SpareFile oldestSpare = null;
        synchronized (this) {
            oldest = kept.pollFirst();
            if (oldest == null) {
                oldestSpare = spares.pollFirst();
            }
        }
        if (oldest != null) {
            oldest.mapping().unmapUnused();
            return true;
        }
        if (oldestSpare != null) {
            oldestSpare.discard();
            return true;
        }
        return false;
    }

    /** Unmaps every kept mapping and discards every spare file (the backend closes). */
    void dropAll() {
        while (dropOldest()) {
            // one at a time, each dropped outside the monitor
        }
    }

    /** How many mappings of living objects are kept now. */
    synchronized int size() {
        return kept.size();
    }

    /** How many spare files are kept now. */
    synchronized int spareCount() {
        return spares.size();
    }
}
