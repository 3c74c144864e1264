package shm.provider.mmap;

import static shm.provider.mmap.TableLayout.*;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

import shm.api.ErrorReason;
import shm.api.ShmException;
import shm.api.spi.ReapReport;

/**
 * The shared object table of one root ({@link TableLayout}): which objects exist, their sizes and state, and which
 * live processes hold how many handles to each. A facade over its parts, each with one job: the {@link TableFile}
 * (attach, check, detach), the {@link TableLock} and its {@link LinkCheckSchedule}, the {@link ProcessSlots}
 * (register, reap, liveness, parking), the {@link ObjectSlots} (probe, handles; holders in {@link ObjectHolders}),
 * the {@link ObjectIntents} (create, destroy), the {@link MemoryPools}, {@link DescriptorSlots} and
 * {@link DirectoryEntries}, the {@link DeadProcessReaper} (release what dead processes held, report it); word access
 * and the undo journal are {@link TableWords}.
 *
 * <p><b>Locking.</b> {@link #locked} serializes the threads of this JVM and the processes ({@link TableLock}). Work
 * that calls {@link #locked} again on the same thread runs inside the lock it holds (one step of the store, see
 * {@link shm.api.spi.DescriptorTable#inOneStep}): the file lock is taken and released by the outermost call only.
 *
 * <p><b>Crash safety.</b> Every change of the table is a transaction with an undo journal: the old value of each word
 * is appended to the journal before the word is written, the journal count is cleared to commit. The next lock
 * holder rolls back a journal it finds non-empty. Steps that touch files (create, unlink) are bracketed by committed
 * intents ({@link TableLayout#CREATING}, {@link TableLayout#DESTROYING}); since every operation finishes under the
 * lock, an intent seen by the next lock holder belongs to a writer that died, and is finished by removing the file
 * and freeing the slot. Dead processes (pid and start time) have their handles released on every lock acquisition.
 *
 * <p>Not thread-safe by itself outside {@link #locked}; every other method must be called inside it.
 */
final class ObjectTable implements AutoCloseable {

    /** Test hook: called at every point where a process could die; throws to simulate a kill. */
    interface CrashPoint {
        void reached(String where);
    }

    private final Path root;
    private final LibC libc;
    private final ProcessIdentity self;
    private final ObjectFiles files;
    private final TableFile file;
    private final TableLock lock;
    /** When a call checks that the table file is still linked. Guarded by the lock. */
    private final LinkCheckSchedule linkChecks;
    /** The sections of the current mapping; made anew at every attach. Guarded by the lock. */
    private ProcessSlots processes;
    private ObjectSlots objects;
    private ObjectIntents intents;
    private MemoryPools pools;
    private DescriptorSlots descriptors;
    private DirectoryEntries directory;
    private DeadProcessReaper reaper;
    /** Whether the thread that holds the threads' lock holds the file lock too, inside {@link #locked}'s work. */
    private boolean inLockedWork;

    private ObjectTable(MmapSettings settings, LibC libc, ProcessIdentity self, StoreRoot storeRoot, Mapper mapper,
                        ObjectFiles files) {
        this.root = settings.root();
        this.libc = libc;
        this.self = self;
        this.files = files;
        this.file = new TableFile(settings, libc, self, storeRoot, mapper);
        this.lock = new TableLock(libc, root);
        this.linkChecks = new LinkCheckSchedule(self);
    }

    /**
     * Opens the root's table, creating it complete (under a temporary name, then linked) if it is missing.
     *
     * @param files the object files, removed when their object is destroyed
     * @throws shm.api.ShmException INCOMPATIBLE_STORE for a table of another layout, ACCESS_DENIED, NO_MEMORY
     */
    static ObjectTable open(MmapSettings settings, LibC libc, ProcessIdentity self, StoreRoot storeRoot,
                            Mapper mapper, ObjectFiles files) {
        ObjectTable table = new ObjectTable(settings, libc, self, storeRoot, mapper, files);
        table.attach();
        return table;
    }

    private void attach() {
        file.attach();
        TableWords w = file.words();
        pools = new MemoryPools(w, root);
        processes = new ProcessSlots(w, libc, self, root);
        ObjectHolders holders = new ObjectHolders(w, processes);
        intents = new ObjectIntents(w, root, processes, pools, holders, files);
        objects = new ObjectSlots(w, processes, holders, intents);
        descriptors = new DescriptorSlots(w, root);
        directory = new DirectoryEntries(w, root);
        reaper = new DeadProcessReaper(w, processes, objects, descriptors, directory, files);
    }

    /**
     * Runs {@code work} holding the table lock, after rolling back what a dead writer left and releasing the handles
     * of dead processes.
     */
    <T> T locked(Supplier<T> work) {
        return locked(true, work);
    }

    /**
     * Runs {@code work} holding the table lock, after rolling back what a dead writer left, but without reaping: the
     * handles of dead processes stay counted (for a listing, which must never destroy).
     */
    <T> T lockedWithoutReaping(Supplier<T> work) {
        return locked(false, work);
    }

    private <T> T locked(boolean reap, Supplier<T> work) {
        lock.lockThreads();
        try {
            if (inLockedWork) {
                // called from the work of an outer call on this thread: the store's lock is held, the table recovered
                return work.get();
            }
            if (!file.attached()) {
                attach();
            }
            // The file lock and the link check are inside the translation of a fault: in compiled code the JVM
            // delivers the InternalError of a read of a truncated mapping late, at the thread's next safepoint or
            // native call, such as this flock or the link check's statx, not at the read.
            boolean fileLocked = false;
            try {
                lock.lockFile(file.fd());
                fileLocked = true;
                while (linkChecks.mustCheckLink(processes, file.words()) && !file.stillLinked()) {
                    // The last participant removed this table after we opened it: use the current one.
                    lock.unlockFile(file.fd());
                    fileLocked = false;
                    file.detach();
                    attach();
                    lock.lockFile(file.fd());
                    fileLocked = true;
                }
                recover();
                boolean registered = processes.tryRegisterSelf();
                if (reap || !registered) { // a full process table needs the reap to let this process in
                    reaper.reapOnEntry();
                } else {
                    reaper.skipReapOnEntry();
                }
                if (!registered) {
                    processes.registerSelf();
                }
                inLockedWork = true;
                try {
                    return work.get();
                } finally {
                    inLockedWork = false;
                }
            } catch (CorruptTableException | IndexOutOfBoundsException e) {
                linkChecks.checkNextTime();
                throw corrupt(e);
            } catch (InternalError e) {
                throw truncated(e);
            } finally {
                if (fileLocked) {
                    unlockFile();
                }
            }
        } finally {
            lock.unlockThreads();
        }
    }

    /** Unlocks the table file; a fault delivered at this native call (see {@link #locked}) is reported as such. */
    private void unlockFile() {
        try {
            lock.unlockFile(file.fd());
        } catch (InternalError e) {
            throw truncated(e);
        }
    }

    /**
     * The JVM turns the SIGBUS of a read beyond the end of a mapped file into an InternalError: the table file was cut
     * shorter under its mapping. Every call fails with this until the store is repaired.
     */
    private ShmException truncated(InternalError e) {
        linkChecks.checkNextTime();
        return StoreErrors.store(ErrorReason.INCOMPATIBLE_STORE, root, "the object table file was truncated"
                + " under its mapping (" + e.getMessage() + "); nothing outside the root was touched; run the"
                + " store check with repair (shm:check --repair) to recover", e);
    }

    /**
     * Runs {@code read} without the table's file lock (the threads of this JVM still wait for each other): a look at
     * words of the mapped table that another process may be changing, for a caller that compares them with what it
     * expects and takes {@link #locked} when they differ. {@code null} when the table is not attached or cannot be
     * read (a corrupt word, a table cut shorter under its mapping).
     */
    <T> T readUnlocked(Function<ObjectTable, T> read) {
        lock.lockThreads();
        try {
            return file.attached() ? read.apply(this) : null;
        } catch (RuntimeException | InternalError unreadable) {
            return null;
        } finally {
            lock.unlockThreads();
        }
    }

    /**
     * As {@link #readUnlocked}, for a number that is never negative: -1 when the table is not attached or cannot be
     * read. No boxing, for reads on a path that allocates nothing.
     */
    long readNumberUnlocked(ToLongFunction<ObjectTable> read) {
        lock.lockThreads();
        try {
            return file.attached() ? read.applyAsLong(this) : -1;
        } catch (RuntimeException | InternalError unreadable) {
            return -1;
        } finally {
            lock.unlockThreads();
        }
    }

    /**
     * The table's committed generation, read without any lock and without allocating: -1 when a transaction is under
     * way (or its writer died in it), when the table is not attached or is being detached by another thread, or when it
     * cannot be read. Every commit of any participant raises the generation by one, so a reader that saw a value can
     * tell that nothing was committed since while it reads the same value.
     *
     * <p>A transaction writes the generation last, before its commit empties the journal; a writer that dies in
     * between leaves a raised generation that the next participant to lock the table rolls back. So a new value is
     * answered only if the journal was empty between two reads of it that agree: it was committed, and cannot be rolled
     * back and reached again by another commit. A value equal to the last one answered so (for this mapping) needs no
     * second look: committed generations never go down, so the word cannot hold an uncommitted value equal to it.
     */
    long generationWithoutLocks() {
        TableWords w = file.words();
        if (w == null) {
            return -1;
        }
        try {
            long generation = w.headerAcquire(GENERATION_OFFSET);
            if (generation == w.committedGenerationSeen) {
                return generation;
            }
            long journal = w.headerAcquire(JOURNAL_COUNT_OFFSET);
            if (journal != 0 || w.headerAcquire(GENERATION_OFFSET) != generation) {
                return -1;
            }
            w.committedGenerationSeen = generation;
            return generation;
        } catch (RuntimeException | InternalError unreadable) {
            return -1;   // the mapping was closed under this read (the table detached), or cut short
        }
    }

    /** Makes the next call check that the table is still linked, as after a repair that may have moved it aside. */
    void checkLinkNextTime() {
        lock.lockThreads();
        try {
            linkChecks.checkNextTime();
        } finally {
            lock.unlockThreads();
        }
    }

    /** A corrupt table, reported with the store, the field and its offset, and the way out. */
    private ShmException corrupt(RuntimeException e) {
        return StoreErrors.store(ErrorReason.INCOMPATIBLE_STORE, root, "the object table is corrupt: "
                + e.getMessage() + "; nothing outside the root was touched; run the store check with repair"
                + " (shm:check --repair) to recover", e);
    }

    private void recover() {
        TableWords w = file.words();
        if (w.header(JOURNAL_COUNT_OFFSET) != 0) {
            w.rollback();
        }
        intents.finishDeadIntents();
    }

    /**
     * Deletes descriptor {@code index} of table {@code t} if it still reads {@code expected} ({object ref, offset,
     * size, owner pid, node}) and releases one handle its owner process holds on its object, in one transaction; when
     * that was the object's last handle, the object is destroyed after the commit in the steps of a last close (its
     * DESTROYING intent is finished by the next lock holder if this process dies first). Inside {@link #locked}.
     *
     * @return {@code false} when the descriptor no longer reads so (nothing changed)
     */
    boolean deleteDescriptorReleasingHold(int t, int index, long[] expected) {
        int[] destroy = {-1};
        boolean deleted = file.words().transaction(() -> {
            int owner = descriptors.freeIf(t, index, expected);
            if (owner >= 0) {
                destroy[0] = objects.releaseHoldWithin(expected[0], owner);
            }
            return owner >= 0;
        });
        if (destroy[0] >= 0) {
            objects.finishDestroyOf(destroy[0]);
        }
        return deleted;
    }

    /**
     * Releases every handle of dead processes and reports what was reaped ({@link DeadProcessReaper#reapNow}). Inside
     * {@link #locked}.
     */
    ReapReport reapNow() {
        return reaper.reapNow();
    }

    /** The pids of dead processes not reaped yet, start times checked again. Inside {@link #locked}. */
    List<Long> deadProcesses() {
        return reaper.deadProcesses();
    }

    /**
     * This process leaves the table: its slot is freed if it holds no handle any more, and when no process, no
     * object and no file of ours remain, the table file is unlinked so that an unused root is empty. (A participant
     * that opened the file meanwhile notices the unlink after taking the lock, and makes a new table.)
     */
    void leave() {
        int selfSlot = processes.selfSlot();
        if (selfSlot >= 0 && processes.handlesOfSelf() == 0 && descriptors.ownedBy(selfSlot).isEmpty()
                && directory.ownedBy(selfSlot).isEmpty()) {
            processes.leave();
        }
        TableWords w = file.words();
        if (processes.registered().isEmpty() && w.header(LIVE_OBJECTS_OFFSET) == 0
                && w.header(PENDING_INTENTS_OFFSET) == 0 && !files.anyOfOursRemain()) {
            file.unlink();
        }
    }

    // ------------------------------------------------------------------ parts, for work under the lock

    /** The object slots. */
    ObjectSlots objects() {
        return objects;
    }

    /** The creation and destruction intents of the object slots. */
    ObjectIntents intents() {
        return intents;
    }

    /** The process slots. */
    ProcessSlots processes() {
        return processes;
    }

    /** The memory pools. */
    MemoryPools pools() {
        return pools;
    }

    /** The descriptor tables. */
    DescriptorSlots descriptors() {
        return descriptors;
    }

    /** The directory. */
    DirectoryEntries directory() {
        return directory;
    }

    /** This process's slot in the process table, once {@link #locked} registered it. */
    int selfSlot() {
        return processes.selfSlot();
    }

    /** Pids of the processes registered in the table, this one included. */
    List<Long> registeredProcesses() {
        return processes.registered();
    }

    /** The generation: how many transactions were committed. */
    long generation() {
        return file.words().header(GENERATION_OFFSET);
    }

    /** The number of journal entries not yet committed or rolled back. */
    long journalCount() {
        return file.words().header(JOURNAL_COUNT_OFFSET);
    }

    /** The number of CREATING and DESTROYING slots. */
    long pendingIntents() {
        return file.words().header(PENDING_INTENTS_OFFSET);
    }

    /** Test hook: where a simulated kill strikes. */
    void crashPoint(CrashPoint point) {
        file.crashPoint(point);
    }

    /** Unmaps the table and closes its descriptor, which drops the file lock if held. Idempotent. */
    @Override
    public void close() {
        lock.lockThreads();
        try {
            file.close();
        } finally {
            lock.unlockThreads();
        }
    }
}
