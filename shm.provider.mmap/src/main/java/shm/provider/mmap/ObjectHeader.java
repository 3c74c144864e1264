package shm.provider.mmap;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import shm.api.ObjectType;

/**
 * The header page at the start of every object file; the object's data starts at {@link #DATA_OFFSET}, so every
 * mapping of the data is page-aligned. All fields are little-endian, offsets in bytes:
 *
 * <pre>
 *  0                   8          12         16                        24                        32
 *  +-------------------+----------+----------+-------------------------+-------------------------+
 *  | magic "SHMPLAT\0" | version  | type     | reserved size (u64)     | logical size (u64)      |
 *  +-------------------+----------+----------+-------------------------+-------------------------+
 *  32                  40         44         48                        56                        64
 *  +-------------------+----------+----------+-------------------------+-------------------------+
 *  | data offset (u64) | name len | flags    | creator pid (u64)       | created, ms since epoch |
 *  +-------------------+----------+----------+-------------------------+-------------------------+
 *  64                                                                                          4096
 *  +-------------------------------------------------------------------------------------------+
 *  | name, UTF-8, name len bytes (0 for an unnamed object), rest zero                          |
 *  +-------------------------------------------------------------------------------------------+
 * </pre>
 *
 * <p>Type codes: 1 shared memory, 2 event, 3 mutex, 4 semaphore. Flags: bit 0 set for an unnamed object. The file is
 * {@code DATA_OFFSET + reserved size} bytes long. The logical size is at most the reserved size; it is the only
 * field that changes after creation (a personality may lower it).
 */
record ObjectHeader(ObjectType type, long reservedSize, long logicalSize, String name, long creatorPid,
                    long createdMillis) {

    /** Size of the header, one page; also where the data starts. */
    static final int DATA_OFFSET = 4096;
    /** The only layout this code reads and writes. */
    static final int LAYOUT_VERSION = 1;

    static final int MAGIC_OFFSET = 0;
    static final int VERSION_OFFSET = 8;
    static final int TYPE_OFFSET = 12;
    static final int RESERVED_SIZE_OFFSET = 16;
    static final int LOGICAL_SIZE_OFFSET = 24;
    static final int DATA_OFFSET_OFFSET = 32;
    static final int NAME_LENGTH_OFFSET = 40;
    static final int FLAGS_OFFSET = 44;
    static final int CREATOR_PID_OFFSET = 48;
    static final int CREATED_MILLIS_OFFSET = 56;
    static final int NAME_OFFSET = 64;
    /** The longest name, in UTF-8 bytes, that the header can hold. */
    static final int MAX_NAME_BYTES = DATA_OFFSET - NAME_OFFSET;

    static final int FLAG_UNNAMED = 1;
    private static final byte[] MAGIC = "SHMPLAT\0".getBytes(StandardCharsets.US_ASCII);

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** The largest reserved size whose file length still fits a {@code long}. */
    static final long MAX_SIZE = Long.MAX_VALUE - DATA_OFFSET;

    /** How many bytes from the page's start {@link #writeTo} writes: the fields and the name; the rest stays zero. */
    int usedBytes() {
        return NAME_OFFSET + (name == null ? 0 : name.getBytes(StandardCharsets.UTF_8).length);
    }

    /** Writes this header into a zeroed page. */
    void writeTo(MemorySegment page) {
        checkPage(page);
        MemorySegment.copy(MAGIC, 0, page, ValueLayout.JAVA_BYTE, MAGIC_OFFSET, MAGIC.length);
        page.set(INT, VERSION_OFFSET, LAYOUT_VERSION);
        page.set(INT, TYPE_OFFSET, typeCode(type));
        page.set(LONG, RESERVED_SIZE_OFFSET, reservedSize);
        page.set(LONG, LOGICAL_SIZE_OFFSET, logicalSize);
        page.set(LONG, DATA_OFFSET_OFFSET, DATA_OFFSET);
        byte[] nameBytes = name == null ? new byte[0] : name.getBytes(StandardCharsets.UTF_8);
        page.set(INT, NAME_LENGTH_OFFSET, nameBytes.length);
        page.set(INT, FLAGS_OFFSET, name == null ? FLAG_UNNAMED : 0);
        page.set(LONG, CREATOR_PID_OFFSET, creatorPid);
        page.set(LONG, CREATED_MILLIS_OFFSET, createdMillis);
        MemorySegment.copy(nameBytes, 0, page, ValueLayout.JAVA_BYTE, NAME_OFFSET, nameBytes.length);
    }

    /**
     * Reads and validates a header page.
     *
     * @param fileLength the length of the file the page came from, checked against the sizes
     * @throws IllegalArgumentException naming the first field that is not what this layout writes
     */
    static ObjectHeader readFrom(MemorySegment page, long fileLength) {
        checkPage(page);
        byte[] magic = page.asSlice(MAGIC_OFFSET, MAGIC.length).toArray(ValueLayout.JAVA_BYTE);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new IllegalArgumentException("not a shm platform object (no SHMPLAT magic)");
        }
        int version = page.get(INT, VERSION_OFFSET);
        if (version != LAYOUT_VERSION) {
            throw new IllegalArgumentException(
                    "object layout version " + version + " is not supported (this code reads " + LAYOUT_VERSION + ")");
        }
        ObjectType type = typeOf(page.get(INT, TYPE_OFFSET));
        long reserved = page.get(LONG, RESERVED_SIZE_OFFSET);
        long logical = page.get(LONG, LOGICAL_SIZE_OFFSET);
        long dataOffset = page.get(LONG, DATA_OFFSET_OFFSET);
        if (dataOffset != DATA_OFFSET) {
            throw new IllegalArgumentException("data offset " + dataOffset + " is not " + DATA_OFFSET);
        }
        if (reserved < 1 || reserved > MAX_SIZE || logical < 1 || logical > reserved) {
            throw new IllegalArgumentException("sizes are inconsistent: reserved " + reserved + ", logical " + logical);
        }
        if (fileLength < DATA_OFFSET + reserved) {
            throw new IllegalArgumentException("file is " + fileLength + " bytes, shorter than its header says ("
                    + (DATA_OFFSET + reserved) + ")");
        }
        int nameLength = page.get(INT, NAME_LENGTH_OFFSET);
        boolean unnamed = (page.get(INT, FLAGS_OFFSET) & FLAG_UNNAMED) != 0;
        if (nameLength < 0 || nameLength > MAX_NAME_BYTES || (unnamed && nameLength != 0)
                || (!unnamed && nameLength == 0)) {
            throw new IllegalArgumentException("name length " + nameLength + " is invalid");
        }
        String name = unnamed ? null
                : new String(page.asSlice(NAME_OFFSET, nameLength).toArray(ValueLayout.JAVA_BYTE),
                        StandardCharsets.UTF_8);
        return new ObjectHeader(type, reserved, logical, name, page.get(LONG, CREATOR_PID_OFFSET),
                page.get(LONG, CREATED_MILLIS_OFFSET));
    }

    /** The logical size field alone, 8 little-endian bytes, as written by a shrink. */
    static MemorySegment logicalSizeField(long logicalSize, java.lang.foreign.Arena arena) {
        MemorySegment field = arena.allocate(LONG);
        field.set(LONG, 0, logicalSize);
        return field;
    }

    private static void checkPage(MemorySegment page) {
        if (page.byteSize() < DATA_OFFSET) {
            throw new IllegalArgumentException("a header page is " + DATA_OFFSET + " bytes, got " + page.byteSize());
        }
    }

    static int typeCode(ObjectType type) {
        return switch (type) {
            case SHARED_MEMORY -> 1;
            case EVENT -> 2;
            case MUTEX -> 3;
            case SEMAPHORE -> 4;
        };
    }

    static ObjectType typeOf(int code) {
        return switch (code) {
            case 1 -> ObjectType.SHARED_MEMORY;
            case 2 -> ObjectType.EVENT;
            case 3 -> ObjectType.MUTEX;
            case 4 -> ObjectType.SEMAPHORE;
            default -> throw new IllegalArgumentException("object type code " + code + " is unknown");
        };
    }
}
