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

#include "win32_rt_exports_testdouble.inc"
