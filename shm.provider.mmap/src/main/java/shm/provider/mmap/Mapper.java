package shm.provider.mmap;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import shm.api.ErrorReason;
import shm.api.ShmException;

/**
 * Maps open files ({@code mmap(MAP_SHARED)} of a descriptor, never a path): either owned by an
 * {@link Arena#ofShared() arena of its own} whose close unmaps it ({@link #map}), or raw ({@link #mapRaw}) for an owner
 * that hands out segments of it through arenas of its own ({@link ObjectMapping}); closed on every failure path,
 * optionally locked in RAM and pre-faulted. Counts the mappings it holds and refuses one beyond
 * {@link MmapSettings#maxMappings()}, or beyond the process's {@link MapCountCap}, with {@link ErrorReason#LIMIT},
 * well before the kernel's {@code vm.max_map_count} would make the JVM fail. Thread-safe.
 */
final class Mapper {

    private static final long PAGE = 4096;

    private final MappingCalls calls;
    private final MmapSettings settings;
    private final AtomicInteger live = new AtomicInteger();
    private final MapCountCap cap;
    /** Mappings whose last handle closed, kept for the object's next handle; the first to go at the cap. */
    private final KeptMappings kept;

    /**
     * One mapping and the arena that owns it.
     *
     * @param arena   closing it unmaps the segment
     * @param segment the mapped bytes
     */
    record Mapping(Arena arena, MemorySegment segment) {
    }

    Mapper(MappingCalls calls, MmapSettings settings) {
        this.calls = calls;
        this.settings = settings;
        this.cap = MapCountCap.of(settings);
        this.kept = new KeptMappings(settings.keptMappings(), settings.spareFiles());
    }

    /** The mappings kept for reuse after their last handle closed. */
    KeptMappings kept() {
        return kept;
    }

    /** How many mappings this mapper holds now. */
    int mappings() {
        return live.get();
    }

    /** Reads one byte of every page, so that every page is faulted in now rather than at first use. */
    private static void touchEveryPage(MemorySegment segment) {
        byte sink = 0;
        for (long offset = 0; offset < segment.byteSize(); offset += PAGE) {
            sink ^= segment.get(ValueLayout.JAVA_BYTE, offset);
        }
        if (sink == 1 && segment.byteSize() < 0) {
            throw new AssertionError("never: keeps the reads from being optimized away");
        }
    }

    /**
     * Maps {@code length} bytes of the open file {@code fd} from {@code offset} (page-aligned) into an arena of its own
     * (shared); on failure nothing stays mapped.
     *
     * @param what what is mapped, for messages ("the object file n.x of /dev/shm/...")
     * @param name the object's name for errors, {@code null} for the store itself or an unnamed object
     * @throws ShmException LIMIT beyond {@link MmapSettings#maxMappings()} or the process's cap, NO_MEMORY, ACCESS_DENIED
     */
    Mapping map(int fd, String what, String name, long offset, long length, boolean writable, boolean lockPages,
                boolean prefault) {
        long address = mapRaw(fd, () -> what, name, offset, length, writable);
        Arena arena = Arena.ofShared();
        MemorySegment segment;
        try {
            segment = MemorySegment.ofAddress(address).reinterpret(length, arena, unmapped -> unmapRaw(address, length));
        } catch (RuntimeException e) {
            arena.close();
            unmapRaw(address, length);
            throw e;
        }
        try {
            lockAndTouch(segment, what, name, locks(lockPages), touches(prefault));
            return new Mapping(arena, writable ? segment : segment.asReadOnly());
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /**
     * Maps {@code length} bytes of the open file {@code fd} from {@code offset} (page-aligned) and counts the mapping;
     * the caller owns it and gives it back with {@link #unmapRaw}, after closing every arena through which a segment
     * of it was handed out.
     *
     * @param what what is mapped, for messages; asked for only when the mapping fails
     * @return the address of the mapping
     * @throws ShmException LIMIT beyond {@link MmapSettings#maxMappings()} or the process's cap, NO_MEMORY,
     *                      ACCESS_DENIED
     */
    long mapRaw(int fd, Supplier<String> what, String name, long offset, long length, boolean writable) {
        admit(name);
        try {
            return calls.mmap(fd, offset, length, writable);
        } catch (LibC.Failure f) {
            live.decrementAndGet();
            throw new ShmException(StoreErrors.reasonOf(f.errno), name, "cannot map " + what.get() + ": "
                    + f.getMessage(), null, f);
        }
    }

    /**
     * A new mapping, counted as {@link #mapRaw} counts it, of the first {@code length} bytes of the pages that the
     * mapping at {@code address} (made by {@link #mapRaw}, at least that long) maps, with its protection: another view
     * of the same object at an address of its own, made without opening the file again.
     *
     * @return the address of the new mapping; the caller owns it as one made by {@link #mapRaw}
     * @throws ShmException as {@link #mapRaw}
     */
    long duplicateRaw(long address, long length, Supplier<String> what, String name) {
        admit(name);
        try {
            return calls.duplicateMapping(address, length);
        } catch (LibC.Failure f) {
            live.decrementAndGet();
            throw new ShmException(StoreErrors.reasonOf(f.errno), name, "cannot map " + what.get() + " again: "
                    + f.getMessage(), null, f);
        }
    }

    /**
     * Counts one more mapping, or refuses it with LIMIT (then nothing is counted); a kept mapping ({@link KeptMappings})
     * is unmapped first, as long as there is one, rather than a new mapping refused.
     */
    private void admit(String name) {
        while (true) {
            try {
                admitOnce(name);
                return;
            } catch (ShmException refused) {
                if (refused.reason() != ErrorReason.LIMIT || !kept.dropOldest()) {
                    throw refused;
                }
            }
        }
    }

    private void admitOnce(String name) {
        int count = live.incrementAndGet();
        if (settings.maxMappings() > 0 && count > settings.maxMappings()) {
            live.decrementAndGet();
            throw new ShmException(ErrorReason.LIMIT, name, "this backend holds " + settings.maxMappings()
                    + " mappings of " + settings.root() + " (every open handle is one), its limit maxMappings;"
                    + " close handles or raise the limit (the kernel's vm.max_map_count bounds the whole process)");
        }
        try {
            cap.admit(count, name, settings.root());
        } catch (ShmException e) {
            live.decrementAndGet();
            throw e;
        }
    }

    /** Unmaps a mapping made by {@link #mapRaw} and stops counting it. */
    void unmapRaw(long address, long length) {
        try {
            calls.munmap(address, length);
        } finally {
            live.decrementAndGet();
        }
    }

    /** Whether pages are to be locked in RAM: when the handle asks or the store says so. */
    boolean locks(boolean asked) {
        return asked || settings.lockPages();
    }

    /** Whether pages are to be faulted in at map time: when the handle asks or the store says so. */
    boolean touches(boolean asked) {
        return asked || settings.prefault();
    }

    /**
     * Locks the pages of {@code segment} in RAM and faults them in, as told.
     *
     * @throws ShmException when the pages cannot be locked
     */
    void lockAndTouch(MemorySegment segment, String what, String name, boolean lockPages, boolean prefault) {
        if (lockPages) {
            try {
                calls.mlock(segment);
            } catch (LibC.Failure f) {
                throw new ShmException(StoreErrors.reasonOf(f.errno), name, "cannot lock the pages of " + what
                        + " in RAM (" + f.getMessage() + "; raise RLIMIT_MEMLOCK or grant CAP_IPC_LOCK)", null, f);
            }
        }
        if (prefault) {
            touchEveryPage(segment);
        }
    }
}
