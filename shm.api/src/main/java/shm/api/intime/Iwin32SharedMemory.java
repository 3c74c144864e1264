package shm.api.intime;

import java.lang.foreign.MemorySegment;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

import shm.api.ShmException;

/**
 * The iwin32 shared-memory calls of one INtime process, one to one. Implemented by the INtime personality; each
 * service is one INtime "process". Calls never throw for vendor errors: they return the vendor's answer. Thread-safe;
 * {@link #GetLastError()} is per calling thread and shares its storage with
 * {@link IntimeKernelMemory#GetLastRtError()} of the same process, as in INtime.
 *
 * <p>Lifetime: every handle counts, in every process; {@code CloseHandle} of the last handle anywhere destroys the
 * object; the end of a process closes its handles. Handle values are unique system-wide (at least 0x10000) and can be
 * passed to another process, which may close them. Memory comes from the iwin32 pool, whose size ({@code SegSize}) is
 * shared by every process of the backend: a create that does not fit fails and changes nothing.
 */
@ProviderType
public interface Iwin32SharedMemory {

    /**
     * {@code HANDLE RtCreateSharedMemory(DWORD flProtect, DWORD MaximumSizeHigh, DWORD MaximumSizeLow, LPCTSTR lpName,
     * VOID **location)}: creates the object, or, when a shared-memory object of that name exists, returns a new handle
     * to it with its original size and {@code ERROR_ALREADY_EXISTS} (183), ignoring {@code MaximumSizeLow}. A name
     * held by an event, mutex or semaphore fails with {@code ERROR_INVALID_HANDLE} (6). Sets {@code GetLastError} on
     * success too (0 or 183).
     *
     * @param flProtect       ignored, as the INtime pages document
     * @param maximumSizeHigh must be 0
     * @param maximumSizeLow  the number of bytes, read as an unsigned DWORD, at least 1
     * @param lpName          at most {@link IntimeConstants#MAX_PATH} characters, no backslash, case-sensitive; or
     *                        {@code null} for an unnamed object
     */
    Iwin32Result RtCreateSharedMemory(int flProtect, int maximumSizeHigh, int maximumSizeLow, String lpName);

    /**
     * {@code HANDLE RtOpenSharedMemory(DWORD dwDesiredAccess, BOOLEAN bInheritHandle, LPCTSTR lpName,
     * VOID **location)}: a new handle to an existing object, found by its case-sensitive name. A missing name fails
     * with {@code ERROR_FILE_NOT_FOUND} (2).
     *
     * @param dwDesiredAccess ignored, as documented: the view is read/write
     * @param bInheritHandle  ignored, as documented
     * @param lpName          the name
     */
    Iwin32Result RtOpenSharedMemory(int dwDesiredAccess, boolean bInheritHandle, String lpName);

    /**
     * {@code BOOLEAN CloseHandle(HANDLE hObject)}: closes an iwin32 handle of any type (shared memory, or an event,
     * mutex or semaphore of {@link Iwin32Sync}) of this or (the value being system-wide) another process; the last
     * handle of an object destroys it. A handle of another process is closed at once, that process's hold on the
     * object included; that process drops its view at its next iwin32 call (the handle of an unnamed event, mutex or
     * semaphore: that process releases the object then, or when it ends). Returns {@code false} with
     * {@code ERROR_INVALID_HANDLE} for a value that is not an open handle.
     */
    boolean CloseHandle(long hObject);

    /** {@code RtCloseHandle}: the iwin32x name of {@link #CloseHandle(long)}, a documented alias. */
    boolean RtCloseHandle(long hObject);

    /**
     * {@code BOOLEAN RtUnmapSharedMemory(VOID *location)}: takes no action and returns {@code true}, as its own page
     * documents (it exists for compatibility; the mapping lives until its handle is closed).
     */
    boolean RtUnmapSharedMemory(MemorySegment location);

    /** {@code GetLastError}: the 32-bit status the last failing (or setting) call of this thread left. */
    int GetLastError();

    /** The failure behind the status of the last failed call of this thread, with its message; empty if none. */
    Optional<ShmException> lastFailure();
}
