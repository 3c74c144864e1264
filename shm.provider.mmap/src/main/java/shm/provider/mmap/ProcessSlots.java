package shm.provider.mmap;

import static shm.provider.mmap.TableLayout.*;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

import shm.api.ErrorReason;
import shm.api.ShmException;

/**
 * The process slots of the object table ({@link TableLayout}): registering this process (pid and start time), telling
 * whether a registered process still runs, reaping the ones that do not, parking this process's holds in a slot of
 * their own ({@link ParkedHolds}; each change one transaction), and leaving. One instance per mapping of the table;
 * used under the table lock only.
 */
final class ProcessSlots {

    /** How long a verified start time is trusted before it is read again from {@code /proc}. */
    private static final long START_TIME_RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    private final TableWords w;
    private final LibC libc;
    private final ProcessIdentity self;
    private final Path root;
    /** Process slot to the time its start time was last verified. */
    private final Map<Integer, Long> verifiedAt = new HashMap<>();
    private final ParkedHolds parked;
    private int selfSlot = -1;

    ProcessSlots(TableWords w, LibC libc, ProcessIdentity self, Path root) {
        this.w = w;
        this.libc = libc;
        this.self = self;
        this.root = root;
        this.parked = new ParkedHolds(w, self);
    }

    /** The parked slots: holds this process keeps while none of its handles is open. */
    ParkedHolds parked() {
        return parked;
    }

    /**
     * Whether {@code slot} is still a parked slot of this process with {@code deadlineMillis}. Inside
     * {@link ObjectTable#locked}.
     */
    boolean isParkingSlot(int slot, long deadlineMillis) {
        return parked.isOurs(slot, deadlineMillis);
    }

    /** A new parked slot of this process with {@code deadlineMillis}; -1 when the process table is full. */
    int openParkingSlot(long deadlineMillis) {
        return w.transaction(() -> parked.open(deadlineMillis));
    }

    /**
     * Moves one hold of this process on the object in {@code slot} to the parked slot {@code parkingSlot}; the object
     * lives on. Inside {@link ObjectTable#locked}.
     *
     * @return {@code false} when it cannot (nothing changed)
     */
    boolean parkHandle(int slot, int parkingSlot) {
        return w.transaction(() -> parked.park(slot, selfSlot, parkingSlot));
    }

    /** Every parked hold in the table. Inside {@link ObjectTable#locked}. */
    List<ParkedHolds.Parked> parkedHolds() {
        return parked.list();
    }

    /** This process's slot, once {@link #registerSelf} ran; -1 before. */
    int selfSlot() {
        return selfSlot;
    }

    /**
     * Makes sure this process has a live slot (pid and start time).
     *
     * @throws ShmException LIMIT when every slot is taken
     */
    void registerSelf() {
        if (!tryRegisterSelf()) {
            throw new ShmException(ErrorReason.LIMIT, null, "the object table of " + root + " has room for "
                    + w.processCapacity + " processes and all are in use");
        }
    }

    /**
     * Makes sure this process has a live slot (pid and start time), when one is free.
     *
     * @return false when every slot is taken (live, or parked) and this process has none
     */
    boolean tryRegisterSelf() {
        if (selfSlot >= 0 && w.processWord(selfSlot, PROCESS_STATE) == PROCESS_LIVE
                && w.processWord(selfSlot, PROCESS_PID) == self.pid()
                && w.processWord(selfSlot, PROCESS_START_TIME) == self.startTime()) {
            return true;
        }
        selfSlot = -1; // not (or no longer) ours: the reaper must not spare it
        int free = -1;
        for (int slot = 0; slot < w.processCapacity; slot++) {
            if (w.processWord(slot, PROCESS_STATE) == PROCESS_LIVE) {
                if (w.processWord(slot, PROCESS_PID) == self.pid()
                        && w.processWord(slot, PROCESS_START_TIME) == self.startTime()) {
                    selfSlot = slot;
                    return true;
                }
            } else if (free < 0 && w.processWord(slot, PROCESS_STATE) == PROCESS_FREE) {
                free = slot; // a parked slot (state 2) is not free
            }
        }
        if (free < 0) {
            return false;
        }
        int slot = free;
        w.transaction(() -> {
            w.putProcess(slot, PROCESS_PID, self.pid());
            w.putProcess(slot, PROCESS_START_TIME, self.startTime());
            w.putProcess(slot, PROCESS_HANDLES, 0);
            w.putProcess(slot, PROCESS_STATE, PROCESS_LIVE);
        });
        selfSlot = slot;
        return true;
    }

    /**
     * Reaps every registered process that no longer runs, and every parked slot whose deadline passed or whose process
     * no longer runs: {@code releaseHoldings} releases what it held (its handles, descriptors, directory entries), then
     * its slot is freed.
     *
     * @return the pids reaped (a pid whose parked holds expired included)
     */
    List<Long> reapDead(IntConsumer releaseHoldings) {
        List<Long> reaped = List.of();
        long now = System.currentTimeMillis();
        for (int slot : w.processSlotsInUse()) {
            if (isGone(slot, now)) {
                if (reaped.isEmpty()) {
                    reaped = new ArrayList<>();
                }
                reaped.add(w.processWord(slot, PROCESS_PID));
                releaseHoldings.accept(slot);
                free(slot);
            }
        }
        return reaped;
    }

    /**
     * The pids {@link #reapDead} would reap now (dead registered processes, parked slots expired or of a dead
     * process), changing nothing.
     */
    List<Long> dead() {
        List<Long> dead = new ArrayList<>();
        long now = System.currentTimeMillis();
        for (int slot : w.processSlotsInUse()) {
            if (isGone(slot, now)) {
                dead.add(w.processWord(slot, PROCESS_PID));
            }
        }
        return dead;
    }

    private boolean isGone(int slot, long now) {
        if (slot == selfSlot) {
            return false;
        }
        long state = w.processWord(slot, PROCESS_STATE);
        return state == PROCESS_LIVE ? !isAlive(slot)
                : state == TableLayout.PROCESS_PARKED && (parked.expired(slot, now) || !isAlive(slot));
    }

    /** Forgets every verified start time, so the next reap reads them all again. */
    void forgetVerified() {
        verifiedAt.clear();
    }

    /** Whether the process in a live slot still runs: same pid, same start time, not a zombie. */
    boolean isAlive(int slot) {
        long pid = w.processWord(slot, PROCESS_PID);
        if (!libc.processExists(pid)) {
            verifiedAt.remove(slot);
            return false;
        }
        long now = System.nanoTime();
        Long verified = verifiedAt.get(slot);
        if (verified != null && now - verified < START_TIME_RECHECK_NANOS) {
            return true;
        }
        boolean same = new ProcessIdentity(pid, w.processWord(slot, PROCESS_START_TIME)).isAlive();
        if (same) {
            verifiedAt.put(slot, now);
        } else {
            verifiedAt.remove(slot);
        }
        return same;
    }

    /** Frees a reaped slot with its counts, in one transaction. */
    private void free(int processSlot) {
        w.transaction(() -> {
            w.putProcess(processSlot, PROCESS_HANDLES, 0);
            for (int t = 0; t < MAX_DESCRIPTOR_TABLES; t++) {
                w.putProcess(processSlot, PROCESS_DESCRIPTORS + t * (long) WORD_BYTES, 0);
            }
            w.putProcess(processSlot, PROCESS_STATE, PROCESS_FREE);
        });
        verifiedAt.remove(processSlot);
    }

    /** Offset of a field of a process slot, for messages. */
    long fieldOffset(int processSlot, long field) {
        return w.processFieldOffset(processSlot, field);
    }

    /** The pid of the process in a slot. */
    long pidOf(int processSlot) {
        return w.processWord(processSlot, PROCESS_PID);
    }

    /** Pids of the processes registered in the table, this one included. */
    List<Long> registered() {
        List<Long> pids = new ArrayList<>();
        for (int slot = 0; slot < w.processCapacity; slot++) {
            if (w.processWord(slot, PROCESS_STATE) == PROCESS_LIVE) {
                pids.add(w.processWord(slot, PROCESS_PID));
            }
        }
        return pids;
    }

    /** Whether two process slots stand for the same process: the same pid and start time. */
    boolean sameProcess(int a, int b) {
        return w.processWord(a, PROCESS_PID) == w.processWord(b, PROCESS_PID)
                && w.processWord(a, PROCESS_START_TIME) == w.processWord(b, PROCESS_START_TIME);
    }

    /** Handles this process holds, over all objects. */
    long handlesOfSelf() {
        return selfSlot < 0 ? 0 : w.processWord(selfSlot, PROCESS_HANDLES);
    }

    /** Adds {@code delta} to the handle count of this process; inside a transaction. */
    void addHandlesOfSelf(long delta) {
        w.putProcess(selfSlot, PROCESS_HANDLES, w.processWord(selfSlot, PROCESS_HANDLES) + delta);
    }

    /** Frees this process's slot (it holds nothing any more); the next call registers it again. */
    void leave() {
        if (selfSlot >= 0 && w.processWord(selfSlot, PROCESS_STATE) == PROCESS_LIVE) {
            int slot = selfSlot;
            w.transaction(() -> w.putProcess(slot, PROCESS_STATE, PROCESS_FREE));
        }
        selfSlot = -1;
    }
}
