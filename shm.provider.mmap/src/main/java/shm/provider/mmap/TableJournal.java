package shm.provider.mmap;

import static shm.provider.mmap.TableLayout.*;

import java.lang.foreign.MemorySegment;
import java.util.function.Supplier;

/**
 * The undo journal of one mapping of the object table: every write of a transaction goes through {@link #put}, which
 * records the word's old value before it writes the new one, so that the next lock holder can roll back a writer that
 * died. Promises: a word is never written before its journal entry and the raised count are visible (release order);
 * a commit raises the generation (journaled like any word) before it clears the count; a rollback refuses a journal
 * that no transaction could have written before it writes any word back. One instance per mapping, made by its
 * {@link TableWords}. Not thread-safe: the caller must hold the table lock ({@link TableLock}: this JVM's threads and
 * the file lock), the only writer of the words it owns.
 *
 * <p><b>Journal.</b> Before a word is written its old value is appended to the journal and the journal count raised
 * (release order); committing raises the generation and clears the count; a count found non-zero by the next lock
 * holder is rolled back, newest entry first.
 *
 * <pre>
 * header   48 generation       raised by one at every commit, the last word a transaction writes
 *          56 journal count    entries written since the last commit; 0 = nothing to roll back
 * journal  journal capacity x { 0 offset of the word, 8 its old value }   16 bytes each
 * </pre>
 *
 * (see {@link TableLayout}: {@link TableLayout#GENERATION_OFFSET}, {@link TableLayout#JOURNAL_COUNT_OFFSET},
 * {@link TableLayout#JOURNAL_ENTRY_SIZE}).
 */
final class TableJournal {


    private final MemorySegment table;
    private final long journalOffset;
    private final long journalCapacity;
    /** Told of every write, so that it forgets the slots in use when a process state changes. */
    private final ProcessSlotsInUse slotsInUse;
    private volatile ObjectTable.CrashPoint crashPoint = where -> { };

    /** The journal of a mapped table whose header was checked: {@code journalCapacity} entries at its offset. */
    TableJournal(MemorySegment table, long journalOffset, long journalCapacity, ProcessSlotsInUse slotsInUse) {
        this.table = table;
        this.journalOffset = journalOffset;
        this.journalCapacity = journalCapacity;
        this.slotsInUse = slotsInUse;
    }

    /** Test hook: where a simulated kill strikes. */
    void crashPoint(ObjectTable.CrashPoint point) {
        this.crashPoint = point;
    }

    ObjectTable.CrashPoint crashPoint() {
        return crashPoint;
    }

    /** Writes one word, journaling its old value first. */
    void put(long offset, long value) {
        long old = table.get(WORD, offset);
        if (old == value) {
            return;
        }
        slotsInUse.wordWritten(offset);
        long count = table.get(WORD, JOURNAL_COUNT_OFFSET);
        if (count == journalCapacity) {
            throw new IllegalStateException("a table transaction wrote more than " + journalCapacity + " words");
        }
        long entry = journalOffset + count * JOURNAL_ENTRY_SIZE;
        table.set(WORD, entry, offset);
        table.set(WORD, entry + 8, old);
        WORD.varHandle().setRelease(table, JOURNAL_COUNT_OFFSET, count + 1);
        crashPoint.reached("journaled");
        WORD.varHandle().setRelease(table, offset, value);
        crashPoint.reached("written");
    }

    /** Makes every write since the last commit permanent. */
    void commit() {
        long generation = table.get(WORD, GENERATION_OFFSET);
        slotsInUse.committing(generation);
        put(GENERATION_OFFSET, generation + 1);
        WORD.varHandle().setRelease(table, JOURNAL_COUNT_OFFSET, 0L);
        crashPoint.reached("committed");
    }

    /**
     * Undoes every write since the last commit, newest first. A journal whose count or entries could not have been
     * written by a transaction is refused as corrupt before any word is written back.
     */
    void rollback() {
        slotsInUse.forget();
        long count = table.get(WORD, JOURNAL_COUNT_OFFSET);
        if (count < 0 || count > journalCapacity) {
            throw new CorruptTableException("journal count", JOURNAL_COUNT_OFFSET, count);
        }
        for (long i = 0; i < count; i++) {
            long entry = journalOffset + i * JOURNAL_ENTRY_SIZE;
            long target = table.get(WORD, entry + JOURNAL_ENTRY_OFFSET);
            if (target < 0 || target > table.byteSize() - WORD_BYTES || target % WORD_BYTES != 0
                    || (target >= journalOffset && target < journalOffset + journalCapacity * JOURNAL_ENTRY_SIZE)
                    || target == JOURNAL_COUNT_OFFSET) {
                throw new CorruptTableException("journal entry " + i + " target offset", entry, target);
            }
        }
        for (long i = count - 1; i >= 0; i--) {
            long entry = journalOffset + i * JOURNAL_ENTRY_SIZE;
            table.set(WORD, table.get(WORD, entry + JOURNAL_ENTRY_OFFSET), table.get(WORD, entry + JOURNAL_ENTRY_OLD_VALUE));
        }
        WORD.varHandle().setRelease(table, JOURNAL_COUNT_OFFSET, 0L);
    }

    /** Runs {@code change} as one transaction: committed if it returns, rolled back if it throws. */
    <T> T transaction(Supplier<T> change) {
        T result;
        try {
            result = change.get();
        } catch (RuntimeException e) {
            rollback();
            throw e;
        }
        commit();
        return result;
    }

    /** Runs {@code change} as one transaction. */
    void transaction(Runnable change) {
        transaction(() -> {
            change.run();
            return null;
        });
    }
}
