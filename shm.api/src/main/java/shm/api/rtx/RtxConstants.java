package shm.api.rtx;

/**
 * The numbers of the RTX headers and of Win32 that the RTX shared-memory calls take and return. Values from
 * {@code RtApi.h}, {@code RtkApi.h}, {@code winerror.h} and {@code ntstatus.h}.
 */
public final class RtxConstants {

    /** {@code ERROR_SUCCESS}. */
    public static final int ERROR_SUCCESS = 0;
    /** {@code ERROR_FILE_NOT_FOUND}: the platform's answer to an open of a missing name (a documented guess). */
    public static final int ERROR_FILE_NOT_FOUND = 2;
    /** {@code ERROR_ACCESS_DENIED}. */
    public static final int ERROR_ACCESS_DENIED = 5;
    /** {@code ERROR_INVALID_HANDLE}: the name is held by an event, mutex or semaphore; or a bad handle. */
    public static final int ERROR_INVALID_HANDLE = 6;
    /** {@code ERROR_NOT_ENOUGH_MEMORY}: the memory cannot be allocated (a documented guess). */
    public static final int ERROR_NOT_ENOUGH_MEMORY = 8;
    /** {@code ERROR_GEN_FAILURE}: the platform's answer to a failure no RTX code describes (a broken store). */
    public static final int ERROR_GEN_FAILURE = 31;
    /** {@code ERROR_INVALID_PARAMETER}. */
    public static final int ERROR_INVALID_PARAMETER = 87;
    /** {@code ERROR_ALREADY_EXISTS}: set on success when a create found the object. */
    public static final int ERROR_ALREADY_EXISTS = 183;
    /** {@code ERROR_NOT_OWNER}: a mutex released by a thread that does not own it. */
    public static final int ERROR_NOT_OWNER = 288;
    /** {@code ERROR_TOO_MANY_POSTS}: a semaphore release beyond its maximum count. */
    public static final int ERROR_TOO_MANY_POSTS = 298;

    /** {@code WAIT_OBJECT_0}: the object was signaled (a mutex: acquired). */
    public static final int WAIT_OBJECT_0 = 0x00000000;
    /** {@code WAIT_ABANDONED}: a mutex whose owner ended without releasing it was acquired. */
    public static final int WAIT_ABANDONED = 0x00000080;
    /** {@code WAIT_TIMEOUT}. */
    public static final int WAIT_TIMEOUT = 0x00000102;
    /** {@code WAIT_FAILED}: see {@code RtGetLastError}. */
    public static final int WAIT_FAILED = 0xFFFFFFFF;
    /** {@code INFINITE}: a wait without timeout. */
    public static final int INFINITE = 0xFFFFFFFF;

    /** {@code STATUS_SUCCESS}. */
    public static final int STATUS_SUCCESS = 0x00000000;
    /** {@code STATUS_OBJECT_NAME_EXISTS}: an informational (successful) status. */
    public static final int STATUS_OBJECT_NAME_EXISTS = 0x40000000;
    /** {@code STATUS_UNSUCCESSFUL}. */
    public static final int STATUS_UNSUCCESSFUL = 0xC0000001;
    /** {@code STATUS_INVALID_HANDLE}. */
    public static final int STATUS_INVALID_HANDLE = 0xC0000008;
    /** {@code STATUS_INVALID_PARAMETER}. */
    public static final int STATUS_INVALID_PARAMETER = 0xC000000D;
    /** {@code STATUS_ACCESS_DENIED}. */
    public static final int STATUS_ACCESS_DENIED = 0xC0000022;
    /** {@code STATUS_NO_MEMORY}. */
    public static final int STATUS_NO_MEMORY = 0xC0000017;

    /** {@code SHM_MAP_READ}: a read-only view. */
    public static final int SHM_MAP_READ = 1;
    /** {@code SHM_MAP_WRITE}: a read/write view. */
    public static final int SHM_MAP_WRITE = 2;
    /** {@code SHM_MAP_ALL_ACCESS} ({@code SHM_MAP_READ | SHM_MAP_WRITE}). */
    public static final int SHM_MAP_ALL_ACCESS = 3;
    /** {@code PAGE_READONLY} (equal to {@code SHM_MAP_WRITE}: a documented collision). */
    public static final int PAGE_READONLY = 0x02;
    /** {@code PAGE_READWRITE}. */
    public static final int PAGE_READWRITE = 0x04;

    /** The longest object name, in characters, that the platform accepts by default ({@code RTX_MAX_PATH}). */
    public static final int RTX_MAX_PATH = 260;

    private RtxConstants() {
    }
}
