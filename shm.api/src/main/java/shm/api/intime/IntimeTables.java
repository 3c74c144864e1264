package shm.api.intime;

/**
 * How the platform lays out the system-wide INtime state in a backend's shared tables
 * ({@link shm.api.spi.ShmBackend#descriptors}, {@link shm.api.spi.ShmBackend#directory()},
 * {@link shm.api.spi.ShmBackend#setPoolLimit}), so that every personality that speaks INtime (the INtime personality,
 * the NTX personality) and every process reads the same handle the same way.
 *
 * <p><b>RTHANDLE encoding.</b> An RTHANDLE is a 16-bit value shaped like an x86 segment selector: the slot number
 * plus one, shifted left by three, with bit 2 (the selector's table indicator) telling the kinds apart.
 * <ul>
 *   <li>a memory handle ({@code CreateRtMemoryHandle}) is slot {@code s} of the {@link #GDT_TABLE} table:
 *       {@code (s + 1) << 3}, so 0x0008, 0x0010, ... up to 0xFFF8 for slot {@value #MAX_GDT_SLOTS} - 1;</li>
 *   <li>a process handle is slot {@code s} of the {@link #PROCESS_TABLE} table: {@code ((s + 1) << 3) | 4}; the root
 *       process, which no process creates, is {@link #ROOT_PROCESS_HANDLE} = 0x0004.</li>
 * </ul>
 * No valid handle is 0 ({@code NULL_RTHANDLE}) or 0xFFFF ({@code BAD_RTHANDLE}); values with bit 0 or 1 set are never
 * handles.
 *
 * <p><b>iwin32 handles</b> are slot {@code s} of the {@link #IWIN32_TABLE} table plus
 * {@link IntimeConstants#IWIN32_HANDLE_BASE}: unique system-wide while the handle is open, at least 0x10000.
 *
 * <p><b>Object directories</b> are scopes of the backend's directory: the root process's directory is
 * {@link #ROOT_DIRECTORY}; the directory of a process is {@link #PROCESS_DIRECTORY_PREFIX} followed by the hexadecimal
 * {@link shm.api.spi.ObjectRef#value()} of the object its process-table slot names, which is unique for the process's
 * life and never reused. A binding's value is the cataloged RTHANDLE.
 *
 * <p><b>Region.</b> A memory handle's descriptor names the region the handle covers; its node is 0, the local node.
 * An iwin32 handle's descriptor covers its whole object: shared memory, or a named event, mutex or semaphore. The
 * handle of an unnamed event, mutex or semaphore, which no other process can open, names the one page of its creating
 * process's object instead (the object that stands for the process, below). A process's descriptor covers the one page
 * of the object that stands for the process.
 */
public final class IntimeTables {

    /** The descriptor table of memory handles: INtime's GDT. */
    public static final String GDT_TABLE = "intime.gdt";
    /** The descriptor table of INtime processes (one slot per process, naming its process object). */
    public static final String PROCESS_TABLE = "intime.process";
    /** The descriptor table of iwin32 handles. */
    public static final String IWIN32_TABLE = "intime.iwin32";
    /** The memory pool that iwin32 shared-memory objects are charged to (its limit is {@code SegSize}). */
    public static final String IWIN32_POOL = "intime.iwin32";
    /** The directory scope of the root process, shared by every process. */
    public static final String ROOT_DIRECTORY = "intime.root";
    /** The directory scope of a process: this prefix and the hexadecimal reference of its process object. */
    public static final String PROCESS_DIRECTORY_PREFIX = "intime.dir.";

    /** The most GDT slots the 16-bit encoding can name: selectors 0x0008 to 0xFFF8. */
    public static final int MAX_GDT_SLOTS = 8191;
    /** The capacity of the process table: how many INtime processes can have a handle at once. */
    public static final int PROCESS_SLOTS = 256;
    /** The handle of the root process. */
    public static final int ROOT_PROCESS_HANDLE = 0x0004;

    private static final int KIND_BITS = 0x7;
    private static final int PROCESS_BIT = 0x4;

    private IntimeTables() {
    }

    /** The RTHANDLE of GDT slot {@code slot} ({@code 0 <= slot < MAX_GDT_SLOTS}). */
    public static int memoryHandleOfSlot(int slot) {
        if (slot < 0 || slot >= MAX_GDT_SLOTS) {
            throw new IllegalArgumentException("a GDT slot is from 0 to " + (MAX_GDT_SLOTS - 1) + ": " + slot);
        }
        return (slot + 1) << 3;
    }

    /** The GDT slot an RTHANDLE names; -1 when the value is not shaped like a memory handle. */
    public static int slotOfMemoryHandle(int rtHandle) {
        if (rtHandle < 0x0008 || rtHandle > 0xFFF8 || (rtHandle & KIND_BITS) != 0) {
            return -1;
        }
        return (rtHandle >>> 3) - 1;
    }

    /** The RTHANDLE of process-table slot {@code slot} ({@code 0 <= slot < PROCESS_SLOTS}). */
    public static int processHandleOfSlot(int slot) {
        if (slot < 0 || slot >= PROCESS_SLOTS) {
            throw new IllegalArgumentException("a process slot is from 0 to " + (PROCESS_SLOTS - 1) + ": " + slot);
        }
        return ((slot + 1) << 3) | PROCESS_BIT;
    }

    /**
     * The process-table slot a process handle names; -1 for the root process and for values not shaped like a process
     * handle.
     */
    public static int slotOfProcessHandle(int rtHandle) {
        if (rtHandle <= ROOT_PROCESS_HANDLE || rtHandle > 0xFFFF || (rtHandle & KIND_BITS) != PROCESS_BIT) {
            return -1;
        }
        int slot = (rtHandle >>> 3) - 1;
        return slot < PROCESS_SLOTS ? slot : -1;
    }

    /** Whether a value is shaped like a process handle (the root process included). */
    public static boolean isProcessHandle(int rtHandle) {
        return rtHandle == ROOT_PROCESS_HANDLE || slotOfProcessHandle(rtHandle) >= 0;
    }

    /** The iwin32 handle of iwin32-table slot {@code slot}. */
    public static long iwin32HandleOfSlot(int slot) {
        if (slot < 0) {
            throw new IllegalArgumentException("an iwin32 slot is not negative: " + slot);
        }
        return IntimeConstants.IWIN32_HANDLE_BASE + slot;
    }

    /** The iwin32-table slot an iwin32 handle names; -1 when the value is below the base or beyond 24 bits. */
    public static int slotOfIwin32Handle(long handle) {
        if (handle < IntimeConstants.IWIN32_HANDLE_BASE || handle > 0xFFFFFFL) {
            return -1;
        }
        return (int) (handle - IntimeConstants.IWIN32_HANDLE_BASE);
    }

    /** The directory scope of the process whose process object has this reference value. */
    public static String processDirectory(long processObjectRef) {
        return PROCESS_DIRECTORY_PREFIX + Long.toHexString(processObjectRef);
    }
}
