package shm.provider.mmap;

import static shm.provider.mmap.TableLayout.*;

import shm.api.ErrorReason;
import shm.api.ShmException;

/**
 * The holders of the object slots ({@link TableLayout}): which process slot holds how many handles of each object,
 * with the object's and the process's handle counts kept in step. Every change runs inside the caller's transaction,
 * under the table lock ({@link ObjectTable#locked}); when it takes an object's last handle, that same transaction marks
 * the slot {@link TableLayout#DESTROYING}, an intent the caller finishes after committing
 * ({@link ObjectIntents#finishDestroy}), or the next lock holder if the caller dies first. One instance per mapping of
 * the table.
 */
final class ObjectHolders {

    private final TableWords w;
    private final ProcessSlots processes;

    ObjectHolders(TableWords w, ProcessSlots processes) {
        this.w = w;
        this.processes = processes;
    }

    /** Handles a process holds to the object in {@code slot}. */
    long handlesOf(int slot, int processSlot) {
        int h = holderIndex(slot, processSlot);
        return h < 0 ? 0 : w.holderWord(slot, h, HOLDER_HANDLES);
    }

    /** The holder entry of process slot {@code processSlot} on the object in {@code slot}, or -1 when it holds none. */
    int holderIndex(int slot, int processSlot) {
        for (int h = 0; h < HOLDERS_PER_OBJECT; h++) {
            if (w.holderWord(slot, h, HOLDER_PROCESS) == processSlot + 1) {
                return h;
            }
        }
        return -1;
    }

    /**
     * Adds one handle of this process to a live object; inside a transaction. When {@code reclaim}, a hold this process
     * parked on it is taken back instead, if there is one; otherwise a parked hold is never touched.
     *
     * @throws ShmException LIMIT when the object has no free holder entry for this process
     */
    void addHandle(int slot, boolean reclaim) {
        int selfSlot = processes.selfSlot();
        if (reclaim && processes.parked().takeOver(slot, selfSlot)) {
            return; // the process's hold parked by an earlier backend instance is its own again
        }
        int h = holderIndex(slot, selfSlot);
        if (h < 0) {
            for (int i = 0; i < HOLDERS_PER_OBJECT && h < 0; i++) {
                if (w.holderWord(slot, i, HOLDER_PROCESS) == 0) {
                    h = i;
                }
            }
            if (h < 0) {
                throw new ShmException(ErrorReason.LIMIT, null, "an object can be held by at most "
                        + HOLDERS_PER_OBJECT + " processes at once, and " + w.fileNameAt(slot) + " is");
            }
            w.putHolder(slot, h, HOLDER_PROCESS, selfSlot + 1);
        }
        w.putHolder(slot, h, HOLDER_HANDLES, w.holderWord(slot, h, HOLDER_HANDLES) + 1);
        w.putObject(slot, OBJECT_HANDLES, w.objectWord(slot, OBJECT_HANDLES) + 1);
        processes.addHandlesOfSelf(1);
    }

    /**
     * Removes one handle that the process in {@code processSlot} holds on the live object in {@code slot}, inside the
     * caller's transaction: from the process's live slot, or else from a parked slot of the same process (same pid
     * and start time; a parked slot left without holds is freed).
     *
     * @return {@code true} when it was the object's last handle (the slot is DESTROYING now); {@code false} when not,
     *         also when the process holds no handle of it (nothing changed)
     */
    boolean releaseHold(int slot, int processSlot) {
        int holder = holderIndex(slot, processSlot);
        int from = processSlot;
        for (int h = 0; h < HOLDERS_PER_OBJECT && holder < 0; h++) {
            long process = w.holderWord(slot, h, HOLDER_PROCESS);
            if (process != 0 && processes.parked().isParked((int) process - 1)
                    && processes.sameProcess((int) process - 1, processSlot)) {
                holder = h;
                from = (int) process - 1;
            }
        }
        if (holder < 0) {
            return false;
        }
        boolean last = removeHold(slot, holder, from);
        if (from != processSlot && w.processWord(from, PROCESS_HANDLES) == 0) {
            processes.parked().free(from);
        }
        return last;
    }

    /**
     * One handle less for holder {@code h} (of process slot {@code processSlot}); inside a transaction.
     *
     * @return {@code true} when it was the object's last handle (the slot is DESTROYING now)
     */
    boolean removeHold(int slot, int h, int processSlot) {
        long count = w.holderWord(slot, h, HOLDER_HANDLES) - 1;
        w.putHolder(slot, h, HOLDER_HANDLES, count);
        if (count == 0) {
            w.putHolder(slot, h, HOLDER_PROCESS, 0);
        }
        w.putProcess(processSlot, PROCESS_HANDLES, w.processWord(processSlot, PROCESS_HANDLES) - 1);
        long remaining = w.objectWord(slot, OBJECT_HANDLES) - 1;
        w.putObject(slot, OBJECT_HANDLES, remaining);
        if (remaining == 0) {
            markDestroying(slot);
        }
        return remaining == 0;
    }

    /**
     * Empties holder {@code h} of the object in {@code slot}, every handle of it at once (a dead process's, whose own
     * counts go with its slot); inside a transaction.
     *
     * @return {@code true} when the object has no handle left (the slot is DESTROYING now)
     */
    boolean removeHolder(int slot, int h) {
        long remaining = w.objectWord(slot, OBJECT_HANDLES) - w.holderWord(slot, h, HOLDER_HANDLES);
        w.putHolder(slot, h, HOLDER_PROCESS, 0);
        w.putHolder(slot, h, HOLDER_HANDLES, 0);
        w.putObject(slot, OBJECT_HANDLES, remaining);
        if (remaining == 0) {
            markDestroying(slot);
        }
        return remaining == 0;
    }

    /** The object's last handle went: a DESTROYING intent, counted as pending instead of live. */
    private void markDestroying(int slot) {
        w.putObject(slot, OBJECT_STATE, DESTROYING);
        w.addToHeader(PENDING_INTENTS_OFFSET, 1);
        w.addToHeader(LIVE_OBJECTS_OFFSET, -1);
    }
}
