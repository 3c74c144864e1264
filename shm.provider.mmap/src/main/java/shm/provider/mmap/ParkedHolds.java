package shm.provider.mmap;

import static shm.provider.mmap.TableLayout.HOLDERS_PER_OBJECT;
import static shm.provider.mmap.TableLayout.HOLDER_HANDLES;
import static shm.provider.mmap.TableLayout.HOLDER_PROCESS;
import static shm.provider.mmap.TableLayout.LIVE;
import static shm.provider.mmap.TableLayout.OBJECT_STATE;
import static shm.provider.mmap.TableLayout.PROCESS_FREE;
import static shm.provider.mmap.TableLayout.PROCESS_HANDLES;
import static shm.provider.mmap.TableLayout.PROCESS_PID;
import static shm.provider.mmap.TableLayout.PROCESS_START_TIME;
import static shm.provider.mmap.TableLayout.PROCESS_STATE;

import java.util.ArrayList;
import java.util.List;

/**
 * Holds a process keeps while no handle of it is open: a backend instance that goes away while its process lives
 * moves its holds to a <em>parked</em> process slot (state {@value TableLayout#PROCESS_PARKED}, same pid and start
 * time, a deadline in milliseconds since the epoch in the word at {@value TableLayout#PROCESS_PARK_DEADLINE}); the
 * handle's successor, opening the object {@linkplain MmapBackend#reclaiming reclaiming}, moves one hold back to the
 * process's live slot ({@link #takeOver}); any other open of the process adds a hold of its own, so that its close
 * never releases a parked one; a parked slot whose
 * deadline passed, or whose process died, is released by any participant exactly like a dead process's slot.
 *
 * <pre>
 *   live slot  {pid, start, 1, handles, descriptors t0..t3}
 *   parked slot {pid, start, 2, parked holds, deadline ms, 0, 0, 0}
 *   object holders: {process slot + 1, count}: a parked slot holds like any process
 * </pre>
 *
 * Every method runs inside a transaction of the caller, under the table lock; the object's handle count never changes
 * while a hold moves between the live and the parked slot.
 */
final class ParkedHolds {

    private final TableWords w;
    private final ProcessIdentity self;

    ParkedHolds(TableWords w, ProcessIdentity self) {
        this.w = w;
        this.self = self;
    }

    /** Whether a process slot is a parked one. */
    boolean isParked(int processSlot) {
        return w.processWord(processSlot, PROCESS_STATE) == TableLayout.PROCESS_PARKED;
    }

    /** Whether a parked slot's deadline has passed. */
    boolean expired(int processSlot, long nowMillis) {
        return nowMillis >= w.processWord(processSlot, TableLayout.PROCESS_PARK_DEADLINE);
    }

    /** Whether {@code processSlot} is parked, of this process and still has the deadline {@code deadlineMillis}. */
    boolean isOurs(int processSlot, long deadlineMillis) {
        return processSlot >= 0 && isParked(processSlot) && isThisProcess(processSlot)
                && w.processWord(processSlot, TableLayout.PROCESS_PARK_DEADLINE) == deadlineMillis;
    }

    /**
     * Makes a parked slot of this process with the given deadline; inside a transaction.
     *
     * @return the slot, or -1 when the process table is full
     */
    int open(long deadlineMillis) {
        for (int slot = 0; slot < w.processCapacity; slot++) {
            if (w.processWord(slot, PROCESS_STATE) == PROCESS_FREE) {
                w.putProcess(slot, PROCESS_PID, self.pid());
                w.putProcess(slot, PROCESS_START_TIME, self.startTime());
                w.putProcess(slot, PROCESS_HANDLES, 0);
                w.putProcess(slot, TableLayout.PROCESS_PARK_DEADLINE, deadlineMillis);
                w.putProcess(slot, PROCESS_STATE, TableLayout.PROCESS_PARKED);
                return slot;
            }
        }
        return -1;
    }

    /**
     * Moves one hold of {@code from} on {@code objectSlot} to the parked slot {@code parked}; inside a transaction.
     *
     * @return {@code false} when the object has no free holder entry for the parked slot (nothing changed)
     */
    boolean park(int objectSlot, int from, int parked) {
        int target = holderEntryFor(objectSlot, parked);
        if (target < 0) {
            return false;
        }
        move(objectSlot, from, target, parked);
        return true;
    }

    /**
     * When a parked slot of this process holds {@code objectSlot}, moves one of its holds to {@code to} (the live
     * slot) and returns {@code true}; the object's handle count stays. A parked slot left without holds is freed.
     * Inside a transaction.
     */
    boolean takeOver(int objectSlot, int to) {
        for (int h = 0; h < HOLDERS_PER_OBJECT; h++) {
            long holder = w.holderWord(objectSlot, h, HOLDER_PROCESS);
            if (holder == 0 || !isParked((int) holder - 1) || !isThisProcess((int) holder - 1)) {
                continue;
            }
            int parked = (int) holder - 1;
            int target = holderEntryFor(objectSlot, to);
            if (target < 0) {
                return false;
            }
            move(objectSlot, parked, target, to);
            if (w.processWord(parked, PROCESS_HANDLES) == 0) {
                free(parked);
            }
            return true;
        }
        return false;
    }

    /** Frees a parked slot that holds nothing any more. */
    void free(int parked) {
        w.putProcess(parked, TableLayout.PROCESS_PARK_DEADLINE, 0);
        w.putProcess(parked, PROCESS_STATE, PROCESS_FREE);
    }

    /** Every parked hold in the table: object file name, pid, holds, deadline. */
    List<Parked> list() {
        List<Parked> parked = new ArrayList<>();
        for (int object = 0; object < w.objectCapacity; object++) {
            if (w.objectWord(object, OBJECT_STATE) != LIVE) {
                continue;
            }
            for (int h = 0; h < HOLDERS_PER_OBJECT; h++) {
                long holder = w.holderWord(object, h, HOLDER_PROCESS);
                if (holder != 0 && isParked((int) holder - 1)) {
                    parked.add(new Parked(w.fileNameAt(object), w.processWord((int) holder - 1, PROCESS_PID),
                            w.holderWord(object, h, HOLDER_HANDLES),
                            w.processWord((int) holder - 1, TableLayout.PROCESS_PARK_DEADLINE)));
                }
            }
        }
        return parked;
    }

    /**
     * One parked hold.
     *
     * @param fileName       the object's file name
     * @param pid            the process it was parked for
     * @param holds          how many holds are parked
     * @param deadlineMillis when any participant releases them, in milliseconds since the epoch
     */
    record Parked(String fileName, long pid, long holds, long deadlineMillis) {
    }

    private void move(int objectSlot, int fromProcess, int toHolder, int toProcess) {
        int source = holderOf(objectSlot, fromProcess);
        long left = w.holderWord(objectSlot, source, HOLDER_HANDLES) - 1;
        w.putHolder(objectSlot, source, HOLDER_HANDLES, left);
        if (left == 0) {
            w.putHolder(objectSlot, source, HOLDER_PROCESS, 0);
        }
        w.putProcess(fromProcess, PROCESS_HANDLES, w.processWord(fromProcess, PROCESS_HANDLES) - 1);
        w.putHolder(objectSlot, toHolder, HOLDER_HANDLES, w.holderWord(objectSlot, toHolder, HOLDER_HANDLES) + 1);
        w.putProcess(toProcess, PROCESS_HANDLES, w.processWord(toProcess, PROCESS_HANDLES) + 1);
    }

    private boolean isThisProcess(int processSlot) {
        return w.processWord(processSlot, PROCESS_PID) == self.pid()
                && w.processWord(processSlot, PROCESS_START_TIME) == self.startTime();
    }

    private int holderOf(int objectSlot, int processSlot) {
        for (int h = 0; h < HOLDERS_PER_OBJECT; h++) {
            if (w.holderWord(objectSlot, h, HOLDER_PROCESS) == processSlot + 1) {
                return h;
            }
        }
        return -1;
    }

    /** The holder entry of {@code processSlot} on the object, taken from the free ones if needed; -1 when full. */
    private int holderEntryFor(int objectSlot, int processSlot) {
        int entry = holderOf(objectSlot, processSlot);
        if (entry < 0) {
            entry = freeHolder(objectSlot);
            if (entry >= 0) {
                w.putHolder(objectSlot, entry, HOLDER_PROCESS, processSlot + 1);
            }
        }
        return entry;
    }

    private int freeHolder(int objectSlot) {
        for (int h = 0; h < HOLDERS_PER_OBJECT; h++) {
            if (w.holderWord(objectSlot, h, HOLDER_PROCESS) == 0) {
                return h;
            }
        }
        return -1;
    }
}
