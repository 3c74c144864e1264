package shm.personality.ntx;

import java.lang.foreign.MemorySegment;

import shm.api.MapOptions;
import shm.api.ObjectType;
import shm.api.intime.IntimeTables;
import shm.api.spi.BackendHandle;
import shm.api.spi.DescriptorTable;
import shm.api.spi.ShmBackend;

/**
 * The INtime side of the tests, in this JVM, written exactly as {@link IntimeTables} lays it out: memory is an
 * unnamed backend object ({@code AllocateRtMemory}), a memory handle a descriptor of the {@link IntimeTables#GDT_TABLE}
 * table whose RTHANDLE is {@link IntimeTables#memoryHandleOfSlot(int)} ({@code CreateRtMemoryHandle}), a process a
 * descriptor of the {@link IntimeTables#PROCESS_TABLE} table. Real backend objects and tables, no stand-ins.
 */
final class RtSide {

    /** One block of RT memory: the backend handle that keeps it allocated. */
    record Memory(BackendHandle handle) {
        MemorySegment segment() {
            return handle.segment();
        }
    }

    private final ShmBackend backend;
    private final DescriptorTable gdt;
    private final DescriptorTable processes;

    /**
     * Opens (or, first, creates) the GDT with {@code gdtSlots} slots: a small GDT makes slot reuse come quickly, as
     * a busy INtime system reuses its slots.
     */
    RtSide(ShmBackend backend, int gdtSlots) {
        this.backend = backend;
        this.gdt = backend.descriptors(IntimeTables.GDT_TABLE, gdtSlots, gdtSlots);
        this.processes = backend.descriptors(IntimeTables.PROCESS_TABLE, IntimeTables.PROCESS_SLOTS,
                IntimeTables.PROCESS_SLOTS);
    }

    /** {@code AllocateRtMemory(size)}. */
    Memory allocate(long size) {
        return new Memory(backend.createUnnamed(ObjectType.SHARED_MEMORY, size, MapOptions.DEFAULT));
    }

    /** {@code CreateRtMemoryHandle} over {@code [offset, offset + size)} of a block, on node 0. */
    int createHandle(Memory memory, long offset, long size) {
        return createHandle(memory, offset, size, 0);
    }

    /** {@code CreateRtMemoryHandle} over {@code [offset, offset + size)} of a block, recording {@code node}. */
    int createHandle(Memory memory, long offset, long size, long node) {
        return IntimeTables.memoryHandleOfSlot(gdt.create(memory.handle().ref(), offset, size, node).index());
    }

    /** {@code AllocateRtMemory} and {@code CreateRtMemoryHandle} over the whole block, on node 0. */
    int allocateWithHandle(long size) {
        return createHandle(allocate(size), 0, size);
    }

    /** {@code DeleteRtMemoryHandle}: frees the GDT slot only. */
    void deleteHandle(int rtHandle) {
        if (!gdt.delete(IntimeTables.slotOfMemoryHandle(rtHandle))) {
            throw new AssertionError("no memory handle 0x" + Integer.toHexString(rtHandle));
        }
    }

    /** {@code FreeRtMemory}: the block goes back (the backend destroys it once no mapping holds it). */
    void free(Memory memory) {
        memory.handle().close();
    }

    /** A process of the INtime side: a slot of the process table naming a small process object. */
    int createProcess() {
        BackendHandle object = backend.createUnnamed(ObjectType.SHARED_MEMORY, 64, MapOptions.DEFAULT);
        return IntimeTables.processHandleOfSlot(processes.create(object.ref(), 0, 64).index());
    }
}
