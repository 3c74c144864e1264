package shm.provider.mmap;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** An object this process holds handles to, with those handles. Not thread-safe: guarded by the backend's lock. */
final class OpenObject {

    private final Set<MmapHandle> handles = new LinkedHashSet<>();

    void add(MmapHandle handle) {
        handles.add(handle);
    }

    boolean remove(MmapHandle handle) {
        return handles.remove(handle);
    }

    boolean isEmpty() {
        return handles.isEmpty();
    }

    /** A copy of the open handles, in opening order. */
    List<MmapHandle> handles() {
        return List.copyOf(handles);
    }
}
