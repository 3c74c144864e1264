package shm.provider.win32;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import shm.api.HolderInfo;
import shm.api.ObjectInfo;
import shm.api.ObjectType;
import shm.api.spi.ObjectRef;

/**
 * The handles one {@link Win32Backend} gave out and still holds open, and the {@link ObjectRef}s of their objects: a
 * named object keeps one ref per type and name, an unnamed one a ref of its own, and a ref (with the logical size its
 * object was shrunk to) is forgotten when the last handle of its object here closes. Refs stay below
 * {@link Win32Backend#EXTENSION_REF_BIT}. Thread-safe.
 */
final class HandleRegistry {

    private final AtomicLong nextRef = new AtomicLong(1);
    private final Map<Long, Entry> refs = new ConcurrentHashMap<>();
    private final Map<String, Long> namedRefs = new ConcurrentHashMap<>();
    private final Map<Long, Long> logicalSizes = new ConcurrentHashMap<>();
    private final Set<AutoCloseable> handles = ConcurrentHashMap.newKeySet();

    /**
     * What a ref stands for: a named object (reopened by name) or an unnamed one (whose vendor handle is shared).
     *
     * @param unnamed the object of an unnamed ref, {@code null} for a named one
     */
    record Entry(ObjectType type, String name, NativeObject unnamed) {
    }

    /** The ref of {@code object}: the one its type and name already have here, else a new one. */
    ObjectRef refOf(NativeObject object) {
        if (object.name == null) {
            long ref = nextRef.getAndIncrement();
            refs.put(ref, new Entry(object.type, null, object));
            return new ObjectRef(ref);
        }
        long ref = namedRefs.computeIfAbsent(object.type + "/" + object.name, k -> {
            long r = nextRef.getAndIncrement();
            refs.put(r, new Entry(object.type, object.name, null));
            return r;
        });
        return new ObjectRef(ref);
    }

    /** What {@code ref} stands for, or empty when no handle of its object is open here. */
    Optional<Entry> entry(ObjectRef ref) {
        return Optional.ofNullable(refs.get(ref.value()));
    }

    /** The logical size of {@code ref}'s object: the smallest it was shrunk to, at most {@code reserved}. */
    long logicalSize(ObjectRef ref, long reserved) {
        return Math.min(logicalSizes.getOrDefault(ref.value(), reserved), reserved);
    }

    /** Shrinks the logical size of {@code ref}'s object to {@code size} (never grows it). */
    void shrink(ObjectRef ref, long size) {
        logicalSizes.merge(ref.value(), size, Math::min);
    }

    /** Adds a handle given out; returns it. */
    <T extends AutoCloseable> T track(T handle) {
        handles.add(handle);
        return handle;
    }

    /** Called by a handle when it closes: forgets it, and its object's ref when no handle of it is left here. */
    void forget(AutoCloseable handle) {
        handles.remove(handle);
        NativeObject object = handle instanceof VendorMemoryHandle m ? m.object()
                : handle instanceof VendorSyncHandle s ? s.object : null;
        if (object == null) {
            return;
        }
        boolean stillHeld = handles.stream().anyMatch(h -> objectOf(h) == object
                || (object.name != null && objectOf(h) != null && object.name.equals(objectOf(h).name)
                && objectOf(h).type == object.type));
        if (!stillHeld) {
            refs.entrySet().removeIf(e -> {
                boolean mine = object.name == null ? e.getValue().unnamed() == object
                        : object.name.equals(e.getValue().name()) && e.getValue().type() == object.type;
                if (mine) {
                    logicalSizes.remove(e.getKey());
                }
                return mine;
            });
            if (object.name != null) {
                namedRefs.remove(object.type + "/" + object.name);
            }
        }
    }

    /** A copy of the handles held now, for closing them all. */
    List<AutoCloseable> handles() {
        return List.copyOf(handles);
    }

    /**
     * The named objects held here, sorted by name, each with this process as its one holder counting its handles; the
     * logical size of shared memory is the smallest its handles see.
     */
    List<ObjectInfo> namedObjects() {
        Map<String, List<AutoCloseable>> byName = new TreeMap<>();
        for (AutoCloseable h : handles) {
            NativeObject o = objectOf(h);
            if (o != null && o.name != null) {
                byName.computeIfAbsent(o.name, k -> new ArrayList<>()).add(h);
            }
        }
        List<ObjectInfo> out = new ArrayList<>();
        long pid = ProcessHandle.current().pid();
        byName.forEach((name, held) -> {
            NativeObject o = objectOf(held.getFirst());
            long logical = o.type == ObjectType.SHARED_MEMORY ? held.stream()
                    .mapToLong(h -> ((VendorMemoryHandle) h).byteSize()).min().orElse(o.size) : 0;
            long reserved = o.type == ObjectType.SHARED_MEMORY ? o.size : 0;
            out.add(new ObjectInfo(name, o.type, reserved, Math.min(logical, reserved),
                    List.of(new HolderInfo(pid, held.size()))));
        });
        out.sort(Comparator.comparing(ObjectInfo::name));
        return out;
    }

    private static NativeObject objectOf(AutoCloseable h) {
        return h instanceof VendorMemoryHandle m ? m.object() : h instanceof VendorSyncHandle s ? s.object : null;
    }
}
