package shm.provider.mmap;

import java.nio.file.Path;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;

import shm.api.ErrorReason;
import shm.api.ShmException;

/**
 * The locks an {@link MmapBackend}'s work runs under, and its closed state: the backend's own in-JVM lock, which guards
 * what the backend keeps in memory (its {@link HandleLedger}: the {@link OpenObject}s and their handles), then the
 * object table's lock ({@link ObjectTable#locked}: the table's in-JVM lock, then {@code flock} on the table file,
 * see {@link TableLock}). Once {@link #markClosed() closed}, locked work is refused with {@link ErrorReason#CLOSED}.
 *
 * <p>The backend's lock is reentrant and always taken first, so that a thread holding the table's lock never waits
 * for it.
 */
final class BackendLock {

    private final ReentrantLock lock = new ReentrantLock();
    private final ObjectTable table;
    private final Path root;
    /** Guarded by {@link #lock}. */
    private boolean closed;

    /** The locks of the backend over {@code table}, whose store is at {@code root} (named in errors). */
    BackendLock(ObjectTable table, Path root) {
        this.table = table;
        this.root = root;
    }

    /** Takes the in-JVM lock alone, for work on what the backend keeps in memory; pair with {@link #unlock()}. */
    void lock() {
        lock.lock();
    }

    /** Releases the in-JVM lock taken by {@link #lock()}. */
    void unlock() {
        lock.unlock();
    }

    /** Whether the backend is closed; under {@link #lock()}. */
    boolean isClosed() {
        return closed;
    }

    /** From now on locked work is refused; under {@link #lock()}. */
    void markClosed() {
        closed = true;
    }

    /**
     * Runs {@code work} under both locks; the table first releases the holds of dead processes
     * ({@link ObjectTable#locked}).
     *
     * @param name the object the work is for, named in the CLOSED error; {@code null} for work on the whole store
     * @throws ShmException CLOSED when the backend is closed
     */
    <T> T locked(String name, Supplier<T> work) {
        return underBothLocks(name, true, work);
    }

    /** As {@link #locked}, for work on the whole store that must not release dead processes' handles. */
    <T> T lockedWithoutReaping(Supplier<T> work) {
        return underBothLocks(null, false, work);
    }

    private <T> T underBothLocks(String name, boolean reap, Supplier<T> work) {
        lock.lock();
        try {
            refuseWhenClosed(name);
            return reap ? table.locked(work) : table.lockedWithoutReaping(work);
        } finally {
            lock.unlock();
        }
    }

    /** Runs table work of the descriptor tables and the directory under both locks (see {@link #locked}). */
    <T> T tableWork(Function<ObjectTable, T> work) {
        return locked(null, () -> work.apply(table));
    }

    /**
     * Runs a read of the object table under the in-JVM lock only, without the table's file lock: for reads that
     * compare words in place and take the locked way ({@link #tableWork}) when they see anything else.
     * {@code null} when the backend is closed or the table cannot be read ({@link ObjectTable#readUnlocked}).
     */
    <T> T readUnlocked(Function<ObjectTable, T> read) {
        lock.lock();
        try {
            return closed ? null : table.readUnlocked(read);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The object table's generation, read without any lock ({@link ObjectTable#generationWithoutLocks()}): for the
     * descriptor tables' change count, which every iwin32 call reads. -1 when the backend is closed, a transaction is
     * under way, or the table cannot be read.
     */
    long generationWithoutLocks() {
        return table.generationWithoutLocks();
    }

    /**
     * Throws CLOSED when the backend is closed; under {@link #lock()}.
     *
     * @param name the object the work is for, or {@code null} for work on the whole store
     */
    void refuseWhenClosed(String name) {
        if (!closed) {
            return;
        }
        if (name == null) {
            throw StoreErrors.store(ErrorReason.CLOSED, root, "the mmap backend is closed");
        }
        throw new ShmException(ErrorReason.CLOSED, name, "the mmap backend at " + root + " is closed");
    }
}
