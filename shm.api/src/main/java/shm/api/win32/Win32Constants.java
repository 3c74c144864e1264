package shm.api.win32;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The Win32 numbers ({@code winerror.h}, {@code winbase.h}) that RTX and iwin32 both use: {@code GetLastError} codes
 * and the results of the wait functions. One declaration per number, inherited by {@link shm.api.rtx.RtxConstants}
 * and {@link shm.api.intime.IntimeConstants}, so that code which includes both vendors' headers can
 * {@code import static} both classes and use {@code ERROR_SUCCESS} or {@code WAIT_OBJECT_0} without ambiguity (the two
 * imports name the same field). Where a vendor documents no code for a failure and the platform chose Win32's, the
 * project's behaviour table ({@code docs/behaviour.md}) says so.
 */
@ProviderType
public interface Win32Constants {

    /** {@code ERROR_SUCCESS}. */
    int ERROR_SUCCESS = 0;
    /** {@code ERROR_FILE_NOT_FOUND}: the platform's answer to an open of a missing name (RTX and iwin32 name none). */
    int ERROR_FILE_NOT_FOUND = 2;
    /** {@code ERROR_ACCESS_DENIED}. */
    int ERROR_ACCESS_DENIED = 5;
    /**
     * {@code ERROR_INVALID_HANDLE}: the name is held by an object of another type (the namespace is shared); or the
     * value is not an open handle of a type the call takes.
     */
    int ERROR_INVALID_HANDLE = 6;
    /** {@code ERROR_NOT_ENOUGH_MEMORY}: the memory (or the iwin32 pool) cannot hold the object. */
    int ERROR_NOT_ENOUGH_MEMORY = 8;
    /** {@code ERROR_GEN_FAILURE}: the platform's answer to a failure no vendor code describes (a broken store). */
    int ERROR_GEN_FAILURE = 31;
    /** {@code ERROR_INVALID_PARAMETER}: a bad argument or name. */
    int ERROR_INVALID_PARAMETER = 87;
    /** {@code ERROR_ALREADY_EXISTS}: set on success when a create found the object. */
    int ERROR_ALREADY_EXISTS = 183;
    /** {@code ERROR_NOT_OWNER}: a mutex released by a thread that does not own it. */
    int ERROR_NOT_OWNER = 288;
    /** {@code ERROR_TOO_MANY_POSTS}: a semaphore release beyond its maximum count. */
    int ERROR_TOO_MANY_POSTS = 298;
    /**
     * {@code ERROR_OPERATION_ABORTED}: the platform's answer to a wait ended by {@link Thread#interrupt()} of the
     * waiting thread ({@code WAIT_FAILED}; the thread keeps its interrupt status). Win32 has no interrupt; this is its
     * code for an operation aborted by an application request.
     */
    int ERROR_OPERATION_ABORTED = 995;

    /** {@code WAIT_OBJECT_0}: the (first signaled) object was signaled; a mutex: acquired by the calling thread. */
    int WAIT_OBJECT_0 = 0x00000000;
    /**
     * {@code WAIT_ABANDONED_0}: a mutex whose owning thread ended without releasing it was acquired (the calling
     * thread now owns it); for a wait on several objects, plus the index of that mutex.
     */
    int WAIT_ABANDONED_0 = 0x00000080;
    /** {@code WAIT_ABANDONED}: Win32's name of {@link #WAIT_ABANDONED_0}, the same value. */
    int WAIT_ABANDONED = WAIT_ABANDONED_0;
    /** {@code WAIT_TIMEOUT}: the time-out interval elapsed and the wait was not satisfied. */
    int WAIT_TIMEOUT = 0x00000102;
    /** {@code WAIT_FAILED}: the DWORD -1; the last error says why. */
    int WAIT_FAILED = 0xFFFFFFFF;
    /**
     * {@code MAXIMUM_WAIT_OBJECTS} ({@code winnt.h}): the most handles one {@code WaitForMultipleObjects} /
     * {@code RtWaitForMultipleObjects} takes; {@code nCount} of 0 or above it fails with {@code WAIT_FAILED} and
     * {@link #ERROR_INVALID_PARAMETER}.
     *
     * @since 1.1
     */
    int MAXIMUM_WAIT_OBJECTS = 64;
    /** {@code INFINITE}: a wait whose time-out interval never elapses (the DWORD 0xFFFFFFFF). */
    int INFINITE = 0xFFFFFFFF;
}
