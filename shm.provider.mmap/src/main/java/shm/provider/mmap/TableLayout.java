package shm.provider.mmap;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Layout of the object table, the file {@value #FILE_NAME} in the root that every participant maps. Every field is
 * a little-endian 64-bit word unless noted; offsets in bytes.
 *
 * <pre>
 * +--------------------------- header, 4096 bytes ---------------------------+
 * |   0 magic "SHMTABL\0"           |   8 layout version (u32) | 12 header size (u32) |
 * |  16 object capacity (power of 2) |  24 process capacity     |  32 descriptor slots |
 * |  40 journal capacity             |  48 generation           |  56 journal count    |
 * |  64 object limit (0 = capacity)  |  72 (unused)             |  80 live objects     |
 * |  88 journal offset               |  96 process offset       | 104 object offset    |
 * | 112 descriptor offset            | 120 table size (bytes)   | 128 pending intents  |
 * | 136 directory capacity           | 144 directory offset     | 152..511 zero        |
 * | 512..1023  pools: 8 x { name (32 bytes, UTF-8, NUL-padded), limit, used, 2 zero words }  |
 * | 1024..1343 descriptor tables: 4 x { name (32 bytes), capacity, per-process limit, used, |
 * |            first slot, next-free hint }                                                 |
 * +--------------------------- journal --------------------------------------+
 * | journal capacity x { offset, old value }          16 bytes each           |
 * +--------------------------- processes ------------------------------------+
 * | process capacity x { pid, start time, state, handles,                     |
 * |                      descriptors held in tables 0..3 }   64 bytes each    |
 * +--------------------------- objects --------------------------------------+
 * | object capacity x 640 bytes:                                              |
 * |   0 state   8 type   16 reserved size   24 logical size   32 handles      |
 * |  40 hash of the file name (FNV-1a 64)   48 creator process slot          |
 * |  56 file name length   64 serial   72 pool + 1 (0 = none)   80 inode      |
 * |  88..127 zero                                                             |
 * | 128..383 file name (ASCII, 256 bytes)                                     |
 * | 384..639 holders: 16 x { process slot + 1 (0 = free), handle count }      |
 * +--------------------------- descriptor slots -----------------------------+
 * | descriptor slots x { state (0 free, 1 used), table + 1, owner process     |
 * |   slot, object slot, object serial, offset, size, node }  64 bytes each   |
 * +--------------------------- directory ------------------------------------+
 * | directory capacity x 448 bytes: 0 state (0 free, 1 bound), 8 owner        |
 * |   process slot, 16 hash of scope and name, 24 value, 32 scope length,     |
 * |   40 name length, 48..63 zero, 64..127 scope (64 bytes),                  |
 * |   128..447 name (320 bytes)                                               |
 * +--------------------------------------------------------------------------+
 * </pre>
 *
 * <p>Object states: {@value #EMPTY} never used (ends a probe), {@value #CREATING} and {@value #DESTROYING} intents
 * that only a lock holder ever sees in passing (so a holder that finds one knows its writer died), {@value #LIVE},
 * {@value #TOMBSTONE} freed (a probe goes on past it). Objects are found by open addressing on the hash, probing
 * linearly. The object limit caps live objects plus pending intents below the capacity, so that probes stay short
 * ({@link #objectCapacityFor}: at most 7/8 of the slots are ever in use); a table written before the limit existed
 * has 0 there and holds up to its capacity, as it always did. Process states: 0 free, 1 live. An object's serial (the
 * table generation when it was created) makes an object reference ({@code slot << 40 | serial & (2^40 - 1)}) name
 * one object only, never a later one in the same slot. A descriptor table owns the slots
 * {@code [first slot, first slot + capacity)}; its descriptor number is the slot's index within that range.
 */
final class TableLayout {

    static final String FILE_NAME = "table";
    /** What follows {@link #FILE_NAME} in the name of a table a repair moved aside: {@code table.broken.<ms>}. */
    static final String BROKEN_INFIX = ".broken.";
    static final int LAYOUT_VERSION = 1;

    /** Bytes of one little-endian word, the unit of every field unless noted. */
    static final int WORD_BYTES = 8;
    /** One word of the table as the FFM API reads and writes it: 64 bits, little-endian, whatever the machine. */
    static final ValueLayout.OfLong WORD = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Bytes of the two 32-bit fields after the magic. */
    static final int INT_BYTES = 4;

    // ---------------------------------------------------------------- header words, each after the one before

    static final long MAGIC_OFFSET = 0;
    static final int MAGIC_BYTES = 8;
    static final long VERSION_OFFSET = MAGIC_OFFSET + MAGIC_BYTES;
    static final long HEADER_SIZE_OFFSET = VERSION_OFFSET + INT_BYTES;
    static final long OBJECT_CAPACITY_OFFSET = HEADER_SIZE_OFFSET + INT_BYTES;
    static final long PROCESS_CAPACITY_OFFSET = OBJECT_CAPACITY_OFFSET + WORD_BYTES;
    static final long DESCRIPTOR_SLOTS_OFFSET = PROCESS_CAPACITY_OFFSET + WORD_BYTES;
    static final long JOURNAL_CAPACITY_OFFSET = DESCRIPTOR_SLOTS_OFFSET + WORD_BYTES;
    static final long GENERATION_OFFSET = JOURNAL_CAPACITY_OFFSET + WORD_BYTES;
    static final long JOURNAL_COUNT_OFFSET = GENERATION_OFFSET + WORD_BYTES;
    /**
     * The most live objects plus pending intents the table takes, set when it is made; 0 (a table of an older
     * release) means the object capacity.
     */
    static final long OBJECT_LIMIT_OFFSET = JOURNAL_COUNT_OFFSET + WORD_BYTES;
    /** One word kept zero (72). */
    static final long UNUSED_HEADER_OFFSET = OBJECT_LIMIT_OFFSET + WORD_BYTES;
    static final long LIVE_OBJECTS_OFFSET = UNUSED_HEADER_OFFSET + WORD_BYTES;
    static final long JOURNAL_OFFSET_OFFSET = LIVE_OBJECTS_OFFSET + WORD_BYTES;
    static final long PROCESS_OFFSET_OFFSET = JOURNAL_OFFSET_OFFSET + WORD_BYTES;
    static final long OBJECT_OFFSET_OFFSET = PROCESS_OFFSET_OFFSET + WORD_BYTES;
    static final long DESCRIPTOR_OFFSET_OFFSET = OBJECT_OFFSET_OFFSET + WORD_BYTES;
    static final long TABLE_SIZE_OFFSET = DESCRIPTOR_OFFSET_OFFSET + WORD_BYTES;
    static final long PENDING_INTENTS_OFFSET = TABLE_SIZE_OFFSET + WORD_BYTES;
    static final long DIRECTORY_CAPACITY_OFFSET = PENDING_INTENTS_OFFSET + WORD_BYTES;
    static final long DIRECTORY_OFFSET_OFFSET = DIRECTORY_CAPACITY_OFFSET + WORD_BYTES;
    /** Where the header words end; zero up to {@link #POOLS_OFFSET}. */
    static final long HEADER_WORDS_END = DIRECTORY_OFFSET_OFFSET + WORD_BYTES;

    // ---------------------------------------------------------------- pools, in the header

    static final long POOLS_OFFSET = 512;
    static final int MAX_POOLS = 8;
    static final int POOL_NAME_BYTES = 32;
    static final long POOL_LIMIT = POOL_NAME_BYTES;
    static final long POOL_USED = POOL_LIMIT + WORD_BYTES;
    /** A pool record: name, limit, used, two zero words. */
    static final long POOL_SIZE = POOL_USED + 3 * WORD_BYTES;

    // ---------------------------------------------------------------- descriptor tables, in the header

    static final long DESCRIPTOR_TABLES_OFFSET = 1024;
    static final int MAX_DESCRIPTOR_TABLES = 4;
    static final int DESCRIPTOR_TABLE_NAME_BYTES = 32;
    static final long DESCRIPTOR_TABLE_CAPACITY = DESCRIPTOR_TABLE_NAME_BYTES;
    static final long DESCRIPTOR_TABLE_LIMIT = DESCRIPTOR_TABLE_CAPACITY + WORD_BYTES;
    static final long DESCRIPTOR_TABLE_USED = DESCRIPTOR_TABLE_LIMIT + WORD_BYTES;
    static final long DESCRIPTOR_TABLE_FIRST = DESCRIPTOR_TABLE_USED + WORD_BYTES;
    static final long DESCRIPTOR_TABLE_HINT = DESCRIPTOR_TABLE_FIRST + WORD_BYTES;
    /** A descriptor table record: name, capacity, limit, used, first slot, hint, one zero word. */
    static final long DESCRIPTOR_TABLE_SIZE = DESCRIPTOR_TABLE_HINT + 2 * WORD_BYTES;

    /** The header: a page, holding the words, the pools and the descriptor tables. */
    static final int HEADER_SIZE = 4096;

    // ---------------------------------------------------------------- journal

    static final long JOURNAL_ENTRY_OFFSET = 0;
    static final long JOURNAL_ENTRY_OLD_VALUE = JOURNAL_ENTRY_OFFSET + WORD_BYTES;
    static final long JOURNAL_ENTRY_SIZE = JOURNAL_ENTRY_OLD_VALUE + WORD_BYTES;

    // ---------------------------------------------------------------- process slots

    static final long PROCESS_PID = 0;
    static final long PROCESS_START_TIME = PROCESS_PID + WORD_BYTES;
    static final long PROCESS_STATE = PROCESS_START_TIME + WORD_BYTES;
    static final long PROCESS_HANDLES = PROCESS_STATE + WORD_BYTES;
    /** The count of descriptors held in table {@code t} is at {@code PROCESS_DESCRIPTORS + 8 t}. */
    static final long PROCESS_DESCRIPTORS = PROCESS_HANDLES + WORD_BYTES;
    static final long PROCESS_SLOT_SIZE = PROCESS_DESCRIPTORS + (long) MAX_DESCRIPTOR_TABLES * WORD_BYTES;
    static final long PROCESS_FREE = 0;
    static final long PROCESS_LIVE = 1;
    /** A slot holding the parked holds of a live process (see {@link ParkedHolds}). */
    static final long PROCESS_PARKED = 2;
    /** In a parked slot, the deadline in milliseconds since the epoch (where a live slot counts descriptors). */
    static final long PROCESS_PARK_DEADLINE = PROCESS_DESCRIPTORS;

    // ---------------------------------------------------------------- object slots

    static final long OBJECT_STATE = 0;
    static final long OBJECT_TYPE = OBJECT_STATE + WORD_BYTES;
    static final long OBJECT_RESERVED_SIZE = OBJECT_TYPE + WORD_BYTES;
    static final long OBJECT_LOGICAL_SIZE = OBJECT_RESERVED_SIZE + WORD_BYTES;
    static final long OBJECT_HANDLES = OBJECT_LOGICAL_SIZE + WORD_BYTES;
    static final long OBJECT_HASH = OBJECT_HANDLES + WORD_BYTES;
    static final long OBJECT_CREATOR = OBJECT_HASH + WORD_BYTES;
    static final long OBJECT_FILE_NAME_LENGTH = OBJECT_CREATOR + WORD_BYTES;
    static final long OBJECT_SERIAL = OBJECT_FILE_NAME_LENGTH + WORD_BYTES;
    static final long OBJECT_POOL = OBJECT_SERIAL + WORD_BYTES;
    /** The inode of the object file, recorded before the file is linked; 0 = not recorded (an older writer). */
    static final long OBJECT_INODE = OBJECT_POOL + WORD_BYTES;
    /** Five words kept zero (88..127). */
    static final long OBJECT_UNUSED = OBJECT_INODE + WORD_BYTES;
    static final long OBJECT_FILE_NAME = OBJECT_UNUSED + 5 * WORD_BYTES;
    static final int MAX_FILE_NAME = 256;
    static final long OBJECT_HOLDERS = OBJECT_FILE_NAME + MAX_FILE_NAME;
    static final int HOLDERS_PER_OBJECT = 16;
    static final long HOLDER_PROCESS = 0;
    static final long HOLDER_HANDLES = HOLDER_PROCESS + WORD_BYTES;
    static final long HOLDER_SIZE = HOLDER_HANDLES + WORD_BYTES;
    static final long OBJECT_SLOT_SIZE = OBJECT_HOLDERS + HOLDERS_PER_OBJECT * HOLDER_SIZE;

    static final long EMPTY = 0;
    static final long CREATING = 1;
    static final long LIVE = 2;
    static final long DESTROYING = 3;
    static final long TOMBSTONE = 4;

    // ---------------------------------------------------------------- descriptor slots

    static final long DESCRIPTOR_STATE = 0;
    static final long DESCRIPTOR_TABLE = DESCRIPTOR_STATE + WORD_BYTES;
    static final long DESCRIPTOR_OWNER = DESCRIPTOR_TABLE + WORD_BYTES;
    static final long DESCRIPTOR_OBJECT = DESCRIPTOR_OWNER + WORD_BYTES;
    static final long DESCRIPTOR_SERIAL = DESCRIPTOR_OBJECT + WORD_BYTES;
    static final long DESCRIPTOR_OFFSET = DESCRIPTOR_SERIAL + WORD_BYTES;
    static final long DESCRIPTOR_SIZE = DESCRIPTOR_OFFSET + WORD_BYTES;
    static final long DESCRIPTOR_NODE = DESCRIPTOR_SIZE + WORD_BYTES;
    static final long DESCRIPTOR_SLOT_SIZE = DESCRIPTOR_NODE + WORD_BYTES;

    // ---------------------------------------------------------------- directory entries

    static final long DIRECTORY_STATE = 0;
    static final long DIRECTORY_OWNER = DIRECTORY_STATE + WORD_BYTES;
    static final long DIRECTORY_HASH = DIRECTORY_OWNER + WORD_BYTES;
    static final long DIRECTORY_VALUE = DIRECTORY_HASH + WORD_BYTES;
    static final long DIRECTORY_SCOPE_LENGTH = DIRECTORY_VALUE + WORD_BYTES;
    static final long DIRECTORY_NAME_LENGTH = DIRECTORY_SCOPE_LENGTH + WORD_BYTES;
    /** Two words kept zero (48..63). */
    static final long DIRECTORY_UNUSED = DIRECTORY_NAME_LENGTH + WORD_BYTES;
    static final long DIRECTORY_SCOPE = DIRECTORY_UNUSED + 2 * WORD_BYTES;
    static final int DIRECTORY_SCOPE_BYTES = 64;
    static final long DIRECTORY_NAME = DIRECTORY_SCOPE + DIRECTORY_SCOPE_BYTES;
    static final int DIRECTORY_NAME_BYTES = 320;
    static final long DIRECTORY_ENTRY_SIZE = DIRECTORY_NAME + DIRECTORY_NAME_BYTES;

    /** Bits of an object reference that hold the object's serial. */
    static final int REF_SERIAL_BITS = 40;

    /**
     * Default capacities, written into a new table; an existing table keeps its own. The object capacity of a new
     * table follows the configured object limit ({@link #objectCapacityFor}).
     */
    static final long DEFAULT_PROCESS_CAPACITY = 256;
    static final long DEFAULT_DESCRIPTOR_SLOTS = 16384;
    static final long DEFAULT_JOURNAL_CAPACITY = 1024;
    static final long DEFAULT_DIRECTORY_CAPACITY = 1024;
    /** The largest object limit a new table is made with: 2^22 objects, 2^23 slots, a 5 GiB object section. */
    static final int MAX_OBJECT_LIMIT = 1 << 22;

    static {
        check(HEADER_WORDS_END <= POOLS_OFFSET, "the header words overlap the pools");
        check(objectCapacityFor(MAX_OBJECT_LIMIT) <= TableHeaderCheck.MAX_CAPACITY,
                "the largest object limit needs more slots than a table may have");
        check(POOLS_OFFSET + MAX_POOLS * POOL_SIZE <= DESCRIPTOR_TABLES_OFFSET, "the pools overlap the descriptor tables");
        check(DESCRIPTOR_TABLES_OFFSET + MAX_DESCRIPTOR_TABLES * DESCRIPTOR_TABLE_SIZE <= HEADER_SIZE,
                "the descriptor tables do not fit the header page");
        check(OBJECT_SLOT_SIZE == 640 && PROCESS_SLOT_SIZE == 64 && DESCRIPTOR_SLOT_SIZE == 64
                && DIRECTORY_ENTRY_SIZE == 448 && POOL_SIZE == 64 && DESCRIPTOR_TABLE_SIZE == 80
                && JOURNAL_ENTRY_SIZE == 16 && OBJECT_LIMIT_OFFSET == 64 && LIVE_OBJECTS_OFFSET == 80
                && DIRECTORY_OFFSET_OFFSET == 144,
                "the slot sizes differ from the documented layout (docs/mmap-store.md, the C peer)");
        for (long size : new long[] {OBJECT_SLOT_SIZE, PROCESS_SLOT_SIZE, DESCRIPTOR_SLOT_SIZE, DIRECTORY_ENTRY_SIZE,
                POOL_SIZE, DESCRIPTOR_TABLE_SIZE, JOURNAL_ENTRY_SIZE, HEADER_SIZE, OBJECT_FILE_NAME, OBJECT_HOLDERS,
                DIRECTORY_SCOPE, DIRECTORY_NAME}) {
            check(size % WORD_BYTES == 0, "a section or field is not word-aligned: " + size);
        }
    }

    private TableLayout() {
    }

    /** The layout's self-check: constants derived from each other must still give the documented layout. */
    private static void check(boolean holds, String what) {
        if (!holds) {
            throw new IllegalStateException("TableLayout is inconsistent: " + what);
        }
    }

    /**
     * The object capacity (slots, a power of two) of a new table that takes {@code objectLimit} objects: the smallest
     * power of two of which the limit is at most 7/8, so that a linear probe stays a few slots long even when the
     * table is as full as its limit allows.
     */
    static long objectCapacityFor(int objectLimit) {
        if (objectLimit < 1 || objectLimit > MAX_OBJECT_LIMIT) {
            throw new IllegalArgumentException("object limit out of [1, " + MAX_OBJECT_LIMIT + "]: " + objectLimit);
        }
        long capacity = 1;
        while (capacity * 7 / 8 < objectLimit) {
            capacity <<= 1;
        }
        return capacity;
    }

    /** FNV-1a, 64 bit, of the bytes of an ASCII file name. */
    static long hash(String fileName) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < fileName.length(); i++) {
            h ^= fileName.charAt(i) & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }
}
