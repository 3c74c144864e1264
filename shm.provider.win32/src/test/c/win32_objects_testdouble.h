/*
 * TEST DOUBLE -- NOT VENDOR SOFTWARE.
 *
 * Shared part of the test doubles of the vendor backends (shm.provider.rtx, shm.provider.intime): a small
 * "kernel" of named Win32-style objects (shared memory, event, mutex, semaphore) over POSIX shared memory, with the
 * documented behaviour of the vendors' Windows-side entry points, so that the Java FFM bindings can be exercised
 * for real on Linux. It is not RTX64, wRTOS or INtime and says nothing about how they are implemented.
 *
 * Windows x64 types are spelled out (LLP64): DWORD and BOOL and LONG are 32 bits, HANDLE a pointer, names UTF-16LE
 * (WCHAR is 16 bits here, whatever wchar_t is on Linux). "GetLastError" is modelled by errno: every entry point
 * sets errno last, to the Win32 code the vendor documents (0 or ERROR_ALREADY_EXISTS on success), and the Java
 * binding captures errno with Linker.Option.captureCallState on Linux exactly as it captures GetLastError on Windows.
 *
 * Store: the directory named by TestDouble_SetRoot (else $SHM_TESTDOUBLE_ROOT, else /dev/shm/shm-testdouble-<uid>)
 * holds "table" (the object table, guarded by one robust process-shared mutex) and one file per object.
 */
#ifndef WIN32_OBJECTS_TESTDOUBLE_H
#define WIN32_OBJECTS_TESTDOUBLE_H

#include <stdint.h>
#include <stddef.h>

typedef uint32_t DWORD;
typedef int32_t BOOL;
typedef int32_t LONG;
typedef uint16_t WORD;
typedef uint16_t WCHAR;
typedef void *HANDLE;
typedef const WCHAR *LPCWSTR;

#define TD_EXPORT __attribute__((visibility("default")))

#define ERROR_SUCCESS 0
#define ERROR_FILE_NOT_FOUND 2
#define ERROR_PATH_NOT_FOUND 3
#define ERROR_ACCESS_DENIED 5
#define ERROR_INVALID_HANDLE 6
#define ERROR_NOT_ENOUGH_MEMORY 8
#define ERROR_INVALID_PARAMETER 87
#define ERROR_INVALID_NAME 123
#define ERROR_ALREADY_EXISTS 183
#define ERROR_TOO_MANY_POSTS 298
#define ERROR_NOT_OWNER 288

#define WAIT_OBJECT_0 0x0u
#define WAIT_ABANDONED 0x80u
#define WAIT_TIMEOUT 0x102u
#define WAIT_FAILED 0xFFFFFFFFu
#define INFINITE 0xFFFFFFFFu

enum td_type { TD_NONE = 0, TD_SHM = 1, TD_EVENT = 2, TD_MUTEX = 3, TD_SEMAPHORE = 4, TD_RT_SEGMENT = 5 };

/* How a create of an existing shared-memory name with another size behaves. */
enum td_size_rule {
    TD_SIZE_MUST_MATCH = 0, /* RTX / wRTOS from a Windows process: ERROR_INVALID_PARAMETER */
    TD_SIZE_IGNORED = 1     /* INtime iwin32: the existing object, ERROR_ALREADY_EXISTS */
};

/* Set once by each double's library: the vendor rules the shared part follows. */
struct td_rules {
    enum td_size_rule size_rule;
    int max_name_chars;     /* longer names fail with ERROR_INVALID_NAME */
};
extern const struct td_rules td_vendor_rules;

/* The Win32-style entry points, implemented once; each double exports them under the vendor's names. */
HANDLE td_create_shared_memory(DWORD protect, DWORD high, DWORD low, LPCWSTR name, void **location);
HANDLE td_open_shared_memory(DWORD access, LPCWSTR name, void **location);
BOOL td_close_handle(HANDLE h);
HANDLE td_create_event(BOOL manual, BOOL initial, LPCWSTR name);
HANDLE td_open_event(LPCWSTR name);
BOOL td_set_event(HANDLE h);
BOOL td_reset_event(HANDLE h);
BOOL td_pulse_event(HANDLE h);
HANDLE td_create_mutex(BOOL owned, LPCWSTR name);
HANDLE td_open_mutex(LPCWSTR name);
BOOL td_release_mutex(HANDLE h);
HANDLE td_create_semaphore(LONG initial, LONG maximum, LPCWSTR name);
HANDLE td_open_semaphore(LPCWSTR name);
BOOL td_release_semaphore(HANDLE h, LONG count, LONG *previous);
DWORD td_wait(HANDLE h, DWORD millis);
size_t td_virtual_query(const void *address, void *mbi, size_t length);

/* INtime RT segments (the RT side of NTX), used by the INtime double only. */
int td_rt_segment_create(const char *catalog_name, DWORD size, WORD *rt_handle);
int td_rt_segment_delete(WORD rt_handle);
int td_rt_segment_lookup(const char *catalog_name, WORD *rt_handle);
int td_rt_segment_size(WORD rt_handle, DWORD *size, uint64_t *id);
void *td_rt_segment_map(WORD rt_handle, DWORD size, uint64_t id, int writable);

TD_EXPORT void TestDouble_SetRoot(const char *root);

#endif
