package shm.api.spi;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

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
     * Which of {@code descriptors} their numbers still hold exactly (the same object, region, owner and node, as
     * {@link #get(int)} would answer), all read in one step: a backend whose reads each take a lock or a call takes it
     * once for all of them. This is what a process that holds many descriptors asks at every call that must notice the
     * ones another process deleted (INtime's iwin32 handles).
     *
     * @param descriptors descriptors as {@link #get(int)} or {@link #create} returned them
     * @return for each descriptor, in order, whether its number still holds it
     * @throws shm.api.ShmException CLOSED
     * @since 1.6
     */
    default boolean[] stillHeld(List<Descriptor> descriptors) {
        boolean[] held = new boolean[descriptors.size()];
        for (int i = 0; i < held.length; i++) {
            Descriptor descriptor = descriptors.get(i);
            held[i] = get(descriptor.index()).filter(descriptor::equals).isPresent();
        }
        return held;
    }

    /**
     * A number that changes whenever anything in the store may have changed since it was last read, descriptors of any
     * table included: equal numbers from two reads mean that no descriptor was created, changed or deleted between
     * them, so the answer of a {@link #stillHeld} taken after the first read still holds. {@code -1} (the default) when
     * the backend cannot tell, also when it is closed; then nothing may be concluded from it. Cheap: for the mmap
     * store, one word read.
     *
     * @since 1.7
     */
    default long changeCount() {
        return -1;
    }

    /**
     * Deletes a descriptor of any process; its number becomes free.
     *
     * @return {@code false} when no descriptor had this number
     */
    boolean delete(int index);

    /**
     * Deletes {@code descriptor}, if its number still holds exactly this descriptor (same object, region, owner and
     * node), and releases one handle that the descriptor's owner process holds on the descriptor's object, in one step
     * that other processes see whole or not at all: the closing of another process's handle by the handle's value,
     * where a descriptor stands for a handle (INtime's system-wide iwin32 handles). The object goes when that was its
     * last handle in any process. The owner process learns of it only by finding the descriptor gone; it then drops
     * the handle with {@link BackendHandle#forget()} (or {@link ShmBackend#forget(Object)}), never releasing it again.
     * When the owner holds no handle of the object any more (it released or parked it), only the descriptor goes.
     *
     * <p>A backend whose descriptor tables cannot do this (a vendor's read-only view of the GDT) refuses with
     * {@link shm.api.ErrorReason#LOCATION}, as it refuses its other unsupported parts, and changes nothing.
     *
     * @param descriptor the descriptor as {@link #get(int)} or {@link #create} returned it
     * @return {@code false} when the number no longer holds this descriptor (nothing changed)
     * @throws shm.api.ShmException LOCATION when the backend cannot; CLOSED
     * @since 1.4
     */
    boolean deleteReleasingHold(Descriptor descriptor);

    /** How many descriptors are in use. */
    int used();

    /**
     * Runs {@code work}, which calls this table and the backend it belongs to (an open or create of an object and the
     * descriptor that stands for the new handle, say), as one step of the store where the backend can: a backend
     * whose every call takes the store's lock takes it once, around all of them, instead of once per call. Each call
     * inside keeps its own contract and its own crash safety, and other processes may see the calls' changes one by
     * one, as they would without the step; only the lock's round trips are saved. The default runs {@code work} as it
     * is.
     *
     * <p>{@code work} must not call another backend, wait for another thread or process, or take long: it runs while
     * every other participant of the store waits.
     *
     * @param work the calls to run together
     * @return what {@code work} returned
     * @throws shm.api.ShmException CLOSED, and whatever {@code work} throws
     * @since 1.8
     */
    default <T> T inOneStep(Supplier<T> work) {
        return work.get();
    }
}
