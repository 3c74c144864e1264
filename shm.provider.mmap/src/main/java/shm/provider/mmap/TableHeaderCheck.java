package shm.provider.mmap;

import static shm.provider.mmap.TableLayout.*;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The sanity check of a table header ({@link TableLayout}) beyond magic and version: capacities in range (the object
 * capacity a power of two, the object limit 0 or at most the capacity), every section word-aligned, after the header page, inside the file and not overlapping
 * another, the journal count within its capacity. Run before a table is used and by the store check.
 */
final class TableHeaderCheck {

    /** The largest capacity of any section this code accepts (keeps every index an {@code int}). */
    static final long MAX_CAPACITY = 1L << 24;

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN);

    private TableHeaderCheck() {
    }

    /** The first thing wrong with the header, naming the field and its offset; {@code null} when it is sane. */
    static String firstProblem(MemorySegment table) {
        long size = table.byteSize();
        if (table.get(INT, HEADER_SIZE_OFFSET) != HEADER_SIZE) {
            return field("header size", HEADER_SIZE_OFFSET, table.get(INT, HEADER_SIZE_OFFSET));
        }
        if (table.get(WORD, TABLE_SIZE_OFFSET) != size) {
            return field("table size", TABLE_SIZE_OFFSET, table.get(WORD, TABLE_SIZE_OFFSET)) + ", the file has "
                    + size + " bytes";
        }
        long objects = table.get(WORD, OBJECT_CAPACITY_OFFSET);
        if (objects < 1 || objects > MAX_CAPACITY || Long.bitCount(objects) != 1) {
            return field("object capacity (a power of 2)", OBJECT_CAPACITY_OFFSET, objects);
        }
        long limit = table.get(WORD, OBJECT_LIMIT_OFFSET);
        if (limit < 0 || limit > objects) {
            return field("object limit (0, or 1 to the object capacity " + objects + ")", OBJECT_LIMIT_OFFSET, limit);
        }
        long[][] sections = {
                {JOURNAL_CAPACITY_OFFSET, JOURNAL_OFFSET_OFFSET, JOURNAL_ENTRY_SIZE},
                {PROCESS_CAPACITY_OFFSET, PROCESS_OFFSET_OFFSET, PROCESS_SLOT_SIZE},
                {OBJECT_CAPACITY_OFFSET, OBJECT_OFFSET_OFFSET, OBJECT_SLOT_SIZE},
                {DESCRIPTOR_SLOTS_OFFSET, DESCRIPTOR_OFFSET_OFFSET, DESCRIPTOR_SLOT_SIZE},
                {DIRECTORY_CAPACITY_OFFSET, DIRECTORY_OFFSET_OFFSET, DIRECTORY_ENTRY_SIZE}};
        String[] names = {"journal", "process", "object", "descriptor", "directory"};
        for (int i = 0; i < sections.length; i++) {
            long capacity = table.get(WORD, sections[i][0]);
            long offset = table.get(WORD, sections[i][1]);
            boolean needsOne = i <= 2;
            if (capacity < (needsOne ? 1 : 0) || capacity > MAX_CAPACITY) {
                return field(names[i] + " capacity", sections[i][0], capacity);
            }
            if (offset < HEADER_SIZE || offset % WORD_BYTES != 0 || offset > size
                    || capacity * sections[i][2] > size - offset) {
                return field(names[i] + " section offset", sections[i][1], offset) + " (" + capacity
                        + " entries do not fit the " + size + "-byte file after the header)";
            }
            for (int j = 0; j < i; j++) {
                long otherOffset = table.get(WORD, sections[j][1]);
                long otherEnd = otherOffset + table.get(WORD, sections[j][0]) * sections[j][2];
                long end = offset + capacity * sections[i][2];
                if (offset < otherEnd && otherOffset < end) {
                    return field(names[i] + " section offset", sections[i][1], offset) + ", which overlaps the "
                            + names[j] + " section";
                }
            }
        }
        long journalCount = table.get(WORD, JOURNAL_COUNT_OFFSET);
        if (journalCount < 0 || journalCount > table.get(WORD, JOURNAL_CAPACITY_OFFSET)) {
            return field("journal count", JOURNAL_COUNT_OFFSET, journalCount);
        }
        return null;
    }

    private static String field(String what, long offset, long value) {
        return "the " + what + " at offset " + offset + " holds " + value;
    }
}
