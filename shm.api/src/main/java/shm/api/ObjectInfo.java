package shm.api;

import java.util.List;
import java.util.Objects;

/**
 * A snapshot of one named object, as an operator sees it.
 *
 * @param name        the object's name; {@code null} for an unnamed object
 * @param type        the object's type
 * @param byteSize    the size reserved for the object, in bytes
 * @param logicalSize the size callers are given, at most {@code byteSize}; smaller when a personality shrank it
 * @param holders     the processes known to hold handles, possibly empty when the backend cannot tell
 * @param state       the state of an event, mutex or semaphore in words (such as {@code "signaled, manual reset"},
 *                    {@code "owned by pid 4711"}, {@code "count 1 of 2"}); empty for shared memory
 */
public record ObjectInfo(String name, ObjectType type, long byteSize, long logicalSize, List<HolderInfo> holders,
                         String state) {

    /** Checks sizes and copies the holder list. */
    public ObjectInfo {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(state, "state");
        if (byteSize < 0 || logicalSize < 0 || logicalSize > byteSize) {
            throw new IllegalArgumentException(
                    "sizes must satisfy 0 <= logicalSize <= byteSize: " + logicalSize + ", " + byteSize);
        }
        holders = List.copyOf(holders);
    }

    /** A snapshot without state, as for shared memory. */
    public ObjectInfo(String name, ObjectType type, long byteSize, long logicalSize, List<HolderInfo> holders) {
        this(name, type, byteSize, logicalSize, holders, "");
    }

    /** The total number of handles held by all listed holders. */
    public int handleCount() {
        return holders.stream().mapToInt(HolderInfo::handles).sum();
    }
}
