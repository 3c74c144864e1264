package shm.provider.mmap;

import static shm.provider.mmap.TableLayout.*;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * The mapped object table as words ({@link TableLayout}): where each section is, typed access to the fields of every
 * slot, and the undo journal through which every write goes. One instance per mapping of the table file; the
 * {@link ObjectTable} and its sections share it. Not thread-safe: used under the table lock only.
 *
 * <p><b>Journal.</b> Before a word is written its old value is appended to the journal and the journal count raised
 * (release order); committing raises the generation and clears the count; a count found non-zero by the next lock
 * holder is rolled back, newest entry first.
 */
final class TableWords {

    private static final ValueLayout.OfLong WORD = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN);
    /**
     * {@link #WORD} without the per-access alignment check, for the scan of the process slots' states; the
     * offsets it reads are multiples of 8 in a page-aligned mapping (the section offsets are checked by
     * {@link TableHeaderCheck}), so each read is still one aligned load.
     */
    private static final ValueLayout.OfLong SCAN_WORD = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final long SERIAL_MASK = (1L << REF_SERIAL_BITS) - 1;
    private static final java.lang.invoke.VarHandle WORD_HANDLE = WORD.varHandle();

    final MemorySegment table;
    final long objectCapacity;
    /** The most live objects plus pending intents: the header's limit, or the capacity when it is 0. */
    final long objectLimit;
    final long processCapacity;
    final long journalCapacity;
    final long descriptorSlots;
    final long directoryCapacity;
    private final long journalOffset;
    private final long processOffset;
    private final long objectOffset;
    private final long descriptorOffset;
    private final long directoryOffset;
    private volatile ObjectTable.CrashPoint crashPoint = where -> { };
    /**
     * The process slots whose state was not free when the table's generation was {@link #slotsInUseGeneration}, or
     * {@code null} when unknown. Only a committed transaction changes a slot's state, and every commit raises the
     * generation: while the generation is the one recorded, no other participant changed a state since, so the scan
     * at each lock reads these slots only. A write of a state word here forgets the list.
     */
    private int[] slotsInUse;
    private long slotsInUseGeneration;
    /**
     * The last generation {@link ObjectTable#generationWithoutLocks()} found committed in this mapping, -1 before the
     * first; read and written without a lock.
     */
    volatile long committedGenerationSeen = -1;

    /** Reads the section offsets of a mapped table whose header was checked. */
    TableWords(MemorySegment table) {
        this.table = table;
        this.objectCapacity = table.get(WORD, OBJECT_CAPACITY_OFFSET);
        long limit = table.get(WORD, OBJECT_LIMIT_OFFSET);
        this.objectLimit = limit == 0 ? objectCapacity : limit;
        this.processCapacity = table.get(WORD, PROCESS_CAPACITY_OFFSET);
        this.journalCapacity = table.get(WORD, JOURNAL_CAPACITY_OFFSET);
        this.descriptorSlots = table.get(WORD, DESCRIPTOR_SLOTS_OFFSET);
        this.directoryCapacity = table.get(WORD, DIRECTORY_CAPACITY_OFFSET);
        this.journalOffset = table.get(WORD, JOURNAL_OFFSET_OFFSET);
        this.processOffset = table.get(WORD, PROCESS_OFFSET_OFFSET);
        this.objectOffset = table.get(WORD, OBJECT_OFFSET_OFFSET);
        this.descriptorOffset = table.get(WORD, DESCRIPTOR_OFFSET_OFFSET);
        this.directoryOffset = table.get(WORD, DIRECTORY_OFFSET_OFFSET);
    }

    /** Test hook: where a simulated kill strikes. */
    void crashPoint(ObjectTable.CrashPoint point) {
        this.crashPoint = point;
    }

    ObjectTable.CrashPoint crashPoint() {
        return crashPoint;
    }

    // ------------------------------------------------------------------ transactions

    /** Writes one word, journaling its old value first. */
    void put(long offset, long value) {
        long old = table.get(WORD, offset);
        if (old == value) {
            return;
        }
        if (isProcessState(offset)) {
            slotsInUse = null;
        }
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
        if (slotsInUse != null && slotsInUseGeneration == generation) {
            slotsInUseGeneration = generation + 1;   // this commit changed no process state (a write would forget)
        } else {
            slotsInUse = null;
        }
        put(GENERATION_OFFSET, generation + 1);
        WORD.varHandle().setRelease(table, JOURNAL_COUNT_OFFSET, 0L);
        crashPoint.reached("committed");
    }

    /**
     * Undoes every write since the last commit, newest first. A journal whose count or entries could not have been
     * written by a transaction is refused as corrupt before any word is written back.
     */
    void rollback() {
        slotsInUse = null;
        long count = table.get(WORD, JOURNAL_COUNT_OFFSET);
        if (count < 0 || count > journalCapacity) {
            throw corrupt("journal count", JOURNAL_COUNT_OFFSET, count);
        }
        for (long i = 0; i < count; i++) {
            long entry = journalOffset + i * JOURNAL_ENTRY_SIZE;
            long target = table.get(WORD, entry + JOURNAL_ENTRY_OFFSET);
            if (target < 0 || target > table.byteSize() - WORD_BYTES || target % WORD_BYTES != 0
                    || (target >= journalOffset && target < journalOffset + journalCapacity * JOURNAL_ENTRY_SIZE)
                    || target == JOURNAL_COUNT_OFFSET) {
                throw corrupt("journal entry " + i + " target offset", entry, target);
            }
        }
        for (long i = count - 1; i >= 0; i--) {
            long entry = journalOffset + i * JOURNAL_ENTRY_SIZE;
            table.set(WORD, table.get(WORD, entry + JOURNAL_ENTRY_OFFSET), table.get(WORD, entry + JOURNAL_ENTRY_OLD_VALUE));
        }
        WORD.varHandle().setRelease(table, JOURNAL_COUNT_OFFSET, 0L);
    }

    // ------------------------------------------------------------------ checks of values read from the table

    /** A value at {@code offset} of the table that this layout never writes: the table is corrupt. */
    CorruptTableException corrupt(String field, long offset, long value) {
        return new CorruptTableException(field, offset, value);
    }

    /**
     * A slot index read from the table ({@code value}, at {@code offset}), checked against its section's capacity.
     *
     * @throws CorruptTableException when it is outside {@code [0, capacity)}
     */
    int index(String field, long offset, long value, long capacity) {
        if (value < 0 || value >= capacity) {
            throw corrupt(field, offset, value);
        }
        return (int) value;
    }

    /** A process slot index read from the table, checked against the process capacity. */
    int processIndex(String field, long offset, long value) {
        return index(field, offset, value, processCapacity);
    }

    /** Offset of a field of a process slot, for messages. */
    long processFieldOffset(int slot, long field) {
        return processOffset + slot * PROCESS_SLOT_SIZE + field;
    }

    /** Offset of a field of a descriptor slot, for messages. */
    long descriptorFieldOffset(int slot, long field) {
        return descriptorOffset + slot * DESCRIPTOR_SLOT_SIZE + field;
    }

    /** Offset of a field of an object slot, for messages. */
    long objectFieldOffset(int slot, long field) {
        return objectBase(slot) + field;
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

    // ------------------------------------------------------------------ header

    /** A header word. */
    long header(long offset) {
        return table.get(WORD, offset);
    }

    /**
     * A header word read with acquire semantics, for a reader that takes no lock: it sees the word as written by the
     * latest commit it can see, never a value held over from an earlier read.
     */
    long headerAcquire(long offset) {
        return (long) WORD_HANDLE.getAcquire(table, offset);
    }

    /** Adds {@code delta} to a header counter, journaled. */
    void addToHeader(long offset, long delta) {
        put(offset, header(offset) + delta);
    }

    // ------------------------------------------------------------------ slots

    long objectBase(int slot) {
        return objectOffset + slot * OBJECT_SLOT_SIZE;
    }

    long objectWord(int slot, long field) {
        return table.get(WORD, objectBase(slot) + field);
    }

    void putObject(int slot, long field, long value) {
        put(objectBase(slot) + field, value);
    }

    long holderWord(int slot, int holder, long field) {
        return objectWord(slot, OBJECT_HOLDERS + holder * HOLDER_SIZE + field);
    }

    void putHolder(int slot, int holder, long field, long value) {
        putObject(slot, OBJECT_HOLDERS + holder * HOLDER_SIZE + field, value);
    }

    long processWord(int slot, long field) {
        return table.get(WORD, processOffset + slot * PROCESS_SLOT_SIZE + field);
    }

    /**
     * The process slots whose state is not free, in slot order: every lock's reap looks at these. Read from the
     * state words when another participant may have committed since the last read (see {@link #slotsInUse}).
     */
    int[] processSlotsInUse() {
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

    void putProcess(int slot, long field, long value) {
        put(processOffset + slot * PROCESS_SLOT_SIZE + field, value);
    }

    long descriptorWord(int slot, long field) {
        return table.get(WORD, descriptorOffset + slot * DESCRIPTOR_SLOT_SIZE + field);
    }

    void putDescriptor(int slot, long field, long value) {
        put(descriptorOffset + slot * DESCRIPTOR_SLOT_SIZE + field, value);
    }

    long directoryBase(int entry) {
        return directoryOffset + entry * DIRECTORY_ENTRY_SIZE;
    }

    long directoryWord(int entry, long field) {
        return table.get(WORD, directoryBase(entry) + field);
    }

    void putDirectory(int entry, long field, long value) {
        put(directoryBase(entry) + field, value);
    }

    long poolWord(int pool, long field) {
        return table.get(WORD, POOLS_OFFSET + pool * POOL_SIZE + field);
    }

    void putPool(int pool, long field, long value) {
        put(POOLS_OFFSET + pool * POOL_SIZE + field, value);
    }

    String poolName(int pool) {
        return readString(POOLS_OFFSET + pool * POOL_SIZE, POOL_NAME_BYTES);
    }

    long descriptorTableWord(int t, long field) {
        return table.get(WORD, DESCRIPTOR_TABLES_OFFSET + t * DESCRIPTOR_TABLE_SIZE + field);
    }

    void putDescriptorTable(int t, long field, long value) {
        put(DESCRIPTOR_TABLES_OFFSET + t * DESCRIPTOR_TABLE_SIZE + field, value);
    }

    String descriptorTableName(int t) {
        return readString(DESCRIPTOR_TABLES_OFFSET + t * DESCRIPTOR_TABLE_SIZE, DESCRIPTOR_TABLE_NAME_BYTES);
    }

    /**
     * The file name stored in an object slot, checked to be exactly one {@link NameCodec} writes: it never names
     * anything outside the root.
     *
     * @throws CorruptTableException for a length or name this platform never writes
     */
    String fileNameAt(int slot) {
        long length = objectWord(slot, OBJECT_FILE_NAME_LENGTH);
        if (length < 1 || length > NameCodec.MAX_FILE_NAME) {
            throw corrupt("file name length of object slot " + slot, objectFieldOffset(slot, OBJECT_FILE_NAME_LENGTH),
                    length);
        }
        byte[] bytes = table.asSlice(objectBase(slot) + OBJECT_FILE_NAME, length).toArray(ValueLayout.JAVA_BYTE);
        String name = new String(bytes, StandardCharsets.ISO_8859_1);
        if (!NameCodec.isObjectFileName(name)) {
            throw new CorruptTableException("file name of object slot " + slot, objectFieldOffset(slot,
                    OBJECT_FILE_NAME), "'" + printable(name) + "', which is not a name this platform writes");
        }
        return name;
    }

    /**
     * Whether the live or creating slot's file name is {@code fileName}, a name this platform made (so equal bytes are
     * a valid name: nothing to validate, no string to build). Compares the length word and the bytes in place.
     */
    boolean fileNameEquals(int slot, String fileName) {
        int length = fileName.length();
        if (objectWord(slot, OBJECT_FILE_NAME_LENGTH) != length) {
            return false;
        }
        long base = objectBase(slot) + OBJECT_FILE_NAME;
        for (int i = 0; i < length; i++) {
            if (table.get(ValueLayout.JAVA_BYTE, base + i) != (byte) fileName.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static String printable(String text) {
        StringBuilder out = new StringBuilder();
        for (char c : text.toCharArray()) {
            out.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\x%02X", (int) c));
        }
        return out.toString();
    }

    /** The reference of an object slot: its number and serial. */
    long refOf(int slot) {
        return ((long) slot << REF_SERIAL_BITS) | (objectWord(slot, OBJECT_SERIAL) & SERIAL_MASK);
    }

    /** A reference made from a slot number and a serial. */
    static long ref(long slot, long serial) {
        return (slot << REF_SERIAL_BITS) | (serial & SERIAL_MASK);
    }

    /** Whether a serial stored elsewhere names the object now in {@code slot}. */
    boolean sameSerial(int slot, long serial) {
        return (objectWord(slot, OBJECT_SERIAL) & SERIAL_MASK) == (serial & SERIAL_MASK);
    }

    // ------------------------------------------------------------------ bytes

    /** Writes {@code bytes} NUL-padded to {@code width} bytes (a multiple of 8) at {@code offset}, journaled. */
    void putBytes(long offset, byte[] bytes, int width) {
        ByteBuffer padded = ByteBuffer.wrap(Arrays.copyOf(bytes, width)).order(ByteOrder.LITTLE_ENDIAN);
        for (int w = 0; w < width / 8; w++) {
            put(offset + w * 8L, padded.getLong(w * 8));
        }
    }

    /** The UTF-8 text of up to {@code width} bytes at {@code offset}, up to the first NUL. */
    String readString(long offset, int width) {
        byte[] bytes = table.asSlice(offset, width).toArray(ValueLayout.JAVA_BYTE);
        int length = 0;
        while (length < bytes.length && bytes[length] != 0) {
            length++;
        }
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }
}
