package shm.provider.mmap;

import static shm.provider.mmap.TableLayout.*;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Which process slots of one mapping of the object table are in use (state not {@link TableLayout#PROCESS_FREE}),
 * remembered between locks: every lock's reap looks at these slots only. Promises: {@link #slots} answers the slots in
 * use now, in slot order, reading the state words again whenever another participant may have committed since the
 * last read; it is told of every journaled write ({@link TableJournal}) and forgets what it knew when a state word
 * changes. One instance per mapping, made by its {@link TableWords}. Not thread-safe: the caller must hold the table
 * lock ({@link TableLock}: this JVM's threads and the file lock).
 *
 * <pre>
 * processes  process capacity x { 0 pid, 8 start time, 16 state, 24 handles, 32..63 descriptors }  64 bytes each
 * </pre>
 *
 * (see {@link TableLayout}: {@link TableLayout#PROCESS_STATE}, {@link TableLayout#PROCESS_SLOT_SIZE}).
 */
final class ProcessSlotsInUse {

    /**
     * {@link #WORD} without the per-access alignment check, for the scan of the process slots' states; the
     * offsets it reads are multiples of 8 in a page-aligned mapping (the section offsets are checked by
     * {@link TableHeaderCheck}), so each read is still one aligned load.
     */
    private static final ValueLayout.OfLong SCAN_WORD = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final MemorySegment table;
    private final long processOffset;
    private final long processCapacity;
    /**
     * The process slots whose state was not free when the table's generation was {@link #slotsInUseGeneration}, or
     * {@code null} when unknown. Only a committed transaction changes a slot's state, and every commit raises the
     * generation: while the generation is the one recorded, no other participant changed a state since, so the scan
     * at each lock reads these slots only. A write of a state word here forgets the list.
     */
    private int[] slotsInUse;
    private long slotsInUseGeneration;

    /** The process section of a mapped table whose header was checked: {@code processCapacity} slots at its offset. */
    ProcessSlotsInUse(MemorySegment table, long processOffset, long processCapacity) {
        this.table = table;
        this.processOffset = processOffset;
        this.processCapacity = processCapacity;
    }

    /**
     * The process slots whose state is not free, in slot order: every lock's reap looks at these. Read from the
     * state words when another participant may have committed since the last read (see {@link #slotsInUse}).
     */
    int[] slots() {
        long generation = table.get(WORD, GENERATION_OFFSET);
        int[] known = slotsInUse;
        if (known != null && slotsInUseGeneration == generation) {
            return known;
        }
        int count = 0;
        int[] found = new int[4];
        for (int slot = nextProcessSlotInUse(0); slot < processCapacity; slot = nextProcessSlotInUse(slot + 1)) {
            if (count == found.length) {
                found = Arrays.copyOf(found, count * 2);
            }
            found[count++] = slot;
        }
        slotsInUse = Arrays.copyOf(found, count);
        slotsInUseGeneration = generation;
        return slotsInUse;
    }

    /** The word at {@code offset} is about to be written in a transaction: a process state forgets the list. */
    void wordWritten(long offset) {
        if (isProcessState(offset)) {
            slotsInUse = null;
        }
    }

    /**
     * The transaction is about to commit, raising the table's generation from {@code generation}: a list still known
     * stays known for the next generation, any other is forgotten.
     */
    void committing(long generation) {
        if (slotsInUse != null && slotsInUseGeneration == generation) {
            slotsInUseGeneration = generation + 1;   // this commit changed no process state (a write would forget)
        } else {
            slotsInUse = null;
        }
    }

    /** Forgets the list, as at a rollback, which may write any state word back. */
    void forget() {
        slotsInUse = null;
    }

    private boolean isProcessState(long offset) {
        long inSection = offset - processOffset;
        return inSection >= 0 && inSection < processCapacity * PROCESS_SLOT_SIZE
                && inSection % PROCESS_SLOT_SIZE == PROCESS_STATE;
    }

    /**
     * The first process slot at or after {@code from} whose state is not free, or {@link #processCapacity} when there
     * is none: a tight loop over the state words, most of them free.
     */
    private int nextProcessSlotInUse(int from) {
        MemorySegment words = table;
        long offset = processOffset + PROCESS_STATE;
        int capacity = (int) processCapacity;
        for (int slot = from; slot < capacity; slot++) {
            if (words.get(SCAN_WORD, offset + slot * PROCESS_SLOT_SIZE) != PROCESS_FREE) {
                return slot;
            }
        }
        return capacity;
    }
}
