package shm.personality.intime;

import static shm.api.intime.IntimeConstants.DEFAULT_GDT_SLOTS;
import static shm.api.intime.IntimeConstants.DEFAULT_VSEG_SIZE;
import static shm.api.intime.IntimeConstants.PAGE_SIZE;
import static shm.api.intime.IntimeConstants.SEGSIZE_UNIT;

import shm.api.intime.IntimeTables;

/**
 * One INtime "process" and the node it runs on, as configured. The constructor refuses values INtime would refuse,
 * with a message naming the setting, so that a bad configuration fails the component's activation clearly.
 *
 * @param gdtSlots      slots of the system-wide GDT (memory handles); the first process to open the table fixes it;
 *                      1 to {@link IntimeTables#MAX_GDT_SLOTS}
 * @param objectLimit   the most memory handles this process can hold at once ({@code E_LIMIT} beyond), at least 1
 * @param vsegSize      this process's virtual segment in bytes: allocations and mappings together fit in it; at least
 *                      8 MiB, rounded up to a multiple of 4 MiB as the INtime loader does
 * @param poolMax       this process's memory pool in bytes ({@code E_MEM} beyond), or 0 to borrow all available
 *                      memory (INtime's "-1"); otherwise at least one page
 * @param iwin32SegSize the iwin32 memory pool shared by every process ({@code SegSize}), a positive multiple of 4 MiB
 * @param iwin32Handles slots of the system-wide iwin32 handle table; the first process to open it fixes it
 */
public record IntimeSettings(int gdtSlots, int objectLimit, long vsegSize, long poolMax, long iwin32SegSize,
                             int iwin32Handles) {

    /** The default object limit of a process: {@value}. INtime documents no default; see the behaviour table. */
    public static final int DEFAULT_OBJECT_LIMIT = 1024;
    /** The default iwin32 pool: 64 MiB. INtime documents no default; see the behaviour table. */
    public static final long DEFAULT_IWIN32_SEGSIZE = 16 * SEGSIZE_UNIT;
    /** The default size of the iwin32 handle table: {@value}. */
    public static final int DEFAULT_IWIN32_HANDLES = 4096;
    /** The most iwin32 handles the 24-bit handle values can name above 0x10000. */
    public static final int MAX_IWIN32_HANDLES = 0xFF0000;

    /** Checks every value; {@code vsegSize} is rounded up to a multiple of 4 MiB. */
    public IntimeSettings {
        if (gdtSlots < 1 || gdtSlots > IntimeTables.MAX_GDT_SLOTS) {
            throw new IllegalArgumentException("intime.gdtSlots must be from 1 to " + IntimeTables.MAX_GDT_SLOTS
                    + " (16-bit RTHANDLEs), got " + gdtSlots);
        }
        if (objectLimit < 1) {
            throw new IllegalArgumentException("intime.objectLimit must be at least 1, got " + objectLimit);
        }
        if (vsegSize < DEFAULT_VSEG_SIZE) {
            throw new IllegalArgumentException("intime.vsegSize must be at least 8 MiB (" + DEFAULT_VSEG_SIZE
                    + " bytes), as the INtime loader requires, got " + vsegSize);
        }
        vsegSize = Math.ceilDiv(vsegSize, SEGSIZE_UNIT) * SEGSIZE_UNIT;
        if (poolMax != 0 && poolMax < PAGE_SIZE) {
            throw new IllegalArgumentException("intime.poolMax must be 0 (borrow all available memory) or at least one"
                    + " page (" + PAGE_SIZE + " bytes), got " + poolMax);
        }
        if (iwin32SegSize <= 0 || iwin32SegSize % SEGSIZE_UNIT != 0) {
            throw new IllegalArgumentException("intime.iwin32SegSize must be a positive multiple of 4 MiB ("
                    + SEGSIZE_UNIT + " bytes), as INtime's SegSize is set in multiples of 4 Mbytes, got "
                    + iwin32SegSize);
        }
        if (iwin32Handles < 1 || iwin32Handles > MAX_IWIN32_HANDLES) {
            throw new IllegalArgumentException("intime.iwin32Handles must be from 1 to " + MAX_IWIN32_HANDLES
                    + " (24-bit handles from 0x10000), got " + iwin32Handles);
        }
    }

    /**
     * The defaults: the documented GDT of about 8 000 slots, the documented 8 MiB virtual segment, a pool that
     * borrows all available memory, {@value #DEFAULT_OBJECT_LIMIT} objects per process, a 64 MiB iwin32 pool and
     * {@value #DEFAULT_IWIN32_HANDLES} iwin32 handles.
     */
    public static IntimeSettings defaults() {
        return new IntimeSettings(DEFAULT_GDT_SLOTS, DEFAULT_OBJECT_LIMIT, DEFAULT_VSEG_SIZE, 0,
                DEFAULT_IWIN32_SEGSIZE, DEFAULT_IWIN32_HANDLES);
    }

    /** A copy with another GDT size. */
    public IntimeSettings withGdtSlots(int slots) {
        return new IntimeSettings(slots, objectLimit, vsegSize, poolMax, iwin32SegSize, iwin32Handles);
    }

    /** A copy with another object limit. */
    public IntimeSettings withObjectLimit(int limit) {
        return new IntimeSettings(gdtSlots, limit, vsegSize, poolMax, iwin32SegSize, iwin32Handles);
    }

    /** A copy with another virtual segment size. */
    public IntimeSettings withVsegSize(long bytes) {
        return new IntimeSettings(gdtSlots, objectLimit, bytes, poolMax, iwin32SegSize, iwin32Handles);
    }

    /** A copy with another process pool. */
    public IntimeSettings withPoolMax(long bytes) {
        return new IntimeSettings(gdtSlots, objectLimit, vsegSize, bytes, iwin32SegSize, iwin32Handles);
    }

    /** A copy with another iwin32 pool. */
    public IntimeSettings withIwin32SegSize(long bytes) {
        return new IntimeSettings(gdtSlots, objectLimit, vsegSize, poolMax, bytes, iwin32Handles);
    }

    /** A copy with another iwin32 handle table size. */
    public IntimeSettings withIwin32Handles(int handles) {
        return new IntimeSettings(gdtSlots, objectLimit, vsegSize, poolMax, iwin32SegSize, handles);
    }
}
