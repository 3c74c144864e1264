package shm.personality.intime;

import static shm.api.intime.IntimeConstants.*;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

import shm.api.ErrorReason;
import shm.api.MapOptions;
import shm.api.ObjectType;
import shm.api.spi.BackendHandle;
import shm.api.spi.Descriptor;
import shm.api.spi.ObjectRef;
import shm.api.spi.ShmBackend;

/**
 * The memory of one INtime process: blocks from {@code AllocateRtMemory} (each an unnamed backend object) and
 * mappings from {@code MapRtSharedMemory} (each a new handle of the mapped object), found by address. Keeps INtime's
 * accounting: allocations and mappings together fit in the virtual segment ({@code E_VMEM}), allocations fit in the
 * process pool ({@code E_MEM}). Not thread-safe on its own: the personality's lock guards it.
 */
final class KernelMemory {

    /**
     * One block or mapping.
     *
     * @param handle       the backend handle that keeps it mapped
     * @param segment      what the caller was given
     * @param objectOffset where {@code segment} starts in the object's data
     * @param allocation   {@code true} for {@code AllocateRtMemory}, {@code false} for a mapping
     * @param virtualSize  what it takes of the virtual segment
     */
    private record Block(BackendHandle handle, MemorySegment segment, long objectOffset, boolean allocation,
                         long virtualSize) {
    }

    /**
     * A region of an object, as {@code CreateRtMemoryHandle} names it.
     *
     * @param object the object
     * @param offset where the region starts in the object's data
     */
    record Region(ObjectRef object, long offset) {
    }

    private final ShmBackend backend;
    private final long vsegSize;
    private final long poolMax;
    private final NavigableMap<Long, Block> blocks = new TreeMap<>();
    /**
     * Where blocks that moved in a backend swap or an update started before (their old address, to the new one and
     * the length): a pointer given out before fails cleanly when used, but {@code FreeRtMemory} and
     * {@code CreateRtMemoryHandle} still accept it, unless a block now starts at that address.
     */
    private final NavigableMap<Long, long[]> moved = new TreeMap<>();
    private long virtualUsed;
    private long poolUsed;

    /**
     * @param vsegSize the virtual segment's size in bytes
     * @param poolMax  the process pool's size in bytes, 0 for all available memory
     */
    KernelMemory(ShmBackend backend, long vsegSize, long poolMax) {
        this.backend = backend;
        this.vsegSize = vsegSize;
        this.poolMax = poolMax;
    }

    /** {@code AllocateRtMemory}: {@code size} rounded up to whole pages, page-aligned. */
    MemorySegment allocate(long size) {
        if (size == 0) {
            throw fail(ErrorReason.INVALID_PARAMETER, E_PARAM, "cbSize must be at least 1 byte");
        }
        long rounded = pages(size);
        if (rounded > vsegSize) {
            throw fail(ErrorReason.INVALID_PARAMETER, E_PARAM, "cbSize " + size + " is larger than the process's"
                    + " virtual segment of " + vsegSize + " bytes");
        }
        if (virtualUsed + rounded > vsegSize) {
            throw fail(ErrorReason.NO_MEMORY, E_VMEM, "the virtual segment has " + (vsegSize - virtualUsed)
                    + " bytes left, " + rounded + " are needed");
        }
        if (poolMax != 0 && poolUsed + rounded > poolMax) {
            throw fail(ErrorReason.NO_MEMORY, E_MEM, "the process pool has " + (poolMax - poolUsed)
                    + " bytes left, " + rounded + " are needed");
        }
        BackendHandle handle = backend.createUnnamed(ObjectType.SHARED_MEMORY, rounded, MapOptions.DEFAULT);
        MemorySegment segment = handle.segment().asSlice(0, rounded);
        add(new Block(handle, segment, 0, true, rounded));
        poolUsed += rounded;
        return segment;
    }

    /** {@code MapRtSharedMemory}: a new mapping of the region a handle names. */
    MemorySegment map(Descriptor region) {
        long needed = pages(region.size());
        if (virtualUsed + needed > vsegSize) {
            throw fail(ErrorReason.NO_MEMORY, E_VMEM, "the virtual segment has " + (vsegSize - virtualUsed)
                    + " bytes left, mapping the handle needs " + needed);
        }
        BackendHandle handle;
        try {
            handle = backend.openByRef(region.object(), MapOptions.DEFAULT);
        } catch (shm.api.ShmException e) {
            if (e.reason() == ErrorReason.NOT_FOUND) {
                throw fail(ErrorReason.NOT_FOUND, E_EXIST, "the memory the handle names was freed; the handle"
                        + " was not deleted (INtime counts no references)");
            }
            throw e;
        }
        if (region.offset() + region.size() > handle.byteSize()) {
            handle.close();
            throw fail(ErrorReason.NOT_FOUND, E_EXIST, "the handle names " + region.size() + " bytes at "
                    + region.offset() + ", beyond the object's " + handle.byteSize() + " bytes");
        }
        MemorySegment segment = handle.segment().asSlice(region.offset(), region.size());
        add(new Block(handle, segment, region.offset(), false, needed));
        return segment;
    }

    /**
     * {@code FreeRtMemory}: frees a block (returns its size) or removes a mapping (returns 0: no physical memory is
     * freed).
     */
    long free(MemorySegment address) {
        if (address == null || address.address() == 0) {
            throw fail(ErrorReason.INVALID_PARAMETER, E_BAD_ADDR, "pAddress is NULL");
        }
        Block block = blocks.get(current(address.address()));
        if (block == null) {
            throw fail(ErrorReason.NOT_FOUND, E_NOT_ALLOCATED, "no block or mapping of this process starts at 0x"
                    + Long.toHexString(address.address()));
        }
        remove(block);
        moved.values().removeIf(m -> m[0] == block.segment().address());
        block.handle().close();
        if (block.allocation()) {
            poolUsed -= block.virtualSize();
            return block.segment().byteSize();
        }
        return 0;
    }

    /**
     * The object region {@code size} bytes at {@code start} cover, for {@code CreateRtMemoryHandle}.
     *
     * @throws shm.api.ShmException E_BAD_ADDR when {@code start} is in no block or mapping of this process, E_PARAM
     *                              for a size of 0 or a region that runs past its block
     */
    Region regionOf(MemorySegment start, long size) {
        if (start == null || start.address() == 0) {
            throw fail(ErrorReason.INVALID_PARAMETER, E_BAD_ADDR, "pOffset is NULL");
        }
        if (size == 0) {
            throw fail(ErrorReason.INVALID_PARAMETER, E_PARAM, "cbSize must be at least 1 byte");
        }
        long address = current(start.address());
        Map.Entry<Long, Block> entry = blocks.floorEntry(address);
        long delta = entry == null ? -1 : address - entry.getKey();
        if (entry == null || delta >= entry.getValue().segment().byteSize()) {
            throw fail(ErrorReason.INVALID_PARAMETER, E_BAD_ADDR, "pOffset 0x" + Long.toHexString(address)
                    + " is in no memory this process allocated or mapped");
        }
        Block block = entry.getValue();
        if (size > block.segment().byteSize() - delta) {
            throw fail(ErrorReason.INVALID_PARAMETER, E_PARAM, "cbSize " + size + " runs past the end of the block ("
                    + (block.segment().byteSize() - delta) + " bytes from pOffset)");
        }
        return new Region(block.handle().ref(), block.objectOffset() + delta);
    }

    /** Bytes of the virtual segment in use. */
    long virtualUsed() {
        return virtualUsed;
    }

    /** Frees every block and removes every mapping, as INtime does when a process ends. */
    void freeAll() {
        for (Block block : List.copyOf(blocks.values())) {
            remove(block);
            block.handle().close();
        }
        poolUsed = 0;
        moved.clear();
    }

    /**
     * Parks every block's hold in the store (the memory lives on, nothing is freed) and answers one line per block
     * ("block", object reference, offset in the object, length, allocation or mapping, virtual size, address, then
     * the addresses the block had before earlier moves, which pointers given out then may still name) for
     * {@link #restore}; the blocks leave this process's accounting until then. A block whose hold cannot be parked
     * is released and named in {@code lost}.
     */
    List<String> park(List<String> lost) {
        List<String> lines = new java.util.ArrayList<>();
        for (Block block : List.copyOf(blocks.values())) {
            remove(block);
            if (KeptLines.park(block.handle())) {
                StringBuilder line = new StringBuilder("block " + block.handle().ref().value() + " "
                        + block.objectOffset() + " " + block.segment().byteSize() + " " + block.allocation() + " "
                        + block.virtualSize() + " " + block.segment().address());
                moved.forEach((old, now) -> {
                    if (now[0] == block.segment().address()) {
                        line.append(' ').append(old);
                    }
                });
                lines.add(line.toString());
            } else {
                lost.add((block.allocation() ? "the allocation" : "the mapping") + " at 0x"
                        + Long.toHexString(block.segment().address()) + ": the backend cannot park");
                KeptLines.releaseQuietly(block.handle()::close);
            }
        }
        poolUsed = 0;
        moved.clear();
        return lines;
    }

    /**
     * Brings back a block {@link #park} wrote: the object is opened by reference (taking its parked hold over) and
     * mapped anew; the old address, and the addresses before it, are remembered for {@code FreeRtMemory} and
     * {@code CreateRtMemoryHandle}, however many moves ago they were given out.
     */
    void restore(String[] f) {
        long objectOffset = Long.parseLong(f[2]);
        long length = Long.parseLong(f[3]);
        boolean allocation = Boolean.parseBoolean(f[4]);
        long virtualSize = Long.parseLong(f[5]);
        long oldAddress = Long.parseLong(f[6]);
        BackendHandle handle = backend.reclaiming(() -> backend.openByRef(new ObjectRef(Long.parseLong(f[1])),
                MapOptions.DEFAULT));
        MemorySegment segment = handle.segment().asSlice(objectOffset, length);
        add(new Block(handle, segment, objectOffset, allocation, virtualSize));
        if (allocation) {
            poolUsed += virtualSize;
        }
        for (int i = 6; i < f.length; i++) {
            long old = i == 6 ? oldAddress : Long.parseLong(f[i]);
            if (old != segment.address()) {
                moved.put(old, new long[] {segment.address(), length});
            }
        }
    }

    /** The address a pointer stands for now: itself when a block covers it, else where its moved block is. */
    private long current(long address) {
        Map.Entry<Long, Block> entry = blocks.floorEntry(address);
        if (entry != null && address - entry.getKey() < entry.getValue().segment().byteSize()) {
            return address;
        }
        Map.Entry<Long, long[]> old = moved.floorEntry(address);
        if (old != null && address - old.getKey() < old.getValue()[1]) {
            return old.getValue()[0] + (address - old.getKey());
        }
        return address;
    }

    private void add(Block block) {
        blocks.put(block.segment().address(), block);
        virtualUsed += block.virtualSize();
    }

    private void remove(Block block) {
        blocks.remove(block.segment().address());
        virtualUsed -= block.virtualSize();
    }

    private static long pages(long size) {
        return Math.ceilDiv(size, PAGE_SIZE) * (long) PAGE_SIZE;
    }

    private static shm.api.ShmException fail(ErrorReason reason, int status, String rule) {
        return IntimeErrors.rt(reason, status, null, rule);
    }
}
