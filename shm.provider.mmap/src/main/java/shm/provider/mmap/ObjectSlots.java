package shm.provider.mmap;

import static shm.provider.mmap.TableLayout.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import shm.api.ErrorReason;
import shm.api.ObjectType;
import shm.api.ShmException;

/**
 * The object slots of the object table ({@link TableLayout}): finding an object by file name (open addressing on the
 * hash, probing linearly), the creation and destruction intents, and the holders (which process holds how many
 * handles). One instance per mapping of the table; used under the table lock only.
 */
final class ObjectSlots {

    /** Removes the file of an object whose last handle went, or whose creator or destroyer died. */
    @FunctionalInterface
    interface FileRemover {
        /**
         * Removes the object file recorded in a CREATING or DESTROYING slot, if the file under that name is the one
         * the slot recorded ({@code inode}, 0 when none was recorded); anything else is left alone and reported.
         *
         * @param linked whether the slot's file was linked for sure (a DESTROYING slot) or maybe not (CREATING)
         */
        void remove(String fileName, long inode, boolean linked);
    }

    private final TableWords w;
    private final Path root;
    private final ProcessSlots processes;
    private final MemoryPools pools;
    private final FileRemover files;

    ObjectSlots(TableWords w, Path root, ProcessSlots processes, MemoryPools pools, FileRemover files) {
        this.w = w;
        this.root = root;
        this.processes = processes;
        this.pools = pools;
        this.files = files;
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
        List<TableEntry.Holder> holders = new ArrayList<>();
        for (int h = 0; h < HOLDERS_PER_OBJECT; h++) {
            long process = w.holderWord(slot, h, HOLDER_PROCESS);
            if (process != 0) {
                int p = w.processIndex("holder " + h + " of object slot " + slot,
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
                holders.add(new TableEntry.Holder(pid, handles));
            }
        }
        long reserved = reservedSizeAt(slot);
        return new TableEntry(slot, w.objectWord(slot, OBJECT_STATE), typeAt(slot), reserved,
                logicalSizeAt(slot, reserved), w.objectWord(slot, OBJECT_HANDLES), w.fileNameAt(slot), holders);
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

    private long reservedSizeAt(int slot) {
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

    /** Records the inode of the file a creation intent is about to link; in its own transaction, before the link. */
    void recordInode(int slot, long inode) {
        w.transaction(() -> w.putObject(slot, OBJECT_INODE, inode));
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
        int h = holderIndex(slot, processSlot);
        return h < 0 ? 0 : w.holderWord(slot, h, HOLDER_HANDLES);
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

    // ------------------------------------------------------------------ lifetime

    /**
     * Records the intent to create an object: a committed {@link TableLayout#CREATING} slot. Until
     * {@link #finishCreate} commits, a writer that dies leaves an intent the next lock holder cleans up.
     *
     * @param pool the memory pool to charge {@code size} to, or {@code null}
     * @return the slot
     * @throws ShmException LIMIT when the table holds its object limit (or has no free slot), NO_MEMORY when the pool cannot hold {@code size}
     */
    int beginCreate(String fileName, ObjectType type, long size, String pool) {
        if (fileName.length() > MAX_FILE_NAME) {
            throw new IllegalArgumentException("file name longer than " + MAX_FILE_NAME + ": " + fileName);
        }
        long inUse = w.header(LIVE_OBJECTS_OFFSET) + w.header(PENDING_INTENTS_OFFSET);
        if (inUse >= w.objectLimit) {
            throw new ShmException(ErrorReason.LIMIT, null, "the object table of " + root + " holds at most "
                    + w.objectLimit + " objects and is full; the limit is the backend setting maxObjects of the"
                    + " process that made the table, and a new limit applies once the store is empty (its table is"
                    + " removed with its last object and made anew)");
        }
        long hash = TableLayout.hash(fileName);
        long mask = w.objectCapacity - 1;
        int free = -1;
        for (long i = 0, slot = hash & mask; i < w.objectCapacity; i++, slot = (slot + 1) & mask) {
            long state = w.objectWord((int) slot, OBJECT_STATE);
            if (state == EMPTY || state == TOMBSTONE) {
                free = (int) slot;
                break;
            }
        }
        if (free < 0) {
            throw new ShmException(ErrorReason.LIMIT, null, "the object table of " + root + " holds at most "
                    + w.objectCapacity + " objects and is full");
        }
        int slot = free;
        int poolIndex = pool == null ? -1 : pools.checkRoom(pool, size);
        int creator = processes.selfSlot();
        w.transaction(() -> {
            if (poolIndex >= 0) {
                pools.charge(poolIndex, size);
            }
            w.putObject(slot, OBJECT_POOL, poolIndex + 1);
            w.putObject(slot, OBJECT_SERIAL, w.header(GENERATION_OFFSET) + 1);
            w.putObject(slot, OBJECT_TYPE, ObjectHeader.typeCode(type));
            w.putObject(slot, OBJECT_RESERVED_SIZE, size);
            w.putObject(slot, OBJECT_LOGICAL_SIZE, size);
            w.putObject(slot, OBJECT_HANDLES, 0);
            w.putObject(slot, OBJECT_HASH, hash);
            w.putObject(slot, OBJECT_CREATOR, creator);
            byte[] name = fileName.getBytes(StandardCharsets.US_ASCII);
            w.putObject(slot, OBJECT_FILE_NAME_LENGTH, name.length);
            w.putBytes(w.objectBase(slot) + OBJECT_FILE_NAME, name, MAX_FILE_NAME);
            w.putObject(slot, OBJECT_STATE, CREATING);
            w.addToHeader(PENDING_INTENTS_OFFSET, 1);
        });
        return slot;
    }

    /** Turns a creation intent into a live object with one handle held by this process. */
    void finishCreate(int slot) {
        w.transaction(() -> {
            w.putObject(slot, OBJECT_STATE, LIVE);
            w.addToHeader(PENDING_INTENTS_OFFSET, -1);
            w.addToHeader(LIVE_OBJECTS_OFFSET, 1);
            addHandle(slot, false); // a new object has no parked hold
        });
    }

    /** Abandons a creation intent whose file was never linked or was already removed. */
    void abandonCreate(int slot) {
        w.transaction(() -> {
            w.addToHeader(PENDING_INTENTS_OFFSET, -1);
            freeSlot(slot);
        });
    }

    /**
     * Adds one handle of this process to a live object. When {@code reclaim}, a hold this process parked on it is taken
     * back instead, if there is one (the open of a parked handle's successor); otherwise a parked hold is never
     * touched, so that this handle's close cannot release it.
     */
    void openHandle(int slot, boolean reclaim) {
        w.transaction(() -> addHandle(slot, reclaim));
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
        if (w.objectWord(slot, OBJECT_STATE) != LIVE || !w.sameSerial(slot, ref) || holderIndex(slot, selfSlot) < 0) {
            // The table no longer counts this handle (a repair dropped the slot, or this process was reaped as dead
            // while it was stopped): there is nothing left to release, and the close still succeeds.
            return false;
        }
        boolean last = w.transaction(() -> removeHold(slot, holderIndex(slot, selfSlot), selfSlot));
        if (last) {
            finishDestroy(slot, fileName);
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
            return -1;
        }
        boolean last = removeHold(slot, holder, from);
        if (from != processSlot && w.processWord(from, PROCESS_HANDLES) == 0) {
            processes.parked().free(from);
        }
        return last ? slot : -1;
    }

    /** Removes the object in a DESTROYING slot that {@link #releaseHoldWithin} left: its file, then its slot. */
    void finishDestroyOf(int slot) {
        finishDestroy(slot);
    }

    /** One handle less for holder {@code h} (of process slot {@code processSlot}); inside a transaction. */
    private boolean removeHold(int slot, int h, int processSlot) {
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

    /** Lowers the logical size of a live object. */
    void setLogicalSize(int slot, long logicalSize) {
        w.transaction(() -> w.putObject(slot, OBJECT_LOGICAL_SIZE, logicalSize));
    }

    /**
     * Releases every handle a dead process held, one object per transaction (a process may hold thousands, more than
     * one journal can take); objects left without handles are destroyed, each after {@code beforeDestroy} was told
     * its slot (while its file is still there).
     */
    void releaseAllOf(int processSlot, java.util.function.IntConsumer beforeDestroy) {
        for (int slot = 0; slot < w.objectCapacity; slot++) {
            if (w.objectWord(slot, OBJECT_STATE) != LIVE) {
                continue;
            }
            int h = holderIndex(slot, processSlot);
            if (h < 0) {
                continue;
            }
            int object = slot;
            boolean destroy = w.transaction(() -> {
                long remaining = w.objectWord(object, OBJECT_HANDLES) - w.holderWord(object, h, HOLDER_HANDLES);
                w.putHolder(object, h, HOLDER_PROCESS, 0);
                w.putHolder(object, h, HOLDER_HANDLES, 0);
                w.putObject(object, OBJECT_HANDLES, remaining);
                if (remaining == 0) {
                    markDestroying(object);
                }
                return remaining == 0;
            });
            if (destroy) {
                beforeDestroy.accept(object);
                finishDestroy(object);
            }
        }
    }

    /** Finishes every CREATING or DESTROYING intent, whose writer died: its file is removed and its slot freed. */
    void finishDeadIntents() {
        if (w.header(PENDING_INTENTS_OFFSET) == 0) {
            return;
        }
        for (int slot = 0; slot < w.objectCapacity; slot++) {
            long state = w.objectWord(slot, OBJECT_STATE);
            if (state == CREATING || state == DESTROYING) {
                finishDestroy(slot);
            }
        }
    }

    private void addHandle(int slot, boolean reclaim) {
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

    private void markDestroying(int slot) {
        w.putObject(slot, OBJECT_STATE, DESTROYING);
        w.addToHeader(PENDING_INTENTS_OFFSET, 1);
        w.addToHeader(LIVE_OBJECTS_OFFSET, -1);
    }

    /** Removes the file of a CREATING or DESTROYING slot, then frees the slot. */
    private void finishDestroy(int slot) {
        finishDestroy(slot, w.fileNameAt(slot));
    }

    /** {@link #finishDestroy(int)} with the slot's file name known already (read from it or matched against it). */
    private void finishDestroy(int slot, String fileName) {
        files.remove(fileName, inodeOf(slot), w.objectWord(slot, OBJECT_STATE) == DESTROYING);
        w.crashPoint().reached("unlinked");
        w.transaction(() -> {
            w.addToHeader(PENDING_INTENTS_OFFSET, -1);
            for (int h = 0; h < HOLDERS_PER_OBJECT; h++) {
                w.putHolder(slot, h, HOLDER_PROCESS, 0);
                w.putHolder(slot, h, HOLDER_HANDLES, 0);
            }
            freeSlot(slot);
        });
    }

    private void freeSlot(int slot) {
        long pool = w.objectWord(slot, OBJECT_POOL);
        if (pool > 0) {
            pools.charge(w.index("pool of object slot " + slot, w.objectFieldOffset(slot, OBJECT_POOL), pool - 1,
                    MAX_POOLS), -w.objectWord(slot, OBJECT_RESERVED_SIZE));
            w.putObject(slot, OBJECT_POOL, 0);
        }
        w.putObject(slot, OBJECT_HANDLES, 0);
        w.putObject(slot, OBJECT_INODE, 0);
        w.putObject(slot, OBJECT_STATE, TOMBSTONE);
        long mask = w.objectCapacity - 1;
        if (w.objectWord((int) ((slot + 1) & mask), OBJECT_STATE) == EMPTY) {
            for (long s = slot; w.objectWord((int) s, OBJECT_STATE) == TOMBSTONE; s = (s - 1) & mask) {
                w.putObject((int) s, OBJECT_STATE, EMPTY);
            }
        }
    }

    private int holderIndex(int slot, int processSlot) {
        for (int h = 0; h < HOLDERS_PER_OBJECT; h++) {
            if (w.holderWord(slot, h, HOLDER_PROCESS) == processSlot + 1) {
                return h;
            }
        }
        return -1;
    }
}
