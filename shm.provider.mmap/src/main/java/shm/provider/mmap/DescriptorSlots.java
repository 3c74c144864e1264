package shm.provider.mmap;

import static shm.provider.mmap.TableLayout.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import shm.api.ErrorReason;
import shm.api.ShmException;

/**
 * The descriptor tables of the object table ({@link TableLayout}): up to {@value TableLayout#MAX_DESCRIPTOR_TABLES}
 * named tables, each owning a range of the descriptor slots, with a capacity and a per-process limit; a descriptor
 * names a region of an object and belongs to the process that made it.
 */
final class DescriptorSlots {

    private final TableWords w;
    private final Path root;

    DescriptorSlots(TableWords w, Path root) {
        this.w = w;
        this.root = root;
    }

    /**
     * The index of the descriptor table of this name, made with {@code capacity} and {@code perProcessLimit} if it
     * does not exist yet.
     */
    int table(String name, int capacity, int perProcessLimit) {
        for (int t = 0; t < MAX_DESCRIPTOR_TABLES; t++) {
            if (w.descriptorTableName(t).equals(name)) {
                return t;
            }
        }
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        if (bytes.length == 0 || bytes.length > DESCRIPTOR_TABLE_NAME_BYTES) {
            throw new ShmException(ErrorReason.INVALID_PARAMETER, null, "a descriptor table name has 1 to "
                    + DESCRIPTOR_TABLE_NAME_BYTES + " UTF-8 bytes: '" + name + "'");
        }
        long first = 0;
        int free = -1;
        for (int t = 0; t < MAX_DESCRIPTOR_TABLES; t++) {
            if (w.descriptorTableName(t).isEmpty()) {
                if (free < 0) {
                    free = t;
                }
            } else {
                first = Math.max(first, w.descriptorTableWord(t, DESCRIPTOR_TABLE_FIRST)
                        + w.descriptorTableWord(t, DESCRIPTOR_TABLE_CAPACITY));
            }
        }
        if (free < 0) {
            throw new ShmException(ErrorReason.LIMIT, null, "the object table of " + root + " holds at most "
                    + MAX_DESCRIPTOR_TABLES + " descriptor tables");
        }
        if (capacity < 1 || perProcessLimit < 1 || first + capacity > w.descriptorSlots) {
            throw new ShmException(ErrorReason.INVALID_PARAMETER, null, "descriptor table '" + name + "' needs a"
                    + " capacity and per-process limit of at least 1, and the capacity must fit the "
                    + (w.descriptorSlots - first) + " free descriptor slots of " + root + "; asked " + capacity + " / "
                    + perProcessLimit);
        }
        int t = free;
        long base = first;
        w.transaction(() -> {
            w.putBytes(DESCRIPTOR_TABLES_OFFSET + t * DESCRIPTOR_TABLE_SIZE, bytes, DESCRIPTOR_TABLE_NAME_BYTES);
            w.putDescriptorTable(t, DESCRIPTOR_TABLE_CAPACITY, capacity);
            w.putDescriptorTable(t, DESCRIPTOR_TABLE_LIMIT, perProcessLimit);
            w.putDescriptorTable(t, DESCRIPTOR_TABLE_USED, 0);
            w.putDescriptorTable(t, DESCRIPTOR_TABLE_FIRST, base);
            w.putDescriptorTable(t, DESCRIPTOR_TABLE_HINT, 0);
        });
        return t;
    }

    /** {capacity, per-process limit, used} of a descriptor table. */
    long[] state(int t) {
        return new long[] {w.descriptorTableWord(t, DESCRIPTOR_TABLE_CAPACITY),
                w.descriptorTableWord(t, DESCRIPTOR_TABLE_LIMIT), w.descriptorTableWord(t, DESCRIPTOR_TABLE_USED)};
    }

    /**
     * Creates a descriptor in table {@code t} for a region of the live object in {@code objectSlot}, owned by this
     * process.
     *
     * @return the descriptor's number within the table
     */
    int create(int t, int objectSlot, long offset, long size, long node, int selfSlot) {
        long capacity = w.descriptorTableWord(t, DESCRIPTOR_TABLE_CAPACITY);
        if (w.descriptorTableWord(t, DESCRIPTOR_TABLE_USED) >= capacity) {
            throw new ShmException(ErrorReason.NO_SLOT, null, "descriptor table '" + w.descriptorTableName(t)
                    + "' is full: all " + capacity + " descriptors are in use");
        }
        long limit = w.descriptorTableWord(t, DESCRIPTOR_TABLE_LIMIT);
        long held = w.processWord(selfSlot, PROCESS_DESCRIPTORS + t * 8L);
        if (held >= limit) {
            throw new ShmException(ErrorReason.LIMIT, null, "this process holds " + held + " descriptors of table '"
                    + w.descriptorTableName(t) + "', its limit");
        }
        long first = slotOf(t, 0);
        long hint = w.descriptorTableWord(t, DESCRIPTOR_TABLE_HINT);
        int found = -1;
        for (long i = 0; i < capacity && found < 0; i++) {
            long index = Math.floorMod(hint + i, capacity);
            if (w.descriptorWord((int) (first + index), DESCRIPTOR_STATE) == 0) {
                found = (int) index;
            }
        }
        int index = found;
        int slot = (int) (first + index);
        w.transaction(() -> {
            w.putDescriptor(slot, DESCRIPTOR_TABLE, t + 1);
            w.putDescriptor(slot, DESCRIPTOR_OWNER, selfSlot);
            w.putDescriptor(slot, DESCRIPTOR_OBJECT, objectSlot);
            w.putDescriptor(slot, DESCRIPTOR_SERIAL, w.objectWord(objectSlot, OBJECT_SERIAL));
            w.putDescriptor(slot, DESCRIPTOR_OFFSET, offset);
            w.putDescriptor(slot, DESCRIPTOR_SIZE, size);
            w.putDescriptor(slot, DESCRIPTOR_NODE, node);
            w.putDescriptor(slot, DESCRIPTOR_STATE, 1);
            w.putDescriptorTable(t, DESCRIPTOR_TABLE_USED, w.descriptorTableWord(t, DESCRIPTOR_TABLE_USED) + 1);
            w.putDescriptorTable(t, DESCRIPTOR_TABLE_HINT, (index + 1) % capacity);
            w.putProcess(selfSlot, PROCESS_DESCRIPTORS + t * 8L, held + 1);
        });
        return index;
    }

    /**
     * The descriptor {@code index} of table {@code t} as {object ref, offset, size, owner pid, node}, or {@code null}
     * when it is not in use.
     */
    long[] get(int t, int index) {
        int slot = usedSlot(t, index);
        if (slot < 0) {
            return null;
        }
        return new long[] {objectRef(slot), w.descriptorWord(slot, DESCRIPTOR_OFFSET),
            w.descriptorWord(slot, DESCRIPTOR_SIZE), ownerPid(slot), w.descriptorWord(slot, DESCRIPTOR_NODE)};
    }

    /**
     * Whether descriptor {@code index} of table {@code t} is in use and holds exactly these values, as {@link #get}
     * would answer them; reads the words in place (this is asked for every handle at every iwin32 call).
     */
    boolean holds(int t, int index, long ref, long offset, long size, long ownerPid, long node) {
        int slot = usedSlot(t, index);
        return slot >= 0 && objectRef(slot) == ref && w.descriptorWord(slot, DESCRIPTOR_OFFSET) == offset
                && w.descriptorWord(slot, DESCRIPTOR_SIZE) == size && ownerPid(slot) == ownerPid
                && w.descriptorWord(slot, DESCRIPTOR_NODE) == node;
    }

    /** The slot of descriptor {@code index} of table {@code t}, or -1 when the number is outside it or not in use. */
    private int usedSlot(int t, int index) {
        if (index < 0 || index >= w.descriptorTableWord(t, DESCRIPTOR_TABLE_CAPACITY)) {
            return -1;
        }
        int slot = slotOf(t, index);
        return w.descriptorWord(slot, DESCRIPTOR_STATE) == 1 ? slot : -1;
    }

    private long objectRef(int slot) {
        long objectWord = w.descriptorWord(slot, DESCRIPTOR_OBJECT);
        long objectSlot = w.index("object", "descriptor", slot, w.descriptorFieldOffset(slot, DESCRIPTOR_OBJECT),
                objectWord, w.objectCapacity);
        return TableWords.ref(objectSlot, w.descriptorWord(slot, DESCRIPTOR_SERIAL));
    }

    private long ownerPid(int slot) {
        long ownerWord = w.descriptorWord(slot, DESCRIPTOR_OWNER);
        int ownerSlot = w.processIndex("owner", "descriptor", slot, w.descriptorFieldOffset(slot, DESCRIPTOR_OWNER),
                ownerWord);
        return w.processWord(ownerSlot, PROCESS_PID);
    }

    /** Deletes a descriptor; {@code false} when it was not in use. */
    boolean delete(int t, int index) {
        if (get(t, index) == null) {
            return false;
        }
        int slot = slotOf(t, index);
        w.transaction(() -> free(slot));
        return true;
    }

    /**
     * Frees descriptor {@code index} of table {@code t} when it still reads {@code expected} (as {@link #get} answers),
     * inside the caller's transaction.
     *
     * @return the owner's process slot; -1 when the descriptor no longer reads so (nothing changed)
     */
    int freeIf(int t, int index, long[] expected) {
        long[] now = get(t, index);
        if (now == null || !java.util.Arrays.equals(now, expected)) {
            return -1;
        }
        int slot = slotOf(t, index);
        int owner = w.processIndex("owner", "descriptor", slot, w.descriptorFieldOffset(slot, DESCRIPTOR_OWNER),
                w.descriptorWord(slot, DESCRIPTOR_OWNER));
        free(slot);
        return owner;
    }

    /** The descriptor slot of descriptor {@code index} of table {@code t}, checked to lie in the slot section. */
    private int slotOf(int t, int index) {
        long first = w.descriptorTableWord(t, DESCRIPTOR_TABLE_FIRST);
        long capacity = w.descriptorTableWord(t, DESCRIPTOR_TABLE_CAPACITY);
        if (first < 0 || capacity < 0 || first + capacity > w.descriptorSlots) {
            throw w.corrupt("first slot of descriptor table " + t, DESCRIPTOR_TABLES_OFFSET + t * DESCRIPTOR_TABLE_SIZE
                    + DESCRIPTOR_TABLE_FIRST, first);
        }
        return (int) (first + index);
    }

    /** Frees a descriptor slot, inside a transaction. */
    void free(int slot) {
        int t = w.index("table", "descriptor", slot, w.descriptorFieldOffset(slot, DESCRIPTOR_TABLE),
                w.descriptorWord(slot, DESCRIPTOR_TABLE) - 1, MAX_DESCRIPTOR_TABLES);
        int owner = w.processIndex("owner", "descriptor", slot, w.descriptorFieldOffset(slot, DESCRIPTOR_OWNER),
                w.descriptorWord(slot, DESCRIPTOR_OWNER));
        w.putDescriptor(slot, DESCRIPTOR_STATE, 0);
        w.putDescriptorTable(t, DESCRIPTOR_TABLE_USED, w.descriptorTableWord(t, DESCRIPTOR_TABLE_USED) - 1);
        w.putProcess(owner, PROCESS_DESCRIPTORS + t * 8L, w.processWord(owner, PROCESS_DESCRIPTORS + t * 8L) - 1);
    }

    /** The descriptor slots in use that a process owns. */
    List<Integer> ownedBy(int processSlot) {
        List<Integer> owned = new ArrayList<>();
        for (int slot = 0; slot < w.descriptorSlots; slot++) {
            if (w.descriptorWord(slot, DESCRIPTOR_STATE) == 1 && w.descriptorWord(slot, DESCRIPTOR_OWNER) == processSlot) {
                owned.add(slot);
            }
        }
        return owned;
    }
}
