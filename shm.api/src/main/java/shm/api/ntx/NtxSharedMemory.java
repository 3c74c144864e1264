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

    /** {@code ntxGetLastRtError}: the 16-bit status the last failing call of this thread left; 0 if none failed. */
    int ntxGetLastRtError();

    /** The failure behind {@link #ntxGetLastRtError()}, with its message; empty if no call of this thread failed. */
    Optional<ShmException> lastFailure();
}
