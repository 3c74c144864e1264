package shm.provider.mmap;

import java.util.List;

import shm.api.ObjectType;

/**
 * A snapshot of one object slot of the {@link ObjectTable}.
 *
 * @param slot         the slot index
 * @param state        one of the object states of {@link TableLayout}
 * @param type         the object's type
 * @param reservedSize bytes of data in the file
 * @param logicalSize  bytes a new handle maps
 * @param handles      handles held by all processes
 * @param fileName     the object's file name in the root
 * @param holders      the processes holding handles
 */
record TableEntry(int slot, long state, ObjectType type, long reservedSize, long logicalSize, long handles,
                  String fileName, List<Holder> holders) {

    /**
     * One process holding handles.
     *
     * @param pid     its pid
     * @param handles how many handles it holds
     */
    record Holder(long pid, long handles) {
    }
}
