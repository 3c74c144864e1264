package shm.api.intime;

import shm.api.win32.Win32Constants;

/**
 * The numbers of the INtime headers ({@code rtbase.h}, {@code iwin32.h}, {@code ntx.h}) and of Win32 that the INtime
 * shared-memory calls take and return. Where no public header gives a value, the Javadoc says so and names the
 * platform's choice, which is also recorded in the project's behaviour table.
 *
 * <p>The INtime status codes ({@code E_*}) and {@code PAGE_SIZE} are declared once in {@link RtKernelConstants}, the
 * Win32 codes and wait results in {@link Win32Constants}; this class inherits both, as {@code NtxConstants} and
 * {@code RtxConstants} do, so any of them can be imported together ({@code import static ...IntimeConstants.*;}).
 */
public final class IntimeConstants implements RtKernelConstants, Win32Constants {



    // ------------------------------------------------------------------ handles and sentinels

    /** {@code NULL_RTHANDLE}: no object; as a process handle, the calling process. */
    public static final int NULL_RTHANDLE = 0x0000;
    /**
     * {@code BAD_RTHANDLE}: the failure value of calls returning an RTHANDLE. No header defines it publicly; compiled
     * INtime code compares against -1, so the 16-bit value is 0xFFFF.
     */
    public static final int BAD_RTHANDLE = 0xFFFF;
    /** iwin32 handle values start here, which tells them apart from the 16-bit RTHANDLEs. */
    public static final long IWIN32_HANDLE_BASE = 0x10000L;
    /** {@code FreeRtMemory}'s failure value: the DWORD -1. */
    public static final long FREE_RT_MEMORY_FAILED = 0xFFFFFFFFL;

    /**
     * {@code GetRtThreadHandles} selection of the calling thread. Threads are not objects of this platform: the call
     * answers {@link #BAD_RTHANDLE} with {@link RtKernelConstants#E_PARAM}. The numeric value is not public; 0 is the
     * platform's.
     */
    public static final int THIS_THREAD = 0;
    /** {@code GetRtThreadHandles} selection of the calling thread's process (numeric value: the platform's). */
    public static final int THIS_PROCESS = 1;
    /** {@code GetRtThreadHandles} selection of the root process (numeric value: the platform's). */
    public static final int ROOT_PROCESS = 2;

    // ------------------------------------------------------------------ sizes and names

    /** {@code MAX_PATH}: the longest iwin32 name in characters, and the longest long catalog name including NUL. */
    public static final int MAX_PATH = 260;
    /** The longest short catalog name, in bytes, excluding the trailing NUL. */
    public static final int CATALOG_NAME_MAX = 12;
    /** The unit of the iwin32 pool's {@code SegSize} setting: 4 MiB. */
    public static final long SEGSIZE_UNIT = 4L << 20;
    /** The documented default size of a process's virtual segment: 8 MiB. */
    public static final long DEFAULT_VSEG_SIZE = 8L << 20;
    /** The documented size of the GDT: "at most about 8 000 entries". */
    public static final int DEFAULT_GDT_SLOTS = 8000;

    private IntimeConstants() {
    }
}
