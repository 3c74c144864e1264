package shm.api.ntx;

import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

import shm.api.ShmException;

/**
 * The NTX calls for INtime real-time shared memory of one Windows process, one to one. Implemented by the NTX
 * personality; each service is one Windows process with its own mapping cache. Calls never throw for vendor errors:
 * they return the vendor's answer. Thread-safe; {@link #ntxGetLastRtError()} is per calling thread and is set only by
 * failures (a success does not clear it), as {@code GetLastRtError} is.
 *
 * <p><b>The mapping cache</b>, as NTX documents it. A service keeps one mapping per handle:
 * <ul>
 *   <li>mapping a handle again returns the cached mapping: the same {@link NtxMapResult} and the same
 *       {@link java.lang.foreign.MemorySegment} instance, whatever thread asks;</li>
 *   <li>the first {@link #ntxUnmapRtSharedMemory(long)} invalidates that mapping for every caller at once: any later
 *       access through the segment throws {@link IllegalStateException} (never a crash); a second unmap answers
 *       {@code E_STATE};</li>
 *   <li>a read-only mapping in the cache (made by {@link #ntxMapRtSharedMemoryEx(long, int)} without
 *       {@link NtxConstants#NTX_MAP_WRITE}) makes a writable map fail with {@code E_STATE} until it is unmapped.</li>
 * </ul>
 * <b>Hazard, kept on purpose because ported code may depend on it:</b> the cache is keyed by the handle value and,
 * as the vendor warns, not checked against the INtime side on a hit. If the RT side deletes a handle that is still
 * mapped here, a map of that value returns the old mapping (of the old memory, which stays valid while mapped); if
 * the GDT slot has meanwhile been reused for other memory, the map still returns the old mapping, not the new
 * memory. Unmap every handle when done with it. A service configured strict ({@code ntx.strictCache}) checks each hit
 * against the GDT and refuses a stale one instead ({@code E_EXIST} when the handle was deleted, {@code E_STATE} when
 * its value now names other memory), at the cost of a table read per map.
 *
 * <p>When the service ends (the Windows process ends) every mapping it holds is unmapped.
 */
@ProviderType
public interface NtxSharedMemory {

    /**
     * {@code LPVOID ntxMapRtSharedMemory(NTXHANDLE hSegment)}: exactly
     * {@link #ntxMapRtSharedMemoryEx(long, int) ntxMapRtSharedMemoryEx(hSegment, NTX_MAP_WRITE)}: a writable
     * mapping of the memory area the handle names, or the cached one. Fails with {@code E_STATE} when a read-only
     * mapping of the handle is cached.
     */
    NtxMapResult ntxMapRtSharedMemory(long hSegment);

    /**
     * {@code LPVOID ntxMapRtSharedMemoryEx(NTXHANDLE hSegment, DWORD dwFlags)}: maps the memory area an
     * {@code RTHANDLE} names (through its {@code NTXHANDLE}), readable always and writable with
     * {@link NtxConstants#NTX_MAP_WRITE}; or returns the mapping cached for the handle. Statuses:
     * <ul>
     *   <li>{@code E_EXIST}: the value is not an {@code NTXHANDLE} or names no object (a deleted handle);</li>
     *   <li>{@code E_TYPE}: the handle names an object that is not an address space (a process);</li>
     *   <li>{@code E_ALIGNMENT}: the area is not page-aligned at both ends and {@link NtxConstants#NTX_MAP_UNALIGNED}
     *       was not given (also on a cache hit: a hit answers what a fresh map would, but for the pointer);</li>
     *   <li>{@code E_LOCATION}: the memory is on an RT node that does not share memory with this host;</li>
     *   <li>{@code E_STATE}: {@code NTX_MAP_WRITE} was asked while a read-only mapping is cached;</li>
     *   <li>{@code E_VMEM}: the area is larger than {@link NtxConstants#NTX_MAX_MAP_SIZE};</li>
     *   <li>{@code E_PARAM}: {@code dwFlags} has bits other than {@code NTX_MAP_WRITE} and {@code NTX_MAP_UNALIGNED};</li>
     *   <li>{@code E_NTX_INTERNAL_ERROR}: no backend is bound, or the backend failed.</li>
     * </ul>
     * A read-only request served by a cached writable mapping returns that writable mapping (the same pointer).
     *
     * @param hSegment an {@code NTXHANDLE} of an {@code RTHANDLE} made by {@code CreateRtMemoryHandle}
     * @param dwFlags  {@code NTX_MAP_WRITE} and / or {@code NTX_MAP_UNALIGNED}, or 0
     */
    NtxMapResult ntxMapRtSharedMemoryEx(long hSegment, int dwFlags);

    /**
     * {@code NTXSTATUS ntxUnmapRtSharedMemory(NTXHANDLE hSegment)}: removes the handle's mapping from the cache and
     * unmaps it, which invalidates the pointer for every caller that got it. Returns {@code E_OK}, or {@code E_STATE}
     * when the handle is not mapped by this process (also an unknown value, and a second unmap).
     */
    int ntxUnmapRtSharedMemory(long hSegment);

    /**
     * {@code NTXHANDLE ntxImportRtHandle(RTHANDLE IncomingObject, NTXHANDLE hObjectSource)}: the {@code NTXHANDLE}
     * of an {@code RTHANDLE} that arrived in data, relative to the object it came from (for example the segment that
     * stored it, or {@link #ntxGetRootRtProcess()}). Fails with {@code E_EXIST} when either handle names no object,
     * {@code E_LOCATION} when the source is memory on an RT node that does not share memory with this host (the
     * handles it holds are relative to a kernel this host cannot reach), {@code E_NTX_INTERNAL_ERROR} when no backend
     * is bound.
     *
     * @param incomingObject the 16-bit {@code RTHANDLE}
     * @param hObjectSource  an {@code NTXHANDLE}
     */
    NtxHandleResult ntxImportRtHandle(int incomingObject, long hObjectSource);

    /** {@code ntxExportRtHandle(NTXHANDLE)}: the {@code RTHANDLE} of an {@code NTXHANDLE}, {@code handle & 0xFFFF}. */
    int ntxExportRtHandle(long hObject);

    /**
     * {@code NTXHANDLE ntxGetRootRtProcess(NTX_LOCAL)}: the root process of the local RT kernel, a source for
     * {@link #ntxImportRtHandle(int, long)}. Fails with {@code E_NTX_INTERNAL_ERROR} when no backend is bound.
     */
    NtxHandleResult ntxGetRootRtProcess();

    // ------------------------------------------------------------------ names (object directories), since 1.1

    /**
     * {@code NTXSTATUS ntxCatalogNtxHandle(NTXHANDLE hProcess, NTXHANDLE hObject, LPSTR pName)}: names
     * {@code hObject} in the object directory of {@code hProcess} (the root process of
     * {@link #ntxGetRootRtProcess()}, whose directory every process sees, or another RT process), where RT processes
     * find it with {@code LookupRtHandle} and Windows processes with {@link #ntxLookupNtxHandle}. Returns
     * {@code E_OK}; {@code E_PARAM} for a name of 0 or more than 12 bytes (or holding NUL); {@code E_CONTEXT} when the
     * directory already holds the name; {@code E_EXIST} when a handle names no object; {@code E_TYPE} when
     * {@code hProcess} is not a process; {@code E_LIMIT} when the directory is full. The entry is this Windows
     * process's: it goes when the process ends (see the behaviour table).
     *
     * @since 1.1
     */
    int ntxCatalogNtxHandle(long hProcess, long hObject, String pName);

    /**
     * {@code NTXHANDLE ntxLookupNtxHandle(NTXHANDLE hRtProcess, LPSTR pName, DWORD dwMilliseconds)}: the handle
     * cataloged under {@code pName} in the directory of {@code hRtProcess}, waiting up to {@code dwMilliseconds}
     * (0 does not wait, {@code WAIT_FOREVER} / {@code INFINITE} waits until it appears; an interrupt of the waiting
     * thread ends the wait with {@code E_TIME} and keeps the thread's interrupt status). Fails with
     * {@code NTX_BAD_NTXHANDLE} and {@code E_TIME} when the name did not appear in time, {@code E_PARAM},
     * {@code E_EXIST} or {@code E_TYPE} as {@link #ntxCatalogNtxHandle}.
     *
     * @since 1.1
     */
    NtxHandleResult ntxLookupNtxHandle(long hRtProcess, String pName, int dwMilliseconds);

    /**
     * {@code NTXSTATUS ntxUncatalogNtxHandle(NTXHANDLE hProcess, NTXHANDLE hObject, LPSTR pName)} (the {@code ntx.h}
     * form): removes {@code pName} from the directory of {@code hProcess}, whoever cataloged it. {@code hObject} is
     * not used (no document says what it checks). Returns {@code E_OK}, or {@code E_CONTEXT} when the directory does
     * not hold the name, {@code E_PARAM}, {@code E_EXIST}, {@code E_TYPE} as {@link #ntxCatalogNtxHandle}.
     *
     * @since 1.1
     */
    int ntxUncatalogNtxHandle(long hProcess, long hObject, String pName);

    // ------------------------------------------------------------------ memory, since 1.1

    /**
     * {@code NTXHANDLE ntxAllocateRtMemory(NTXLOCATION hLoc, DWORD nSize)} (alias {@code ntxCreateRtSegment}):
     * allocates RT memory of {@code nSize} bytes rounded up to whole pages and a memory handle (GDT slot) covering it,
     * to be mapped with {@link #ntxMapRtSharedMemoryEx} and freed with {@link #ntxFreeRtMemory}. {@code hLoc} is
     * {@link NtxConstants#NTX_LOCAL} (this host's node) or the number of an INtime node that shares memory with this
     * host. Fails with {@code NTX_BAD_NTXHANDLE} and {@code E_PARAM} for a size of 0 or above
     * {@link NtxConstants#NTX_MAX_MAP_SIZE}, {@code E_LOCATION} for a node this host does not share memory with,
     * {@code E_MEM} when the memory cannot be had, {@code E_SLOT} when the GDT is full. The memory is this Windows
     * process's: it is freed when the process ends, if it has not been freed before.
     *
     * @since 1.1
     */
    NtxHandleResult ntxAllocateRtMemory(long hLoc, int nSize);

    /**
     * {@code NTXSTATUS ntxFreeRtMemory(NTXHANDLE hSegment)} (alias {@code ntxDeleteRtSegment}): frees memory this
     * Windows process allocated with {@link #ntxAllocateRtMemory} and deletes its handle. Returns {@code E_OK};
     * {@code E_STATE} while this process still maps it ("free the mapping before freeing the memory": nothing is
     * freed); {@code E_EXIST} when the handle names no object; {@code E_CONTEXT} for memory this process did not
     * allocate (an RT process frees its own memory).
     *
     * @since 1.1
     */
    int ntxFreeRtMemory(long hSegment);

    /**
     * {@code WORD ntxGetType(NTXHANDLE hObject)}: {@link NtxConstants#NTX_TYPE_RT_SHARED_MEMORY} for a memory handle,
     * {@link NtxConstants#NTX_TYPE_RT_PROCESS} for a process (the root process included), or
     * {@link NtxConstants#NTX_ERROR} with {@code E_EXIST} when the handle names no object.
     *
     * @since 1.1
     */
    int ntxGetType(long hObject);

    /**
     * {@code DWORD ntxGetRtSize(NTXHANDLE hObject)}: the size in bytes of the memory a memory handle covers, or
     * {@link NtxConstants#NTX_BAD_SIZE} with {@code E_TYPE} for a handle that is not a segment, {@code E_EXIST} for one
     * that names no object.
     *
     * @since 1.1
     */
    long ntxGetRtSize(long hObject);

    /** {@code ntxGetLastRtError}: the 16-bit status the last failing call of this thread left; 0 if none failed. */
    int ntxGetLastRtError();

    /** The failure behind {@link #ntxGetLastRtError()}, with its message; empty if no call of this thread failed. */
    Optional<ShmException> lastFailure();
}
