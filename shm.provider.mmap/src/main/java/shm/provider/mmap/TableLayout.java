package shm.provider.mmap;

/**
 * Layout of the object table, the file {@value #FILE_NAME} in the root that every participant maps. Every field is
 * a little-endian 64-bit word unless noted; offsets in bytes.
 *
 * <pre>
 * +--------------------------- header, 4096 bytes ---------------------------+
 * |   0 magic "SHMTABL\0"           |   8 layout version (u32) | 12 header size (u32) |
 * |  16 object capacity (power of 2) |  24 process capacity     |  32 descriptor slots |
 * |  40 journal capacity             |  48 generation           |  56 journal count    |
 * |  64 (unused)                     |  72 (unused)             |  80 live objects     |
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
 * |  56 file name length   64 serial   72 pool + 1 (0 = none)   80..127 zero  |
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
 * linearly. Process states: 0 free, 1 live. An object's serial (the table generation when it was created) makes an
 * object reference ({@code slot << 40 | serial & (2^40 - 1)}) name one object only, never a later one in the same
 * slot. A descriptor table owns the slots {@code [first slot, first slot + capacity)}; its descriptor number is the
 * slot's index within that range.
 */
final class TableLayout {

    static final String FILE_NAME = "table";
    static final int LAYOUT_VERSION = 1;
    static final int HEADER_SIZE = 4096;

    static final long MAGIC_OFFSET = 0;
    static final long VERSION_OFFSET = 8;
    static final long HEADER_SIZE_OFFSET = 12;
    static final long OBJECT_CAPACITY_OFFSET = 16;
    static final long PROCESS_CAPACITY_OFFSET = 24;
    static final long DESCRIPTOR_SLOTS_OFFSET = 32;
    static final long JOURNAL_CAPACITY_OFFSET = 40;
    static final long GENERATION_OFFSET = 48;
    static final long JOURNAL_COUNT_OFFSET = 56;
    static final long LIVE_OBJECTS_OFFSET = 80;
    static final long JOURNAL_OFFSET_OFFSET = 88;
    static final long PROCESS_OFFSET_OFFSET = 96;
    static final long OBJECT_OFFSET_OFFSET = 104;
    static final long DESCRIPTOR_OFFSET_OFFSET = 112;
    static final long TABLE_SIZE_OFFSET = 120;
    static final long PENDING_INTENTS_OFFSET = 128;
    static final long DIRECTORY_CAPACITY_OFFSET = 136;
    static final long DIRECTORY_OFFSET_OFFSET = 144;

    static final long POOLS_OFFSET = 512;
    static final int MAX_POOLS = 8;
    static final long POOL_SIZE = 64;
    static final int POOL_NAME_BYTES = 32;
    static final long POOL_LIMIT = 32;
    static final long POOL_USED = 40;

    static final long DESCRIPTOR_TABLES_OFFSET = 1024;
    static final int MAX_DESCRIPTOR_TABLES = 4;
    static final long DESCRIPTOR_TABLE_SIZE = 80;
    static final int DESCRIPTOR_TABLE_NAME_BYTES = 32;
    static final long DESCRIPTOR_TABLE_CAPACITY = 32;
    static final long DESCRIPTOR_TABLE_LIMIT = 40;
    static final long DESCRIPTOR_TABLE_USED = 48;
    static final long DESCRIPTOR_TABLE_FIRST = 56;
    static final long DESCRIPTOR_TABLE_HINT = 64;

    static final long JOURNAL_ENTRY_SIZE = 16;

    static final long PROCESS_SLOT_SIZE = 64;
    static final long PROCESS_PID = 0;
    static final long PROCESS_START_TIME = 8;
    static final long PROCESS_STATE = 16;
    static final long PROCESS_HANDLES = 24;
    static final long PROCESS_DESCRIPTORS = 32;
    static final long PROCESS_FREE = 0;
    static final long PROCESS_LIVE = 1;
    /** A slot holding the parked holds of a live process (see {@link ParkedHolds}). */
    static final long PROCESS_PARKED = 2;
    /** In a parked slot, the deadline in milliseconds since the epoch (where a live slot counts descriptors). */
    static final long PROCESS_PARK_DEADLINE = PROCESS_DESCRIPTORS;

    static final long OBJECT_SLOT_SIZE = 640;
    static final long OBJECT_STATE = 0;
    static final long OBJECT_TYPE = 8;
    static final long OBJECT_RESERVED_SIZE = 16;
    static final long OBJECT_LOGICAL_SIZE = 24;
    static final long OBJECT_HANDLES = 32;
    static final long OBJECT_HASH = 40;
    static final long OBJECT_CREATOR = 48;
    static final long OBJECT_FILE_NAME_LENGTH = 56;
    static final long OBJECT_SERIAL = 64;
    static final long OBJECT_POOL = 72;
    static final long OBJECT_FILE_NAME = 128;
    static final int MAX_FILE_NAME = 256;
    static final long OBJECT_HOLDERS = 384;
    static final int HOLDERS_PER_OBJECT = 16;
    static final long HOLDER_SIZE = 16;

    static final long EMPTY = 0;
    static final long CREATING = 1;
    static final long LIVE = 2;
    static final long DESTROYING = 3;
    static final long TOMBSTONE = 4;

    static final long DESCRIPTOR_SLOT_SIZE = 64;
    static final long DESCRIPTOR_STATE = 0;
    static final long DESCRIPTOR_TABLE = 8;
    static final long DESCRIPTOR_OWNER = 16;
    static final long DESCRIPTOR_OBJECT = 24;
    static final long DESCRIPTOR_SERIAL = 32;
    static final long DESCRIPTOR_OFFSET = 40;
    static final long DESCRIPTOR_SIZE = 48;
    static final long DESCRIPTOR_NODE = 56;

    static final long DIRECTORY_ENTRY_SIZE = 448;
    static final long DIRECTORY_STATE = 0;
    static final long DIRECTORY_OWNER = 8;
    static final long DIRECTORY_HASH = 16;
    static final long DIRECTORY_VALUE = 24;
    static final long DIRECTORY_SCOPE_LENGTH = 32;
    static final long DIRECTORY_NAME_LENGTH = 40;
    static final long DIRECTORY_SCOPE = 64;
    static final int DIRECTORY_SCOPE_BYTES = 64;
    static final long DIRECTORY_NAME = 128;
    static final int DIRECTORY_NAME_BYTES = 320;

    /** Bits of an object reference that hold the object's serial. */
    static final int REF_SERIAL_BITS = 40;

    /** Default capacities, written into a new table; an existing table keeps its own. */
    static final long DEFAULT_OBJECT_CAPACITY = 4096;
    static final long DEFAULT_PROCESS_CAPACITY = 256;
    static final long DEFAULT_DESCRIPTOR_SLOTS = 16384;
    static final long DEFAULT_JOURNAL_CAPACITY = 1024;
    static final long DEFAULT_DIRECTORY_CAPACITY = 1024;

    private TableLayout() {
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
