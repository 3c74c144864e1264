package shm.provider.mmap;

import static shm.provider.mmap.TableLayout.*;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

import shm.api.ObjectType;

/**
 * The object slots of the object table ({@link TableLayout}): finding an object by file name (open addressing on the
 * hash, probing linearly), snapshots of what a slot records, object references, and the handle operations: each one
 * transaction over the object's holders ({@link ObjectHolders}) that, when it takes the object's last handle, is
 * followed by the finish of its destruction intent ({@link ObjectIntents}, which also keeps the creation intents). One
 * instance per mapping of the table; used under the table lock only.
 */
final class ObjectSlots {

    private final TableWords w;
    private final ProcessSlots processes;
    private final ObjectHolders holders;
    private final ObjectIntents intents;

    ObjectSlots(TableWords w, ProcessSlots processes, ObjectHolders holders, ObjectIntents intents) {
        this.w = w;
        this.processes = processes;
        this.holders = holders;
        this.intents = intents;
    }

    // ------------------------------------------------------------------ probing and snapshots

    /** The slot of the object with this file name, or -1. */
    int find(String fileName) {
        long hash = TableLayout.hash(fileName);
        long mask = w.objectCapacity - 1;
        for (long i = 0, slot = hash & mask; i < w.objectCapacity; i++, slot = (slot + 1) & mask) {
            long state = w.objectWord((int) slot, OBJECT_STATE);
            if (state == EMPTY) {
                return -1;
            }
            if (state != TOMBSTONE && w.objectWord((int) slot, OBJECT_HASH) == hash
                    && w.fileNameEquals((int) slot, fileName)) {
                return (int) slot;
            }
        }
        return -1;
    }

    /** A snapshot of one slot. */
    TableEntry entry(int slot) {
        List<TableEntry.Holder> holding = new ArrayList<>();
        for (int h = 0; h < HOLDERS_PER_OBJECT; h++) {
            long process = w.holderWord(slot, h, HOLDER_PROCESS);
            if (process != 0) {
                int p = w.processIndex("holder " + h, "object", slot,
                        w.objectFieldOffset(slot, OBJECT_HOLDERS + h * HOLDER_SIZE), process - 1);
                long pid = processes.pidOf(p);
                long handles = w.holderWord(slot, h, HOLDER_HANDLES);
                if (pid <= 0 || pid > Integer.MAX_VALUE) {
                    throw w.corrupt("pid of process slot " + p + " (holding object slot " + slot + ")",
                            processes.fieldOffset(p, PROCESS_PID), pid);
                }
                if (handles < 1 || handles > Integer.MAX_VALUE) {
                    throw w.corrupt("handle count of holder " + h + " of object slot " + slot,
                            w.objectFieldOffset(slot, OBJECT_HOLDERS + h * HOLDER_SIZE + HOLDER_HANDLES), handles);
                }
                holding.add(new TableEntry.Holder(pid, handles));
            }
        }
        long reserved = reservedSizeAt(slot);
        return new TableEntry(slot, w.objectWord(slot, OBJECT_STATE), typeAt(slot), reserved,
                logicalSizeAt(slot, reserved), w.objectWord(slot, OBJECT_HANDLES), w.fileNameAt(slot), holding);
    }

    /**
     * What an open of a live object needs of its slot, checked as {@link #entry} checks it, without the file name
     * (the opener found the slot by it) or the holders.
     */
    Openable openable(int slot) {
        long reserved = reservedSizeAt(slot);
        return new Openable(typeAt(slot), reserved, logicalSizeAt(slot, reserved));
    }

    /** The type and sizes of a live object, as {@link #openable} reads them. */
    record Openable(ObjectType type, long reservedSize, long logicalSize) {
    }

    /**
     * The reserved size of the object in {@code slot}, checked as {@link #entry} checks it: for work that needs only
     * that word (a descriptor's bounds), without decoding the file name and the holders.
     */
    long reservedSizeAt(int slot) {
        long reserved = w.objectWord(slot, OBJECT_RESERVED_SIZE);
        if (reserved < 1 || reserved > ObjectHeader.MAX_SIZE) {
            throw w.corrupt("reserved size of object slot " + slot, w.objectFieldOffset(slot, OBJECT_RESERVED_SIZE),
                    reserved);
        }
        return reserved;
    }

    private long logicalSizeAt(int slot, long reserved) {
        long logical = w.objectWord(slot, OBJECT_LOGICAL_SIZE);
        if (logical < 1 || logical > reserved) {
            throw w.corrupt("logical size of object slot " + slot, w.objectFieldOffset(slot, OBJECT_LOGICAL_SIZE),
                    logical);
        }
        return logical;
    }

    /** The object type recorded in a slot. */
    private ObjectType typeAt(int slot) {
        long code = w.objectWord(slot, OBJECT_TYPE);
        if (code < 1 || code > 4) {
            throw w.corrupt("type of object slot " + slot, w.objectFieldOffset(slot, OBJECT_TYPE), code);
        }
        return ObjectHeader.typeOf((int) code);
    }

    /** The inode of the object file recorded in a slot; 0 when none was recorded yet (or by an older writer). */
    long inodeOf(int slot) {
        return w.objectWord(slot, OBJECT_INODE);
    }

    /** The logical size of a live object (word 24), read without building a {@link TableEntry}. */
    long logicalSizeOf(int slot) {
        return w.objectWord(slot, OBJECT_LOGICAL_SIZE);
    }

    /**
     * The logical size of the object {@code ref} names if it still lives in {@code slot}, else -1. Read without the
     * table lock by a process that holds the object ({@link MmapBackend}'s shared mappings): while one of its holds
     * stays, no participant destroys the object or gives its name to another, so the answer can go stale only by a
     * release of that hold by another process ({@link shm.api.spi.DescriptorTable#deleteReleasingHold}), as it can
     * right after a locked answer.
     */
    long liveLogicalSize(int slot, long ref) {
        return slotOf(ref) == slot ? logicalSizeOf(slot) : -1;
    }

    /** Lowers the logical size of a live object. */
    void setLogicalSize(int slot, long logicalSize) {
        w.transaction(() -> w.putObject(slot, OBJECT_LOGICAL_SIZE, logicalSize));
    }

    /** Every live object. */
    List<TableEntry> liveEntries() {
        List<TableEntry> entries = new ArrayList<>();
        for (int slot = 0; slot < w.objectCapacity; slot++) {
            if (w.objectWord(slot, OBJECT_STATE) == LIVE) {
                entries.add(entry(slot));
            }
        }
        return entries;
    }

    /** Handles a process holds to the object in {@code slot}. */
    long handlesOf(int slot, int processSlot) {
        return holders.handlesOf(slot, processSlot);
    }

    // ------------------------------------------------------------------ object references

    /** The reference of the object in {@code slot}: its slot and its serial. */
    long refOf(int slot) {
        return w.refOf(slot);
    }

    /** The live object a reference names, or -1 when it is gone (or the slot now holds another object). */
    int slotOf(long ref) {
        long slot = ref >>> REF_SERIAL_BITS;
        if (ref < 0 || slot >= w.objectCapacity) {
            return -1;
        }
        int s = (int) slot;
        return w.objectWord(s, OBJECT_STATE) == LIVE && w.sameSerial(s, ref) ? s : -1;
    }

    // ------------------------------------------------------------------ handles

    /**
     * Adds one handle of this process to a live object. When {@code reclaim}, a hold this process parked on it is taken
     * back instead, if there is one (the open of a parked handle's successor); otherwise a parked hold is never
     * touched, so that this handle's close cannot release it.
     */
    void openHandle(int slot, boolean reclaim) {
        w.transaction(() -> holders.addHandle(slot, reclaim));
    }

    /**
     * Removes one handle of this process from the object that {@code ref} names. When it was the object's last handle
     * in any process, the object's file is removed and its slot freed. A handle the table no longer counts is left
     * as it is.
     *
     * @param fileName the file name of the object, as the handle's open found it in this slot (the reference's serial
     *                 still matching, so the slot still records it)
     * @return {@code true} when the object was destroyed
     */
    boolean closeHandle(int slot, long ref, String fileName) {
        int selfSlot = processes.selfSlot();
        if (w.objectWord(slot, OBJECT_STATE) != LIVE || !w.sameSerial(slot, ref)
                || holders.holderIndex(slot, selfSlot) < 0) {
            // The table no longer counts this handle (a repair dropped the slot, or this process was reaped as dead
            // while it was stopped): there is nothing left to release, and the close still succeeds.
            return false;
        }
        boolean last = w.transaction(() -> holders.removeHold(slot, holders.holderIndex(slot, selfSlot), selfSlot));
        if (last) {
            intents.finishDestroy(slot, fileName);
        }
        return last;
    }

    /**
     * Removes one handle that the process in {@code processSlot} holds on the live object {@code ref} names, inside
     * the caller's transaction: from the process's live slot, or else from a parked slot of the same process (same pid
     * and start time; a parked slot left without holds is freed). When it was the object's last handle the object is
     * marked DESTROYING, and the caller finishes it with {@link #finishDestroyOf} after committing.
     *
     * @return the object's slot when it must be destroyed now; -1 when not, also when the object is gone or the
     *         process holds no handle of it (nothing changed)
     */
    int releaseHoldWithin(long ref, int processSlot) {
        int slot = slotOf(ref);
        if (slot < 0) {
            return -1;
        }
        return holders.releaseHold(slot, processSlot) ? slot : -1;
    }

    /** Removes the object in a DESTROYING slot that {@link #releaseHoldWithin} left: its file, then its slot. */
    void finishDestroyOf(int slot) {
        intents.finishDestroy(slot);
    }

    /**
     * Releases every handle a dead process held, one object per transaction (a process may hold thousands, more than
     * one journal can take); objects left without handles are destroyed, each after {@code beforeDestroy} was told
     * its slot (while its file is still there).
     */
    void releaseAllOf(int processSlot, IntConsumer beforeDestroy) {
        for (int slot = 0; slot < w.objectCapacity; slot++) {
            if (w.objectWord(slot, OBJECT_STATE) != LIVE) {
                continue;
            }
            int h = holders.holderIndex(slot, processSlot);
            if (h < 0) {
                continue;
            }
            int object = slot;
            boolean destroy = w.transaction(() -> holders.removeHolder(object, h));
            if (destroy) {
                beforeDestroy.accept(object);
                intents.finishDestroy(object);
            }
        }
    }
}
