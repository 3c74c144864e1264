package shm.personality.ntx;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Predicate;

import shm.api.intime.IntimeTables;

/**
 * The mapping cache of one Windows process: at most one {@link Mapping} per memory handle, keyed by the handle's GDT
 * slot (an {@code NTXHANDLE} of a memory handle and its slot determine each other, see
 * {@link shm.api.ntx.NtxConstants}). A lookup is one array index and one volatile read, with no allocation and no
 * lock, since ported code maps in its hot paths; changes are compare-and-set, so concurrent maps of one handle agree
 * on one mapping and concurrent unmaps remove it once.
 */
final class MappingCache {

    private final AtomicReferenceArray<Mapping> slots = new AtomicReferenceArray<>(IntimeTables.MAX_GDT_SLOTS);
    /** GDT slots whose mapping left with its hold parked: the slot's next map takes that hold back. */
    private final Set<Integer> parked = ConcurrentHashMap.newKeySet();

    /** Notes that the mapping of {@code slot} left the cache with its hold parked. */
    void markParked(int slot) {
        parked.add(slot);
    }

    /** Whether the mapping of {@code slot} left with its hold parked, forgetting it: the caller takes the hold back. */
    boolean takeParked(int slot) {
        return parked.remove(slot);
    }

    /** The slots whose mappings' holds are parked, ascending. */
    List<Integer> parkedSlots() {
        return parked.stream().sorted().toList();
    }

    /** The mapping cached for a GDT slot ({@code 0 <= slot < MAX_GDT_SLOTS}), or {@code null}. */
    Mapping get(int slot) {
        return slots.get(slot);
    }

    /** Caches {@code mapping} unless one is cached already; returns the one cached before, or {@code null}. */
    Mapping putIfAbsent(int slot, Mapping mapping) {
        return slots.compareAndExchange(slot, null, mapping);
    }

    /** Removes and returns the mapping of a slot, or {@code null} when none was cached. */
    Mapping remove(int slot) {
        return slots.getAndSet(slot, null);
    }

    /** Removes {@code mapping} if it is still the one cached for its slot; whether it was. */
    boolean remove(int slot, Mapping mapping) {
        return slots.compareAndSet(slot, mapping, null);
    }

    /** Removes and returns every cached mapping that matches. */
    List<Mapping> removeAll(Predicate<Mapping> which) {
        List<Mapping> removed = new ArrayList<>();
        for (int slot = 0; slot < slots.length(); slot++) {
            Mapping mapping = slots.get(slot);
            if (mapping != null && which.test(mapping) && slots.compareAndSet(slot, mapping, null)) {
                removed.add(mapping);
            }
        }
        return removed;
    }

    /** Every cached mapping now, by GDT slot, for operators. */
    java.util.SortedMap<Integer, Mapping> snapshot() {
        java.util.SortedMap<Integer, Mapping> cached = new java.util.TreeMap<>();
        for (int slot = 0; slot < slots.length(); slot++) {
            Mapping mapping = slots.get(slot);
            if (mapping != null) {
                cached.put(slot, mapping);
            }
        }
        return cached;
    }

    /** How many mappings are cached. */
    int size() {
        int count = 0;
        for (int slot = 0; slot < slots.length(); slot++) {
            if (slots.get(slot) != null) {
                count++;
            }
        }
        return count;
    }
}
