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
 * the one the mapping was made of. While the mapping is kept its inode cannot be reused by another file (tmpfs frees an
 * inode only when the file is unlinked and no longer mapped), so an equal inode is the same file and never a later
 * object of the same name. The protection and the length (the object's logical size now) must match too. Mappings of
 * objects that were destroyed meanwhile are unmapped by {@link #dropGone} at this backend's next open or close, and
 * every mapping at the backend's close; until then their pages stay in memory, at most {@code capacity} mappings of at
 * most {@link #MAX_LENGTH} bytes each. When the process's mapping cap refuses a new mapping, the kept ones go first
 * ({@link #dropOldest}). The oldest is unmapped when a new one would pass the capacity.
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
    /** Oldest first. */
    private final LinkedList<Kept> kept = new LinkedList<>();

    /** @param capacity the most mappings kept; 0 keeps none */
    KeptMappings(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity " + capacity);
        }
        this.capacity = capacity;
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

    /** Unmaps the kept mappings whose object no longer lives: {@code alive} answers for an object reference. */
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

    /** Unmaps the oldest kept mapping; {@code false} when none was kept. */
    boolean dropOldest() {
        Kept oldest;
        synchronized (this) {
            oldest = kept.pollFirst();
        }
        if (oldest == null) {
            return false;
        }
        oldest.mapping().unmapUnused();
        return true;
    }

    /** Unmaps every kept mapping (the backend closes). */
    void dropAll() {
        while (dropOldest()) {
            // one at a time, each unmapped outside the monitor
        }
    }

    /** How many mappings are kept now. */
    synchronized int size() {
        return kept.size();
    }
}
