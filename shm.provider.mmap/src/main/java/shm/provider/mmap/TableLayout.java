package shm.provider.mmap;

/**
 * Layout of the object table, the file {@value #FILE_NAME} in the root that every participant maps. Every field is
 * a little-endian 64-bit word unless noted; offsets in bytes.
 *
 * <pre>
 * +--------------------------- header, 4096 bytes ---------------------------+
 * |   0 magic "SHMTABL\0"           |   8 layout version (u32) | 12 header size (u32) |
 * |  16 object capacity (power of 2) |  24 process capacity     |  32 RT slot capacity |
 * |  40 journal capacity             |  48 generation           |  56 journal count    |
 * |  64 pool limit (bytes, 0 = none) |  72 pool used (bytes)    |  80 live objects     |
 * |  88 journal offset               |  96 process offset       | 104 object offset    |
 * | 112 RT slot offset               | 120 table size (bytes)   | 128 pending intents  |
 * | 136..4095 zero                                                            |
 * +--------------------------- journal --------------------------------------+
 * | journal capacity x { offset, old value }          16 bytes each           |
 * +--------------------------- processes ------------------------------------+
 * | process capacity x { pid, start time, state, handles }   32 bytes each    |
 * +--------------------------- objects --------------------------------------+
 * | object capacity x 576 bytes:                                              |
 * |   0 state   8 type   16 reserved size   24 logical size   32 handles      |
 * |  40 hash of the file name (FNV-1a 64)   48 creator process slot          |
 * |  56 file name length   64..319 file name (UTF-8 = ASCII, 256 bytes)       |
 * | 320..575 holders: 16 x { process slot + 1 (0 = free), handle count }      |
 * +--------------------------- RT slots -------------------------------------+
 * | RT slot capacity x { state, owner process slot, object slot, offset,      |
 * |                      size, flags, reserved, reserved }   64 bytes each   |
 * +--------------------------------------------------------------------------+
 * </pre>
 *
 * <p>Object states: {@value #EMPTY} never used (ends a probe), {@value #CREATING} and {@value #DESTROYING} intents
 * that only a lock holder ever sees in passing (so a holder that finds one knows its writer died), {@value #LIVE},
 * {@value #TOMBSTONE} freed (a probe goes on past it). Objects are found by open addressing on the hash, probing
 * linearly. Process states: 0 free, 1 live. RT slots are reserved for the INtime descriptor table and pool
 * accounting; this version writes them as zero.
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
    static final long RT_CAPACITY_OFFSET = 32;
    static final long JOURNAL_CAPACITY_OFFSET = 40;
    static final long GENERATION_OFFSET = 48;
    static final long JOURNAL_COUNT_OFFSET = 56;
    static final long POOL_LIMIT_OFFSET = 64;
    static final long POOL_USED_OFFSET = 72;
    static final long LIVE_OBJECTS_OFFSET = 80;
    static final long JOURNAL_OFFSET_OFFSET = 88;
    static final long PROCESS_OFFSET_OFFSET = 96;
    static final long OBJECT_OFFSET_OFFSET = 104;
    static final long RT_OFFSET_OFFSET = 112;
    static final long TABLE_SIZE_OFFSET = 120;
    static final long PENDING_INTENTS_OFFSET = 128;

    static final long JOURNAL_ENTRY_SIZE = 16;

    static final long PROCESS_SLOT_SIZE = 32;
    static final long PROCESS_PID = 0;
    static final long PROCESS_START_TIME = 8;
    static final long PROCESS_STATE = 16;
    static final long PROCESS_HANDLES = 24;
    static final long PROCESS_FREE = 0;
    static final long PROCESS_LIVE = 1;

    static final long OBJECT_SLOT_SIZE = 576;
    static final long OBJECT_STATE = 0;
    static final long OBJECT_TYPE = 8;
    static final long OBJECT_RESERVED_SIZE = 16;
    static final long OBJECT_LOGICAL_SIZE = 24;
    static final long OBJECT_HANDLES = 32;
    static final long OBJECT_HASH = 40;
    static final long OBJECT_CREATOR = 48;
    static final long OBJECT_FILE_NAME_LENGTH = 56;
    static final long OBJECT_FILE_NAME = 64;
    static final int MAX_FILE_NAME = 256;
    static final long OBJECT_HOLDERS = 320;
    static final int HOLDERS_PER_OBJECT = 16;
    static final long HOLDER_SIZE = 16;

    static final long EMPTY = 0;
    static final long CREATING = 1;
    static final long LIVE = 2;
    static final long DESTROYING = 3;
    static final long TOMBSTONE = 4;

    static final long RT_SLOT_SIZE = 64;

    /** Default capacities, written into a new table; an existing table keeps its own. */
    static final long DEFAULT_OBJECT_CAPACITY = 4096;
    static final long DEFAULT_PROCESS_CAPACITY = 256;
    static final long DEFAULT_RT_CAPACITY = 8192;
    static final long DEFAULT_JOURNAL_CAPACITY = 1024;

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
