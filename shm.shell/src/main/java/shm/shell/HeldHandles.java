package shm.shell;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import shm.api.SharedMemory;

/**
 * The handles a shell keeps open between commands, by object name. Handles that were closed elsewhere (for example
 * by the service that issued them going away) are forgotten as soon as they are noticed. Thread-safe.
 */
final class HeldHandles {

    private final Map<String, List<SharedMemory>> byName = new HashMap<>();

    /** Keeps {@code handle} open until {@link #closeAll(String)} or {@link #closeEverything()} closes it. */
    synchronized void keep(String name, SharedMemory handle) {
        byName.computeIfAbsent(name, unused -> new ArrayList<>()).add(handle);
    }

    /** An open handle of the named object that this shell holds, if it holds one. */
    synchronized Optional<SharedMemory> anyOpen(String name) {
        return openHandles(name).stream().findFirst();
    }

    /** How many open handles of the named object this shell holds. */
    synchronized int count(String name) {
        return openHandles(name).size();
    }

    /**
     * Closes every handle of the named object that this shell holds.
     *
     * @return how many open handles were closed; 0 when the shell held none
     */
    synchronized int closeAll(String name) {
        List<SharedMemory> handles = openHandles(name);
        byName.remove(name);
        handles.forEach(SharedMemory::close);
        return handles.size();
    }

    /**
     * Closes every handle this shell holds.
     *
     * @return how many open handles were closed
     */
    synchronized int closeEverything() {
        int closed = 0;
        for (String name : List.copyOf(byName.keySet())) {
            closed += closeAll(name);
        }
        return closed;
    }

    /** Takes every open handle out (for a handover); the shell holds none afterwards. */
    synchronized Map<String, List<SharedMemory>> takeAll() {
        Map<String, List<SharedMemory>> taken = new HashMap<>();
        for (String name : List.copyOf(byName.keySet())) {
            List<SharedMemory> open = openHandles(name);
            if (!open.isEmpty()) {
                taken.put(name, new ArrayList<>(open));
            }
        }
        byName.clear();
        return taken;
    }

    private List<SharedMemory> openHandles(String name) {
        List<SharedMemory> handles = byName.get(name);
        if (handles == null) {
            return List.of();
        }
        handles.removeIf(handle -> !handle.isOpen());
        if (handles.isEmpty()) {
            byName.remove(name);
        }
        return List.copyOf(handles);
    }
}
