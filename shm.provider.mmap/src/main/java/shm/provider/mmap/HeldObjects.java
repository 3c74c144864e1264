package shm.provider.mmap;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The objects a backend instance holds handles to: by reference, and by file name for the opens that share a mapping
 * ({@link shm.api.MapOptions#shareMapping()}).
 *
 * <p>By reference, not by name, for everything else: a handle whose hold another process released may outlive its
 * object, whose name a new object then takes. The name index keeps the newest object opened under each name; an entry
 * may be such a stale one, which the table tells ({@link ObjectSlots#liveLogicalSize}).
 *
 * <p>Not thread-safe: guarded by the backend's lock.
 */
final class HeldObjects {

    private final Map<Long, OpenObject> byRef = new HashMap<>();
    private final Map<String, OpenObject> byFileName = new HashMap<>();

    /** The object of {@code handle}, kept until its last handle here goes ({@link #remove}); returns the handle. */
    MmapHandle add(MmapHandle handle) {
        OpenObject object = handle.object();
        if (byRef.putIfAbsent(object.ref().value(), object) == null && object.name() != null) {
            byFileName.put(object.fileName(), object);
        }
        return handle;
    }

    /** Forgets an object that has no handle left here. */
    void remove(OpenObject object) {
        byRef.remove(object.ref().value(), object);
        byFileName.remove(object.fileName(), object);
    }

    /** The object held here under reference {@code ref}, or {@code null}. */
    OpenObject byRef(long ref) {
        return byRef.get(ref);
    }

    /** The newest object opened here under {@code fileName}, or {@code null}; it may no longer live. */
    OpenObject byFileName(String fileName) {
        return byFileName.get(fileName);
    }

    /** Whether {@code handle} is an open handle of an object held here. */
    boolean holdsOpen(MmapHandle handle) {
        return byRef.get(handle.ref().value()) == handle.object() && handle.isOpen();
    }

    /** A copy of the objects held here. */
    List<OpenObject> all() {
        return List.copyOf(byRef.values());
    }

    boolean isEmpty() {
        return byRef.isEmpty();
    }
}
