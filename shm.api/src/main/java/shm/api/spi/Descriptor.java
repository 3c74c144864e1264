package shm.api.spi;

/**
 * One entry of a {@link DescriptorTable}: a small integer naming a region of an object, system-wide.
 *
 * @param index    the descriptor's number in its table, from 0
 * @param object   the object the region belongs to
 * @param offset   where the region starts in the object's data
 * @param size     the region's length in bytes
 * @param ownerPid the process that created the descriptor; its death deletes the descriptor
 * @param node     where the memory is, as its creator said (a node or location number of the caller's choosing;
 *                 0 by default); the backend only records it
 */
public record Descriptor(int index, ObjectRef object, long offset, long size, long ownerPid, long node) {
}
