package shm.personality.intime;

import static shm.api.intime.IntimeConstants.E_LIMIT;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import shm.api.ErrorReason;
import shm.api.intime.IntimeTables;
import shm.api.spi.Descriptor;
import shm.api.spi.DescriptorTable;
import shm.api.spi.ObjectRef;

/**
 * The memory handles of one INtime process: slots of the system-wide GDT ({@link IntimeTables#GDT_TABLE}), each
 * naming a region of an object, with INtime's per-process object limit. Deleting a slot returns only the slot;
 * nothing counts the users of a handle. Any process may delete a slot; the creator finds out when it next counts its
 * handles. Not thread-safe on its own: the personality's lock guards it.
 */
final class MemoryHandles {

    private final DescriptorTable gdt;
    private final int objectLimit;
    private final Map<Integer, Descriptor> owned = new HashMap<>();

    MemoryHandles(DescriptorTable gdt, int objectLimit) {
        this.gdt = gdt;
        this.objectLimit = objectLimit;
    }

    /**
     * A new handle for {@code size} bytes at {@code offset} of {@code object}.
     *
     * @throws shm.api.ShmException E_LIMIT at the object limit; from the table NO_SLOT (E_SLOT), LIMIT (E_LIMIT),
     *                              NO_MEMORY (E_MEM)
     */
    int create(ObjectRef object, long offset, long size) {
        if (owned.size() >= objectLimit) {
            forgetLost();
            if (owned.size() >= objectLimit) {
                throw IntimeErrors.rt(ErrorReason.LIMIT, E_LIMIT, null, "creating the RT handle exceeds the"
                        + " process's object limit of " + objectLimit + " handles");
            }
        }
        Descriptor descriptor = gdt.create(object, offset, size);
        owned.put(descriptor.index(), descriptor);
        return IntimeTables.memoryHandleOfSlot(descriptor.index());
    }

    /** The system-wide GDT, for operators. */
    DescriptorTable gdt() {
        return gdt;
    }

    /** The GDT slots this process created and has not deleted, for operators. */
    java.util.Set<Integer> ownedSlots() {
        return java.util.Set.copyOf(owned.keySet());
    }

    /** The slot a memory handle names, of any process; empty when the value names no slot in use. */
    Optional<Descriptor> find(int rtHandle) {
        int slot = IntimeTables.slotOfMemoryHandle(rtHandle);
        if (slot < 0 || slot >= gdt.capacity()) {
            return Optional.empty();
        }
        return gdt.get(slot);
    }

    /** Deletes a slot, whoever created it: the slot becomes free; the memory and its users are not touched. */
    void delete(Descriptor descriptor) {
        gdt.delete(descriptor.index());
        owned.remove(descriptor.index());
    }

    /** How many handles this process holds (slots another process deleted are counted until the next check). */
    int count() {
        return owned.size();
    }

    /** The GDT's capacity as the backend fixed it (the first process to open the table decides). */
    int capacity() {
        return gdt.capacity();
    }

    /** Deletes every slot this process still owns, as INtime deletes a process's objects with it. */
    void deleteAll() {
        for (Descriptor descriptor : List.copyOf(owned.values())) {
            if (stillOwned(descriptor)) {
                gdt.delete(descriptor.index());
            }
        }
        owned.clear();
    }

    /** The slots this process owns, one line each ("gdt" and the descriptor), for {@link #restore}. */
    java.util.List<String> lines() {
        return owned.values().stream().map(d -> "gdt " + KeptLines.of(d)).toList();
    }

    /** Takes back a slot an earlier revision of this process owned, if the slot still holds it. */
    void restore(Descriptor descriptor) {
        if (stillOwned(descriptor)) {
            owned.put(descriptor.index(), descriptor);
        }
    }

    /** Drops from the count the slots another process deleted (and perhaps reused). */
    private void forgetLost() {
        owned.values().removeIf(descriptor -> !stillOwned(descriptor));
    }

    /**
     * Whether the slot still holds the descriptor this process created: the same region of the same object, created
     * by this operating-system process (a descriptor records its owner's pid). Another INtime process of this JVM
     * that deleted the slot and created an identical descriptor in it cannot be told apart.
     */
    private boolean stillOwned(Descriptor descriptor) {
        return gdt.get(descriptor.index()).filter(descriptor::equals).isPresent();
    }
}
