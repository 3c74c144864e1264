package shm.provider.mmap;

import static shm.provider.mmap.TableLayout.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import shm.api.ErrorReason;
import shm.api.ObjectType;
import shm.api.ShmException;

/**
 * The creation and destruction intents of the object slots ({@link TableLayout#CREATING},
 * {@link TableLayout#DESTROYING}), which bracket every step that touches an object's file: a creation intent is
 * recorded here before the file is made, and made live or abandoned; a destruction intent is recorded by
 * {@link ObjectHolders} as an object's last handle goes. Either is finished here by removing the file and freeing the
 * slot (and refunding its pool), by its writer or, when the writer died, by the next lock holder. One instance per
 * mapping of the table; used under the table lock only ({@link ObjectTable#locked}).
 */
final class ObjectIntents {

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
    private final ObjectHolders holders;
    private final FileRemover files;

    ObjectIntents(TableWords w, Path root, ProcessSlots processes, MemoryPools pools, ObjectHolders holders,
                  FileRemover files) {
        this.w = w;
        this.root = root;
        this.processes = processes;
        this.pools = pools;
        this.holders = holders;
        this.files = files;
    }

    // ------------------------------------------------------------------ creation

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

    /** Records the inode of the file a creation intent is about to link; in its own transaction, before the link. */
    void recordInode(int slot, long inode) {
        w.transaction(() -> w.putObject(slot, OBJECT_INODE, inode));
    }

    /** Turns a creation intent into a live object with one handle held by this process. */
    void finishCreate(int slot) {
        w.transaction(() -> {
            w.putObject(slot, OBJECT_STATE, LIVE);
            w.addToHeader(PENDING_INTENTS_OFFSET, -1);
            w.addToHeader(LIVE_OBJECTS_OFFSET, 1);
            holders.addHandle(slot, false); // a new object has no parked hold
        });
    }

    /** Abandons a creation intent whose file was never linked or was already removed. */
    void abandonCreate(int slot) {
        w.transaction(() -> {
            w.addToHeader(PENDING_INTENTS_OFFSET, -1);
            freeSlot(slot);
        });
    }

    // ------------------------------------------------------------------ finishing intents

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

    /** Removes the file of a CREATING or DESTROYING slot, then frees the slot. */
    void finishDestroy(int slot) {
        finishDestroy(slot, w.fileNameAt(slot));
    }

    /** {@link #finishDestroy(int)} with the slot's file name known already (read from it or matched against it). */
    void finishDestroy(int slot, String fileName) {
        files.remove(fileName, w.objectWord(slot, OBJECT_INODE), w.objectWord(slot, OBJECT_STATE) == DESTROYING);
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

    /**
     * Frees a slot inside a transaction: its pool refunded, its counts cleared, a tombstone, and the run of tombstones
     * it ends made empty again when an empty slot follows it (no probe needs to pass them any more).
     */
    private void freeSlot(int slot) {
        long pool = w.objectWord(slot, OBJECT_POOL);
        if (pool > 0) {
            pools.charge(w.index("pool", "object", slot, w.objectFieldOffset(slot, OBJECT_POOL), pool - 1,
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
}
