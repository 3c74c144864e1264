package shm.api.intime;

/**
 * The numbers of the INtime headers ({@code rtbase.h}, {@code iwin32.h}, {@code ntx.h}) and of Win32 that the INtime
 * shared-memory calls take and return. Where no public header gives a value, the Javadoc says so and names the
 * platform's choice, which is also recorded in the project's behaviour table.
 */
public final class IntimeConstants {

    // ------------------------------------------------------------------ INtime status codes (16-bit)

    /** {@code E_OK}: no exceptional condition. */
    public static final int E_OK = 0x0000;
    /** {@code E_TIME}: the time limit expired (a lookup that waited in vain, or could not wait). */
    public static final int E_TIME = 0x0001;
    /** {@code E_MEM}: not enough physical memory (the process pool or the system's memory is exhausted). */
    public static final int E_MEM = 0x0002;
    /** {@code E_LIMIT}: a limit would be exceeded (the process's object limit, a full object directory). */
    public static final int E_LIMIT = 0x0004;
    /** {@code E_CONTEXT}: the name is already in the object directory, or not in it. */
    public static final int E_CONTEXT = 0x0005;
    /** {@code E_EXIST}: the handle does not refer to an object. */
    public static final int E_EXIST = 0x0006;
    /** {@code E_STATE}: an illegal state transition. */
    public static final int E_STATE = 0x0007;
    /**
     * {@code E_NOT_CONFIGURED}: the kernel table's value; the platform's answer to failures no INtime status describes
     * (no backend bound, a broken store).
     */
    public static final int E_NOT_CONFIGURED = 0x0008;
    /** {@code E_SLOT}: no free slot in the GDT. */
    public static final int E_SLOT = 0x000C;
    /** {@code E_INVALID_ADDRESS}: an invalid address for a remote object. */
    public static final int E_INVALID_ADDRESS = 0x00E2;
    /** {@code E_VMEM}: not enough virtual memory left in the process's virtual segment. */
    public static final int E_VMEM = 0x00F0;
    /** {@code E_NOT_ALLOCATED}: no memory was allocated or mapped at the address. */
    public static final int E_NOT_ALLOCATED = 0x00F2;
    /** {@code E_TYPE}: the handle is of the wrong type. */
    public static final int E_TYPE = 0x8002;
    /** {@code E_PARAM}: a bad parameter (size 0 or too big, a name of length 0 or too long, ...). */
    public static final int E_PARAM = 0x8004;
    /** {@code E_PROTECTION}: the access is not allowed. */
    public static final int E_PROTECTION = 0x800D;
    /** {@code E_BAD_ADDR}: a bad pointer. */
    public static final int E_BAD_ADDR = 0x800F;
    /** {@code E_ALIGNMENT}: a segment that is not page-aligned at both ends. */
    public static final int E_ALIGNMENT = 0x80F1;
    /** {@code E_LOCATION}: the object is on a kernel that does not share memory with this host. */
    public static final int E_LOCATION = 0x8F02;

    // ------------------------------------------------------------------ Win32 codes used by iwin32 (GetLastError)

    /** {@code ERROR_SUCCESS}. */
    public static final int ERROR_SUCCESS = 0;
    /** {@code ERROR_FILE_NOT_FOUND}: the platform's answer to an open of a missing name (undocumented; Win32's). */
    public static final int ERROR_FILE_NOT_FOUND = 2;
    /** {@code ERROR_ACCESS_DENIED}. */
    public static final int ERROR_ACCESS_DENIED = 5;
    /**
     * {@code ERROR_INVALID_HANDLE}: the name is held by an object of another type (shared memory, event, mutex,
     * semaphore); or the value is not an open handle of a type the call takes.
     */
    public static final int ERROR_INVALID_HANDLE = 6;
    /** {@code ERROR_NOT_ENOUGH_MEMORY}: the iwin32 pool or the system cannot hold the object (undocumented choice). */
    public static final int ERROR_NOT_ENOUGH_MEMORY = 8;
    /** {@code ERROR_GEN_FAILURE}: the platform's answer to failures no iwin32 code describes (a broken store). */
    public static final int ERROR_GEN_FAILURE = 31;
    /** {@code ERROR_INVALID_PARAMETER}: a bad argument or name (the exact code is undocumented; Win32's choice). */
    public static final int ERROR_INVALID_PARAMETER = 87;
    /** {@code ERROR_ALREADY_EXISTS}: set on success when a create found the object. */
    public static final int ERROR_ALREADY_EXISTS = 183;
    /** {@code ERROR_NOT_OWNER}: a mutex released by a thread that does not own it (undocumented; Win32's code). */
    public static final int ERROR_NOT_OWNER = 288;
    /**
     * {@code ERROR_TOO_MANY_POSTS}: a semaphore release beyond its maximum count, which INtime documents as a failure
     * without a code (Win32's code).
     */
    public static final int ERROR_TOO_MANY_POSTS = 298;

    // ------------------------------------------------------------------ iwin32 waits (WaitForSingleObject)

    /** {@code WAIT_OBJECT_0}: the object was signaled (a mutex: acquired by the calling thread). */
    public static final int WAIT_OBJECT_0 = 0x00000000;
    /**
     * {@code WAIT_ABANDONED_0}: INtime documents "the object was deleted while waiting"; the platform also answers it,
     * as Win32 does, for a mutex whose owner ended without releasing it (the calling thread then owns it).
     */
    public static final int WAIT_ABANDONED_0 = 0x00000080;
    /** {@code WAIT_ABANDONED}: Win32's name of {@link #WAIT_ABANDONED_0}, the same value. */
    public static final int WAIT_ABANDONED = WAIT_ABANDONED_0;
    /** {@code WAIT_TIMEOUT}: the time-out interval elapsed and the object is not signaled. */
    public static final int WAIT_TIMEOUT = 0x00000102;
    /** {@code WAIT_FAILED}: the DWORD -1; {@code GetLastError} says why (an invalid handle: 6). */
    public static final int WAIT_FAILED = 0xFFFFFFFF;
    /** {@code INFINITE}: a wait whose time-out interval never elapses (the DWORD 0xFFFFFFFF). */
    public static final int INFINITE = 0xFFFFFFFF;

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
     * answers {@link #BAD_RTHANDLE} with {@link #E_PARAM}. The numeric value is not public; 0 is the platform's.
     */
    public static final int THIS_THREAD = 0;
    /** {@code GetRtThreadHandles} selection of the calling thread's process (numeric value: the platform's). */
    public static final int THIS_PROCESS = 1;
    /** {@code GetRtThreadHandles} selection of the root process (numeric value: the platform's). */
    public static final int ROOT_PROCESS = 2;

    /** {@code NO_WAIT}: a lookup that does not wait. */
    public static final int NO_WAIT = 0;
    /** {@code WAIT_FOREVER}: a lookup that waits until the name is cataloged (the DWORD 0xFFFFFFFF). */
    public static final int WAIT_FOREVER = 0xFFFFFFFF;

    // ------------------------------------------------------------------ sizes and names

    /** {@code MAX_PATH}: the longest iwin32 name in characters, and the longest long catalog name including NUL. */
    public static final int MAX_PATH = 260;
    /** The longest short catalog name, in bytes, excluding the trailing NUL. */
    public static final int CATALOG_NAME_MAX = 12;
    /** The page size: {@code AllocateRtMemory} rounds up to it, blocks start and end on it. */
    public static final int PAGE_SIZE = 4096;
    /** The unit of the iwin32 pool's {@code SegSize} setting: 4 MiB. */
    public static final long SEGSIZE_UNIT = 4L << 20;
    /** The documented default size of a process's virtual segment: 8 MiB. */
    public static final long DEFAULT_VSEG_SIZE = 8L << 20;
    /** The documented size of the GDT: "at most about 8 000 entries". */
    public static final int DEFAULT_GDT_SLOTS = 8000;

    private IntimeConstants() {
    }
}
