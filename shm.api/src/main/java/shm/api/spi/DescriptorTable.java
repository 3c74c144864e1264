package shm.api.spi;

import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A system-wide table of small-integer descriptors, each naming a region of an object, shared by every process of
 * the backend (the mechanism behind descriptor tables such as INtime's GDT slots). Implemented by backends.
 *
 * <p>A descriptor does not hold its object: deleting the object's last handle destroys the object whatever
 * descriptors name it, and deleting a descriptor changes nothing about the object. A deleted descriptor's number is
 * reused by later creates. A descriptor is owned by the process that created it and deleted when that process dies.
 * Thread-safe.
 */
@ProviderType
public interface DescriptorTable {

    /** The table's name, which keeps its descriptors apart from other tables of the backend. */
    String name();

    /** How many descriptors the table can hold at once. */
    int capacity();

    /** How many descriptors one process can hold at once. */
    int perProcessLimit();

    /**
     * Creates a descriptor for {@code size} bytes at {@code offset} of {@code object}, recording {@code node} as
     * where the memory is.
     *
     * @return the new descriptor
     * @throws shm.api.ShmException NO_SLOT when the table is full, LIMIT when this process holds its limit,
     *                              INVALID_PARAMETER when the region is not inside the object, NOT_FOUND when the
     *                              object is gone, CLOSED
     */
    Descriptor create(ObjectRef object, long offset, long size, long node);

    /** {@link #create(ObjectRef, long, long, long)} on node 0. */
    default Descriptor create(ObjectRef object, long offset, long size) {
        return create(object, offset, size, 0);
    }

    /** The descriptor with this number, empty when it is not in use. */
    Optional<Descriptor> get(int index);

    /**
     * Deletes a descriptor of any process; its number becomes free.
     *
     * @return {@code false} when no descriptor had this number
     */
    boolean delete(int index);

    /** How many descriptors are in use. */
    int used();
}
