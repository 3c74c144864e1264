package shm.api.rtx;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The RTX event, mutex and semaphore calls, one to one. They share the one namespace with shared memory (a name
 * held by another type fails with {@code ERROR_INVALID_HANDLE}) and the handle table of the same RTX "process"
 * ({@link RtxSharedMemory#RtCloseHandle} closes their handles too). Where the RTX documents say nothing, the calls
 * behave as their Win32 namesakes. The security-attribute parameters of the vendor calls have no Java form.
 * Implemented by the RTX personality; thread-safe; {@link RtxSharedMemory#RtGetLastError()} reports on them.
 */
@ProviderType
public interface RtxSync {

    /**
     * {@code HANDLE RtCreateEvent(lpEventAttributes, bManualReset, bInitialState, lpName)}: the existing event of
     * that name with {@code ERROR_ALREADY_EXISTS}, or a new one.
     */
    RtxResult RtCreateEvent(boolean bManualReset, boolean bInitialState, String lpName);

    /** {@code HANDLE RtOpenEvent(dwDesiredAccess, bInheritHandle, lpName)}. */
    RtxResult RtOpenEvent(int dwDesiredAccess, boolean bInheritHandle, String lpName);

    /** {@code BOOL RtSetEvent(hEvent)}. */
    boolean RtSetEvent(long hEvent);

    /** {@code BOOL RtResetEvent(hEvent)}. */
    boolean RtResetEvent(long hEvent);

    /** {@code BOOL RtPulseEvent(hEvent)}: releases the waiters present and leaves the event non-signaled. */
    boolean RtPulseEvent(long hEvent);

    /** {@code HANDLE RtCreateMutex(lpMutexAttributes, bInitialOwner, lpName)}. */
    RtxResult RtCreateMutex(boolean bInitialOwner, String lpName);

    /** {@code HANDLE RtOpenMutex(dwDesiredAccess, bInheritHandle, lpName)}. */
    RtxResult RtOpenMutex(int dwDesiredAccess, boolean bInheritHandle, String lpName);

    /** {@code BOOL RtReleaseMutex(hMutex)}: {@code false} with {@code ERROR_NOT_OWNER} from a thread that does not own it. */
    boolean RtReleaseMutex(long hMutex);

    /** {@code HANDLE RtCreateSemaphore(lpSemaphoreAttributes, lInitialCount, lMaximumCount, lpName)}. */
    RtxResult RtCreateSemaphore(int lInitialCount, int lMaximumCount, String lpName);

    /** {@code HANDLE RtOpenSemaphore(dwDesiredAccess, bInheritHandle, lpName)}. */
    RtxResult RtOpenSemaphore(int dwDesiredAccess, boolean bInheritHandle, String lpName);

    /**
     * {@code BOOL RtReleaseSemaphore(hSemaphore, lReleaseCount, lpPreviousCount)}.
     *
     * @return the previous count, or -1 when the call failed ({@code RtGetLastError} says why; beyond the maximum it
     *         is {@code ERROR_TOO_MANY_POSTS} and the count is unchanged)
     */
    long RtReleaseSemaphore(long hSemaphore, int lReleaseCount);

    /**
     * {@code BOOL RtReleaseSemaphore(hSemaphore, lReleaseCount, lpPreviousCount)} read as C reads it: {@code true} on
     * success, with the previous count stored in {@code lpPreviousCount[0]} when it is not {@code null};
     * {@code false} on failure ({@code RtGetLastError} says why, as for {@link #RtReleaseSemaphore(long, int)}).
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
     * {@code DWORD RtWaitForSingleObject(hHandle, dwMilliseconds)} on an event, mutex or semaphore:
     * {@link RtxConstants#WAIT_OBJECT_0}, {@link RtxConstants#WAIT_ABANDONED}, {@link RtxConstants#WAIT_TIMEOUT}, or
     * {@link RtxConstants#WAIT_FAILED}; {@link RtxConstants#INFINITE} waits without a timeout.
     */
    int RtWaitForSingleObject(long hHandle, int dwMilliseconds);

    /**
     * {@code DWORD RtWaitForMultipleObjects(nCount, lpHandles, bWaitAll, dwMilliseconds)} on events, mutexes and
     * semaphores, as Win32's {@code WaitForMultipleObjects}: with {@code bWaitAll} false it returns when any object
     * is signaled, taking the one of lowest index; with {@code bWaitAll} true when all are signaled at once, taking
     * them all (it never holds some while it waits for the others). {@link RtxConstants#INFINITE} waits without a
     * timeout, 0 only tests.
     *
     * @param nCount         how many handles of {@code lpHandles} to wait on: 1 to
     *                       {@link RtxConstants#MAXIMUM_WAIT_OBJECTS}
     * @param lpHandles      the handles (at least {@code nCount}); for a wait-all each a different object
     * @param bWaitAll       wait until all are signaled (true) or any (false)
     * @param dwMilliseconds the time-out interval, read as an unsigned DWORD
     * @return {@code WAIT_OBJECT_0 + n} (wait-any: index {@code n} was signaled; wait-all: {@code WAIT_OBJECT_0}),
     *         {@code WAIT_ABANDONED_0 + n} (index {@code n} is a mutex whose owning thread ended; the calling thread now
     *         owns it, and for wait-all every other object too), {@link RtxConstants#WAIT_TIMEOUT}, or
     *         {@link RtxConstants#WAIT_FAILED} ({@code RtGetLastError}: {@code ERROR_INVALID_PARAMETER} for a count
     *         out of range, too few handles, or one object twice in a wait-all; {@code ERROR_INVALID_HANDLE} for a
     *         value that is not an open event, mutex or semaphore handle; {@code ERROR_OPERATION_ABORTED} when
     *         {@link Thread#interrupt()} ended the wait, the thread keeping its interrupt status)
     * @since 2.1
     */
    int RtWaitForMultipleObjects(int nCount, long[] lpHandles, boolean bWaitAll, int dwMilliseconds);
}
