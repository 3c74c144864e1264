package shm.core;

import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import shm.core.NeutralSharedMemoryService.HandleCounts;

/**
 * The handles a neutral service gave out and still answers for: the open ones (bound or parked), and the parked ones
 * their users closed, whose parked hold is released once a backend of their store takes it over.
 *
 * <p>Not thread-safe: the service's lock guards both sets. Iterating this object walks the open handles themselves,
 * so such a loop must not forget any (that would throw {@link java.util.ConcurrentModificationException}); a loop
 * that may forget some walks a {@linkplain #copy() copy}.
 */
final class LiveHandles implements Iterable<NeutralHandle> {

    /** The open handles, bound or parked, in the order they were opened. */
    private final Set<NeutralHandle> handles = new LinkedHashSet<>();
    /** Parked handles closed by their users: released as soon as a backend of their store takes them over. */
    private final Set<NeutralHandle> closedWhileParked = new LinkedHashSet<>();

    /** Answers for a handle just opened. */
    void add(NeutralHandle handle) {
        handles.add(handle);
    }

    /** Forgets an open handle (it was closed or lost); returns whether it was one. */
    boolean forget(NeutralHandle handle) {
        return handles.remove(handle);
    }

    /** Forgets every open handle (the service is going away); closed parked handles stay. */
    void forgetAll() {
        handles.clear();
    }

    /** Whether the service still answers for {@code handle} as an open handle. */
    boolean isOpen(NeutralHandle handle) {
        return handles.contains(handle);
    }

    /** The open handles as they are now, for a loop that may forget some. */
    List<NeutralHandle> copy() {
        return List.copyOf(handles);
    }

    /** The open handles themselves: the loop must not forget any (see {@link #copy()}). */
    @Override
    public Iterator<NeutralHandle> iterator() {
        return handles.iterator();
    }

    /** The stores the open handles that are not ended live in, in the order the handles were opened. */
    Set<String> stores() {
        Set<String> stores = new LinkedHashSet<>();
        handles.stream().filter(h -> !h.isEnded()).forEach(h -> stores.add(h.namespace()));
        return stores;
    }

    /** How many handles are open, and how many of them are parked. */
    HandleCounts counts() {
        int parked = (int) handles.stream().filter(NeutralHandle::isParked).count();
        return new HandleCounts(handles.size(), parked);
    }

    /** A parked handle its user closed: its parked hold is to be released when a backend of its store comes. */
    void addClosedWhileParked(NeutralHandle handle) {
        closedWhileParked.add(handle);
    }

    /** The closed parked handles as they are now, for a loop that releases some. */
    List<NeutralHandle> closedWhileParked() {
        return List.copyOf(closedWhileParked);
    }

    /** Forgets a closed parked handle whose parked hold is being released. */
    void removeClosedWhileParked(NeutralHandle handle) {
        closedWhileParked.remove(handle);
    }
}
