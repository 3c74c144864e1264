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
 */
public record ObjectInfo(String name, ObjectType type, long byteSize, long logicalSize, List<HolderInfo> holders) {

    /** Checks sizes and copies the holder list. */
    public ObjectInfo {
        Objects.requireNonNull(type, "type");
        if (byteSize < 0 || logicalSize < 0 || logicalSize > byteSize) {
            throw new IllegalArgumentException(
                    "sizes must satisfy 0 <= logicalSize <= byteSize: " + logicalSize + ", " + byteSize);
        }
        holders = List.copyOf(holders);
    }

    /** The total number of handles held by all listed holders. */
    public int handleCount() {
        return holders.stream().mapToInt(HolderInfo::handles).sum();
    }
}
