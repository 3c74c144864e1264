package shm.provider.mmap;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

import shm.api.ErrorReason;
import shm.api.ShmException;
import shm.api.spi.Descriptor;
import shm.api.spi.DescriptorTable;
import shm.api.spi.ObjectRef;

/**
 * A descriptor table of the object table (see {@link TableLayout}), used under its backend's locks
 * ({@link BackendLock}).
 */
final class MmapDescriptorTable implements DescriptorTable {

    private final BackendLock locks;
    private final String name;
    private final int index;

    MmapDescriptorTable(BackendLock locks, String name, int index) {
        this.locks = locks;
        this.name = name;
        this.index = index;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int capacity() {
        return (int) locks.tableWork(table -> table.descriptors().state(index))[0];
    }

    @Override
    public int perProcessLimit() {
        return (int) locks.tableWork(table -> table.descriptors().state(index))[1];
    }

    @Override
    public int used() {
        return (int) locks.tableWork(table -> table.descriptors().state(index))[2];
    }

    @Override
    public Descriptor create(ObjectRef object, long offset, long size, long node) {
        Objects.requireNonNull(object, "object");
        return locks.tableWork(table -> {
            int slot = table.objects().slotOf(object.value());
            if (slot < 0) {
                throw new ShmException(ErrorReason.NOT_FOUND, null, "the object of reference 0x"
                        + Long.toHexString(object.value()) + " no longer exists");
            }
            long reserved = table.objects().reservedSizeAt(slot);
            if (offset < 0 || size < 1 || offset > reserved - size) {
                throw new ShmException(ErrorReason.INVALID_PARAMETER, null, "a descriptor of table '" + name
                        + "' must name a region inside its object: offset " + offset + " and size " + size
                        + " do not fit " + reserved + " bytes");
            }
            int number = table.descriptors().create(index, slot, offset, size, node, table.selfSlot());
            return descriptor(number, table.descriptors().get(index, number));
        });
    }

    @Override
    public Optional<Descriptor> get(int number) {
        return locks.tableWork(table -> {
            long[] d = table.descriptors().get(index, number);
            return d == null ? Optional.empty() : Optional.of(descriptor(number, d));
        });
    }

    /**
     * {@inheritDoc} A look without the store's file lock first, at the words of every slot in place: when all of them
     * still match, that is the answer, with no system call (a deletion that has not changed a word yet comes after this
     * answer, as it could after a locked one). Any difference, or a table that cannot be read, is looked at again under
     * the lock, once for all of them, so a half-written or rolled-back change never reports a descriptor as deleted.
     */
    @Override
    public boolean[] stillHeld(List<Descriptor> descriptors) {
        boolean[] held = locks.readUnlocked(table -> compare(table, descriptors));
        if (held != null && allTrue(held)) {
            return held;
        }
        return locks.tableWork(table -> compare(table, descriptors));
    }

    /** {@inheritDoc} The table's generation, which every commit of any participant advances by one. */
    @Override
    public long changeCount() {
        return locks.generationWithoutLocks();
    }

    private boolean[] compare(ObjectTable table, List<Descriptor> descriptors) {
        boolean[] held = new boolean[descriptors.size()];
        for (int i = 0; i < held.length; i++) {
            Descriptor d = descriptors.get(i);
            held[i] = table.descriptors().holds(index, d.index(), d.object().value(), d.offset(), d.size(),
                    d.ownerPid(), d.node());
        }
        return held;
    }

    private static boolean allTrue(boolean[] values) {
        for (boolean value : values) {
            if (!value) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean delete(int number) {
        return locks.tableWork(table -> table.descriptors().delete(index, number));
    }

    @Override
    public boolean deleteReleasingHold(Descriptor descriptor) {
        Objects.requireNonNull(descriptor, "descriptor");
        long[] expected = {descriptor.object().value(), descriptor.offset(), descriptor.size(), descriptor.ownerPid(),
                descriptor.node()};
        return locks.tableWork(table -> table.deleteDescriptorReleasingHold(index, descriptor.index(), expected));
    }

    /**
     * {@inheritDoc} Here: {@code work} runs under the backend's locks, taken once; the calls inside run in that lock
     * ({@link ObjectTable#locked} nests), each with its own journaled transaction.
     */
    @Override
    public <T> T inOneStep(Supplier<T> work) {
        Objects.requireNonNull(work, "work");
        return locks.tableWork(table -> work.get());
    }

    private static Descriptor descriptor(int number, long[] d) {
        return new Descriptor(number, new ObjectRef(d[0]), d[1], d[2], d[3], d[4]);
    }

    @Override
    public String toString() {
        return "descriptor table '" + name + "'";
    }
}
