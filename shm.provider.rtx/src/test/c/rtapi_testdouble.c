/*
 * TEST DOUBLE of RTX64 / wRTOS RtApi.dll -- NOT VENDOR SOFTWARE.
 *
 * Exports the Windows-side RTAPI entry points that shm.provider.rtx binds (wide-character forms), with the
 * behaviour IntervalZero documents for calls from a Windows process, over POSIX shared memory (see
 * win32_objects_testdouble.h). Built by the test build of shm.provider.rtx with gcc into
 * target/testdouble/librtapi_testdouble.so; only the tests load it.
 *
 * Documented behaviour it follows (IntervalZero RTX64 4.x / wRTOS 1.x help, RtCreateSharedMemory,
 * RtOpenSharedMemory, RtCloseHandle, "Shared Memory Functions" behaviour page):
 *   - create of an existing shared-memory name with the same size: a handle, GetLastError = ERROR_ALREADY_EXISTS;
 *     with another size, from a Windows process: fails, ERROR_INVALID_PARAMETER;
 *   - MaximumSizeHigh must be 0; a name held by another object type fails with ERROR_INVALID_HANDLE;
 *   - open of a missing name fails (the code is undocumented; the double uses ERROR_FILE_NOT_FOUND);
 *   - the last RtCloseHandle destroys the object; a dead process's handles are closed.
 * Names: at most 256 characters (RTX64 RtApi.h RTX_MAX_OBJECT_NAME_LENGTH), no backslash.
 */
#include "win32_objects_testdouble.h"

const struct td_rules td_vendor_rules = { TD_SIZE_MUST_MATCH, 256 };

typedef void *LPSECURITY_ATTRIBUTES;

TD_EXPORT HANDLE RtCreateSharedMemoryW(DWORD flProtect, DWORD dwMaximumSizeHigh, DWORD dwMaximumSizeLow,
                                       LPCWSTR lpName, void **location) {
    return td_create_shared_memory(flProtect, dwMaximumSizeHigh, dwMaximumSizeLow, lpName, location);
}
TD_EXPORT HANDLE RtOpenSharedMemoryW(DWORD dwDesiredAccess, BOOL bInheritHandle, LPCWSTR lpName, void **location) {
    (void) bInheritHandle;
    return td_open_shared_memory(dwDesiredAccess, lpName, location);
}
TD_EXPORT BOOL RtCloseHandle(HANDLE hObject) { return td_close_handle(hObject); }
TD_EXPORT HANDLE RtCreateEventW(LPSECURITY_ATTRIBUTES sa, BOOL bManualReset, BOOL bInitialState, LPCWSTR lpName) {
    (void) sa;
    return td_create_event(bManualReset, bInitialState, lpName);
}
TD_EXPORT HANDLE RtOpenEventW(DWORD access, BOOL inherit, LPCWSTR lpName) {
    (void) access; (void) inherit;
    return td_open_event(lpName);
}
TD_EXPORT BOOL RtSetEvent(HANDLE h) { return td_set_event(h); }
TD_EXPORT BOOL RtResetEvent(HANDLE h) { return td_reset_event(h); }
#ifndef TD_OMIT_PULSE /* built once without it: the "missing symbol" test's library */
TD_EXPORT BOOL RtPulseEvent(HANDLE h) { return td_pulse_event(h); }
#endif
TD_EXPORT HANDLE RtCreateMutexW(LPSECURITY_ATTRIBUTES sa, BOOL bInitialOwner, LPCWSTR lpName) {
    (void) sa;
    return td_create_mutex(bInitialOwner, lpName);
}
TD_EXPORT HANDLE RtOpenMutexW(DWORD access, BOOL inherit, LPCWSTR lpName) {
    (void) access; (void) inherit;
    return td_open_mutex(lpName);
}
TD_EXPORT BOOL RtReleaseMutex(HANDLE h) { return td_release_mutex(h); }
TD_EXPORT HANDLE RtCreateSemaphoreW(LPSECURITY_ATTRIBUTES sa, LONG lInitialCount, LONG lMaximumCount,
                                    LPCWSTR lpName) {
    (void) sa;
    return td_create_semaphore(lInitialCount, lMaximumCount, lpName);
}
TD_EXPORT HANDLE RtOpenSemaphoreW(DWORD access, BOOL inherit, LPCWSTR lpName) {
    (void) access; (void) inherit;
    return td_open_semaphore(lpName);
}
TD_EXPORT BOOL RtReleaseSemaphore(HANDLE h, LONG lReleaseCount, LONG *lpPreviousCount) {
    return td_release_semaphore(h, lReleaseCount, lpPreviousCount);
}
TD_EXPORT DWORD RtWaitForSingleObject(HANDLE h, DWORD dwMilliseconds) { return td_wait(h, dwMilliseconds); }

/* kernel32's VirtualQuery, which the backend binds from its system library to learn an opened object's size. */
TD_EXPORT size_t VirtualQuery(const void *lpAddress, void *lpBuffer, size_t dwLength) {
    return td_virtual_query(lpAddress, lpBuffer, dwLength);
}
