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
 * slot, and the undo journal through which every write goes ({@link TableJournal}). One instance per mapping of the
 * table file; the {@link ObjectTable} and its sections share it. Not thread-safe: used under the table lock only,
 * but for {@link #headerAcquire} and {@link #committedGenerationSeen}, the lock-free generation read
 * ({@link ObjectTable#generationWithoutLocks()}).
 */
final class TableWords {

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
    private final long processOffset;
    private final long objectOffset;
    private final long descriptorOffset;
    private final long directoryOffset;
    /** The process slots in use, remembered between locks; told of every write by the journal. */
    private final ProcessSlotsInUse slotsInUse;
    /** The undo journal: every write goes through it. */
    private final TableJournal journal;
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
        long journalOffset = table.get(WORD, JOURNAL_OFFSET_OFFSET);
        this.processOffset = table.get(WORD, PROCESS_OFFSET_OFFSET);
        this.objectOffset = table.get(WORD, OBJECT_OFFSET_OFFSET);
        this.descriptorOffset = table.get(WORD, DESCRIPTOR_OFFSET_OFFSET);
        this.directoryOffset = table.get(WORD, DIRECTORY_OFFSET_OFFSET);
        this.slotsInUse = new ProcessSlotsInUse(table, processOffset, processCapacity);
        this.journal = new TableJournal(table, journalOffset, journalCapacity, slotsInUse);
    }

    /** Test hook: where a simulated kill strikes. */
    void crashPoint(ObjectTable.CrashPoint point) {
        journal.crashPoint(point);
    }

    ObjectTable.CrashPoint crashPoint() {
        return journal.crashPoint();
    }

    // ------------------------------------------------------------------ transactions

    /** Writes one word, journaling its old value first ({@link TableJournal#put}). */
    void put(long offset, long value) {
        journal.put(offset, value);
    }

    /**
     * Undoes every write since the last commit, newest first, refusing a corrupt journal before any word is written
     * back ({@link TableJournal#rollback}).
     */
    void rollback() {
        journal.rollback();
    }

    /** Runs {@code change} as one transaction: committed if it returns, rolled back if it throws. */
    <T> T transaction(Supplier<T> change) {
        return journal.transaction(change);
    }

    /** Runs {@code change} as one transaction. */
    void transaction(Runnable change) {
        journal.transaction(change);
    }

    // ------------------------------------------------------------------ checks of values read from the table

    /** A value at {@code offset} of the table that this layout never writes: the table is corrupt. */
    CorruptTableException corrupt(String field, long offset, long value) {
        return new CorruptTableException(field, offset, value);
    }

    /**
     * A slot index read from the table ({@code value}, at {@code offset}: field {@code what} of the {@code section}
     * slot {@code slot}), checked against its section's capacity. The message naming the field is made only when the
     * check fails: these checks are on the paths of every open, close and iwin32 call.
     *
     * @throws CorruptTableException when it is outside {@code [0, capacity)}
     */
    int index(String what, String section, int slot, long offset, long value, long capacity) {
        if (value < 0 || value >= capacity) {
            throw corrupt(what + " of " + section + " slot " + slot, offset, value);
        }
        return (int) value;
    }

    /** A process slot index read from the table, checked against the process capacity, as {@link #index}. */
    int processIndex(String what, String section, int slot, long offset, long value) {
        return index(what, section, slot, offset, value, processCapacity);
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
     * The process slots whose state is not free, in slot order: every lock's reap looks at these
     * ({@link ProcessSlotsInUse#slots}).
     */
    int[] processSlotsInUse() {
        return slotsInUse.slots();
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
