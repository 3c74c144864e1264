package shm.api.intime;

import java.lang.foreign.MemorySegment;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

import shm.api.ShmException;

/**
 * The INtime kernel memory calls of one INtime process, one to one: allocate memory, expose a region of it through an
 * RTHANDLE (a slot of the system-wide GDT), name the handle in an object directory, and map it in another process.
 * Implemented by the INtime personality; each service is one INtime "process". Calls never throw for vendor errors.
 * Thread-safe; {@link #GetLastRtError()} is per calling thread, is set only by failures (a success does not clear
 * it), and shares its storage with {@link Iwin32SharedMemory#GetLastError()} of the same process.
 *
 * <p><b>No reference counting</b>, as the INtime documents say: {@link #DeleteRtMemoryHandle(int)} and
 * {@link #FreeRtMemory(MemorySegment)} do not check whether another process still uses the handle or the memory. A
 * deleted handle's slot is reused by later creates, so a process that kept the old value and maps it gets whatever
 * the slot names then; a mapping made before stays readable (the platform never lets a view reach freed memory), but
 * it is no longer reachable through the handle. Delete handles only when every user is done.
 *
 * <p>Everything a process created (allocations, mappings, handles, its directory and its catalog entries) is deleted
 * when the process ends: the personality instance is closed or its operating-system process dies.
 */
@ProviderType
public interface IntimeKernelMemory {

    /**
     * {@code PVOID AllocateRtMemory(DWORD cbSize)}: page-aligned memory from the process's pool, {@code cbSize}
     * rounded up to a multiple of 4 KiB. Fails with {@code E_PARAM} for 0 or more than the virtual segment,
     * {@code E_VMEM} when the virtual segment has no room left, {@code E_MEM} when the pool or the system's memory is
     * exhausted.
     *
     * @param cbSize the number of bytes, read as an unsigned DWORD
     */
    RtMemoryResult AllocateRtMemory(int cbSize);

    /**
     * {@code DWORD FreeRtMemory(PVOID pAddress)}: frees a whole block from {@link #AllocateRtMemory(int)} (returns its
     * size) or removes a mapping from {@link #MapRtSharedMemory(int)} (frees no physical memory: returns 0). Handles
     * naming the memory are not deleted and not checked. Returns {@link IntimeConstants#FREE_RT_MEMORY_FAILED} with
     * {@code E_BAD_ADDR} for a NULL pointer or {@code E_NOT_ALLOCATED} for an address that does not start a block or
     * mapping of this process.
     */
    long FreeRtMemory(MemorySegment pAddress);

    /**
     * {@code RTHANDLE CreateRtMemoryHandle(PVOID pOffset, DWORD cbSize)}: adds a GDT slot for {@code cbSize} bytes at
     * {@code pOffset}, which must lie in an allocation or a mapping of this process. Fails with {@code E_SLOT} when
     * the GDT is full, {@code E_LIMIT} at the process's object limit, {@code E_MEM} when memory runs out,
     * {@code E_PARAM} for a size of 0 or a region beyond its block, {@code E_BAD_ADDR} for a pointer outside this
     * process's memory.
     *
     * @param pOffset the start of the region (its address is used; a slice of a block is the natural form)
     * @param cbSize  the region's length, read as an unsigned DWORD
     */
    RtHandleResult CreateRtMemoryHandle(MemorySegment pOffset, int cbSize);

    /**
     * {@code BOOLEAN DeleteRtMemoryHandle(RTHANDLE hSeg)}: returns the GDT slot for reuse; the memory is not returned
     * to the pool (free it with {@link #FreeRtMemory(MemorySegment)}) and users of the handle are not checked. Fails
     * with {@code E_EXIST} for a value that names no handle, {@code E_TYPE} for a handle that is not a memory handle.
     */
    boolean DeleteRtMemoryHandle(int hSeg);

    /**
     * {@code PVOID MapRtSharedMemory(RTHANDLE hSeg)}: maps the region a memory handle names (of any process) into
     * this process; each call makes a new mapping, removed with {@link #FreeRtMemory(MemorySegment)}. Fails with
     * {@code E_EXIST} for a value that names no handle or whose memory was freed, {@code E_TYPE} for a handle that is
     * not a memory handle, {@code E_VMEM} when the virtual segment has no room left.
     */
    RtMemoryResult MapRtSharedMemory(int hSeg);

    /**
     * {@code RTHANDLE GetRtThreadHandles(BYTE bySelection)}: this process's handle ({@link IntimeConstants#THIS_PROCESS},
     * a slot of the process table, made on first use) or the root process's ({@link IntimeConstants#ROOT_PROCESS}).
     * {@link IntimeConstants#THIS_THREAD} and other values answer {@code BAD_RTHANDLE} with {@code E_PARAM}.
     */
    RtHandleResult GetRtThreadHandles(int bySelection);

    /**
     * {@code BOOLEAN CatalogRtHandle(RTHANDLE hProcess, RTHANDLE hObject, LPSTR lpszName)}: names {@code hObject} in
     * the directory of {@code hProcess} ({@code NULL_RTHANDLE}: this process; {@link IntimeTables#ROOT_PROCESS_HANDLE}:
     * the root process, seen by every process). The name is 1 to 12 bytes (UTF-8), any byte but NUL, case-sensitive.
     * Fails with {@code E_CONTEXT} when the name is taken in that directory, {@code E_PARAM} for a bad name,
     * {@code E_EXIST} for a bad handle, {@code E_TYPE} when {@code hProcess} is not a process, {@code E_LIMIT} when
     * the directory is full.
     *
     * @param hObject the handle to catalog; {@code NULL_RTHANDLE} is allowed
     */
    boolean CatalogRtHandle(int hProcess, int hObject, String lpszName);

    /**
     * {@code RTHANDLE LookupRtHandle(RTHANDLE hProcess, LPSTR lpszName, DWORD dwMilliseconds)}: the handle cataloged
     * under the name, waiting up to {@code dwMilliseconds} ({@link IntimeConstants#NO_WAIT},
     * {@link IntimeConstants#WAIT_FOREVER}) for it to be cataloged; {@code E_TIME} when it was not.
     */
    RtHandleResult LookupRtHandle(int hProcess, String lpszName, int dwMilliseconds);

    /**
     * {@code BOOLEAN UncatalogRtHandle(RTHANDLE hProcess, LPSTR lpszName)}: removes the name from the directory;
     * {@code E_CONTEXT} when it is not there.
     */
    boolean UncatalogRtHandle(int hProcess, String lpszName);

    /**
     * {@code CatalogRtHandleLong}: as {@link #CatalogRtHandle(int, int, String)} for a name of up to
     * {@link IntimeConstants#MAX_PATH} bytes including the NUL; the name is hashed to a short key, and the key is
     * what the directory holds (so two long names with the same key collide, with {@code E_CONTEXT}).
     */
    boolean CatalogRtHandleLong(int hProcess, int hObject, String lpszLongName);

    /** {@code LookupRtHandleLong}: as {@link #LookupRtHandle(int, String, int)} for a long name. */
    RtHandleResult LookupRtHandleLong(int hProcess, String lpszLongName, int dwMilliseconds);

    /** {@code UncatalogRtHandleLong}: as {@link #UncatalogRtHandle(int, String)} for a long name. */
    boolean UncatalogRtHandleLong(int hProcess, String lpszLongName);

    /** {@code GetLastRtError}: the 16-bit status the last failing call of this thread left; 0 if none failed. */
    int GetLastRtError();

    /** {@code SetLastRtError}: stores the low 16 bits of {@code status} as this thread's status. */
    void SetLastRtError(int status);

    /** The failure behind the status of the last failed call of this thread, with its message; empty if none. */
    Optional<ShmException> lastFailure();
}
