package shm.api.intime;

import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

import shm.api.ShmException;

/**
 * The iwin32 event, mutex and semaphore calls of one INtime process, one to one (the {@code Rt…} names; iwin32 also
 * declares the Win32 names {@code CreateEvent}, {@code SetEvent}, … as synonyms of the same calls). Implemented by the
 * INtime personality beside {@link Iwin32SharedMemory}, for the same INtime "process". Calls never throw for vendor
 * errors: they return the vendor's answer. Where the INtime documents say nothing, the calls behave as their Win32
 * namesakes. The security-attribute parameters of the vendor calls have no Java form. Thread-safe.
 *
 * <p><b>One namespace.</b> Events, mutexes, semaphores and iwin32 shared memory share one namespace: a create or open
 * whose name another type holds fails with {@code ERROR_INVALID_HANDLE} (6) and changes nothing, in both directions.
 * Names are case-sensitive, at most {@link IntimeConstants#MAX_PATH} characters, without a backslash.
 *
 * <p><b>One handle table.</b> Handles are iwin32 handles from the same system-wide table as shared-memory handles:
 * values of at least {@link IntimeConstants#IWIN32_HANDLE_BASE}, unique system-wide while open, each create or open
 * getting its own value. {@link #CloseHandle(long)} (the same call as {@link Iwin32SharedMemory#CloseHandle(long)})
 * closes them; the last handle anywhere destroys the object; the end of a process closes its handles. The value of a
 * named object's handle can be passed to another process, which may use it in every call here and close it; the
 * value of an unnamed object's handle works only in the process that created it.
 *
 * <p><b>Status.</b> {@link #GetLastError()} is the same per-thread storage as {@link Iwin32SharedMemory#GetLastError()}
 * and {@link IntimeKernelMemory#GetLastRtError()} of the process: the creates set it on success too (0 or
 * {@code ERROR_ALREADY_EXISTS}), every other call only when it fails.
 */
@ProviderType
public interface Iwin32Sync {

    /**
     * {@code HANDLE RtCreateEvent(lpEventAttributes, ManualReset, bInitialState, lpName)}: a new event, or, when an
     * event of that name exists, a new handle to it with {@code ERROR_ALREADY_EXISTS} (183), its reset mode and state
     * kept ({@code bManualReset} and {@code bInitialState} ignored).
     *
     * @param bManualReset  stays signaled until {@link #RtResetEvent(long)} (true), or releases one wait and resets
     *                      (false)
     * @param bInitialState whether a new event starts signaled
     * @param lpName        the name, or {@code null} for an unnamed event
     */
    Iwin32Result RtCreateEvent(boolean bManualReset, boolean bInitialState, String lpName);

    /**
     * {@code HANDLE RtOpenEvent(dwDesiredAccess, bInheritHandle, lpName)}: a new handle to an existing event. A missing
     * name fails with {@code ERROR_FILE_NOT_FOUND} (2), a name of another type with {@code ERROR_INVALID_HANDLE} (6).
     *
     * @param dwDesiredAccess ignored, as documented
     * @param bInheritHandle  ignored, as documented
     * @param lpName          the name
     */
    Iwin32Result RtOpenEvent(int dwDesiredAccess, boolean bInheritHandle, String lpName);

    /**
     * {@code BOOLEAN RtSetEvent(hEvent)}: signals the event (a manual-reset event releases every wait and stays
     * signaled; an auto-reset event releases one wait, or stays signaled until one comes). Setting a signaled event is
     * not an error. {@code false} with {@code ERROR_INVALID_HANDLE} for a value that is not an open event handle.
     */
    boolean RtSetEvent(long hEvent);

    /**
     * {@code BOOLEAN RtResetEvent(hEvent)}: makes the event non-signaled (waits already released stay released); as
     * {@link #RtSetEvent(long)} for failures.
     */
    boolean RtResetEvent(long hEvent);

    /**
     * {@code BOOLEAN RtPulseEvent(hEvent)}: releases the waits present now (every one for a manual-reset event, one
     * for an auto-reset event) and leaves the event non-signaled; with no wait present it only resets. Racy by nature,
     * as in Win32: a thread that is not waiting at that moment misses the pulse.
     */
    boolean RtPulseEvent(long hEvent);

    /**
     * {@code HANDLE RtCreateMutex(lpMutexAttributes, bInitialOwner, lpName)}: a new mutex, owned by the calling thread
     * when {@code bInitialOwner} is true, or, when a mutex of that name exists, a new handle to it with
     * {@code ERROR_ALREADY_EXISTS} ({@code bInitialOwner} ignored).
     */
    Iwin32Result RtCreateMutex(boolean bInitialOwner, String lpName);

    /** {@code HANDLE RtOpenMutex(dwDesiredAccess, bInheritHandle, lpName)}: as {@link #RtOpenEvent} for a mutex. */
    Iwin32Result RtOpenMutex(int dwDesiredAccess, boolean bInheritHandle, String lpName);

    /**
     * {@code BOOLEAN RtReleaseMutex(hMutex)}: releases one level of the calling thread's ownership (a mutex is
     * recursive: one release per wait that it satisfied). {@code false} with {@code ERROR_NOT_OWNER} (288) when the
     * calling thread does not own it, {@code ERROR_INVALID_HANDLE} for a value that is not an open mutex handle.
     */
    boolean RtReleaseMutex(long hMutex);

    /**
     * {@code HANDLE RtCreateSemaphore(lpSemaphoreAttributes, lInitialCount, lMaximumCount, lpName)}: a new semaphore
     * (0 ≤ {@code lInitialCount} ≤ {@code lMaximumCount}, {@code lMaximumCount} ≥ 1, otherwise
     * {@code ERROR_INVALID_PARAMETER} (87)), or, when a semaphore of that name exists, a new handle to it with
     * {@code ERROR_ALREADY_EXISTS}, its counts kept (both counts ignored, as documented, even when out of range).
     */
    Iwin32Result RtCreateSemaphore(int lInitialCount, int lMaximumCount, String lpName);

    /**
     * {@code HANDLE RtOpenSemaphore(dwDesiredAccess, bInheritHandle, lpName)}: as {@link #RtOpenEvent} for a
     * semaphore.
     */
    Iwin32Result RtOpenSemaphore(int dwDesiredAccess, boolean bInheritHandle, String lpName);

    /**
     * {@code BOOLEAN RtReleaseSemaphore(hSemaphore, lReleaseCount, lpPreviousCount)}: adds {@code lReleaseCount} to
     * the count.
     *
     * @return the previous count (what {@code *lpPreviousCount} would receive), or -1 when the call failed (the
     *         vendor's FALSE): {@code ERROR_TOO_MANY_POSTS} (298) beyond the maximum count (the count is unchanged),
     *         {@code ERROR_INVALID_PARAMETER} for a count below 1, {@code ERROR_INVALID_HANDLE} for a value that is not
     *         an open semaphore handle
     */
    long RtReleaseSemaphore(long hSemaphore, int lReleaseCount);

    /**
     * {@code BOOLEAN RtReleaseSemaphore(hSemaphore, lReleaseCount, lpPreviousCount)} read as C reads it: {@code true} on
     * success, with the previous count stored in {@code lpPreviousCount[0]} when it is not {@code null};
     * {@code false} on failure ({@code GetLastError} says why, as for {@link #RtReleaseSemaphore(long, int)}).
     *
     * @param lpPreviousCount {@code null}, or an array of at least one element that receives the previous count
     * @since 1.1
     */
    default boolean RtReleaseSemaphore(long hSemaphore, int lReleaseCount, int[] lpPreviousCount) {
        long previous = RtReleaseSemaphore(hSemaphore, lReleaseCount);
        if (previous < 0) {
            return false;
        }
        if (lpPreviousCount != null) {
            lpPreviousCount[0] = (int) previous;
        }
        return true;
    }

    /**
     * {@code DWORD WaitForSingleObject(hHandle, dwMilliseconds)} on an event, mutex or semaphore handle, blocking in
     * the kernel until the object is signaled or the time-out interval elapses; 0 only tests,
     * {@link IntimeConstants#INFINITE} never times out.
     *
     * @param dwMilliseconds the time-out interval, read as an unsigned DWORD
     * @return {@link IntimeConstants#WAIT_OBJECT_0} (an event was signaled, a semaphore unit taken, a mutex acquired);
     *         {@link IntimeConstants#WAIT_ABANDONED_0} when the handle was closed during the wait (by another thread,
     *         another process or the end of this process), or when a mutex is acquired whose owner ended without
     *         releasing it (the calling thread owns it; the data it guards may be inconsistent);
     *         {@link IntimeConstants#WAIT_TIMEOUT}; {@link IntimeConstants#WAIT_FAILED} with
     *         {@code ERROR_INVALID_HANDLE} for a value that is not an open event, mutex or semaphore handle
     */
    int WaitForSingleObject(long hHandle, int dwMilliseconds);

    /** {@code RtWaitForSingleObject}: the documented synonym of {@link #WaitForSingleObject(long, int)}. */
    int RtWaitForSingleObject(long hHandle, int dwMilliseconds);

    /**
     * {@code DWORD WaitForMultipleObjects(nCount, lpHandles, bWaitAll, dwMilliseconds)} on event, mutex and semaphore
     * handles of any process, as Win32's: with {@code bWaitAll} false it returns when any object is signaled, taking
     * the one of lowest index; with {@code bWaitAll} true when all are signaled at once, taking them all (it never holds
     * some while it waits for the others). 0 only tests, {@link IntimeConstants#INFINITE} never times out.
     *
     * @param nCount         how many handles of {@code lpHandles} to wait on: 1 to
     *                       {@link IntimeConstants#MAXIMUM_WAIT_OBJECTS}
     * @param lpHandles      the handles (at least {@code nCount}); for a wait-all each a different object
     * @param bWaitAll       wait until all are signaled (true) or any (false)
     * @param dwMilliseconds the time-out interval, read as an unsigned DWORD
     * @return {@code WAIT_OBJECT_0 + n} (wait-any: index {@code n} was signaled; wait-all: {@code WAIT_OBJECT_0});
     *         {@code WAIT_ABANDONED_0 + n}: index {@code n} is a mutex whose owning thread ended (the calling thread now
     *         owns it, and for a wait-all every other object too), or its handle was closed during the wait (then
     *         nothing is taken); {@link IntimeConstants#WAIT_TIMEOUT}; {@link IntimeConstants#WAIT_FAILED} with
     *         {@code ERROR_INVALID_PARAMETER} for a count out of range, too few handles or one object twice in a
     *         wait-all, {@code ERROR_INVALID_HANDLE} for a value that is not an open event, mutex or semaphore handle,
     *         {@code ERROR_OPERATION_ABORTED} when {@link Thread#interrupt()} ended the wait (the thread keeps its
     *         interrupt status)
     * @since 2.1
     */
    int WaitForMultipleObjects(int nCount, long[] lpHandles, boolean bWaitAll, int dwMilliseconds);

    /** {@code RtWaitForMultipleObjects}: the synonym of {@link #WaitForMultipleObjects(int, long[], boolean, int)}. */
    int RtWaitForMultipleObjects(int nCount, long[] lpHandles, boolean bWaitAll, int dwMilliseconds);

    /**
     * {@code BOOLEAN CloseHandle(hObject)}: the same call as {@link Iwin32SharedMemory#CloseHandle(long)}, for handles
     * of every type: closes a handle of this or another process; the last handle anywhere destroys the object.
     * {@code false} with {@code ERROR_INVALID_HANDLE} for a value that is not an open handle.
     */
    boolean CloseHandle(long hObject);

    /** {@code RtCloseHandle}: the documented synonym of {@link #CloseHandle(long)}. */
    boolean RtCloseHandle(long hObject);

    /** {@code GetLastError}: the 32-bit status the last failing (or setting) call of this thread left. */
    int GetLastError();

    /** The failure behind the status of the last failed call of this thread, with its message; empty if none. */
    Optional<ShmException> lastFailure();
}
