/*
 * TEST DOUBLE of TenAsys INtime's Windows-side libraries (iwin32x and NTX) -- NOT VENDOR SOFTWARE.
 *
 * Exports the iwin32x object entry points (wide-character forms) and the NTX calls that shm.provider.intime binds,
 * with the behaviour TenAsys documents, over POSIX shared memory (see win32_objects_testdouble.h). Built by the test
 * build of shm.provider.intime with gcc into target/testdouble/libintime_testdouble.so; only the tests load it.
 *
 * Documented behaviour it follows (support.tenasys.com 6-2 .. 7-2: RtCreateSharedMemory, RtOpenSharedMemory,
 * RtCloseHandle, ntxMapRtSharedMemory(Ex), ntxUnmapRtSharedMemory, ntxImportRtHandle, ntxLookupNtxHandle,
 * ntxGetRootRtProcess, ntxGetLastRtError, ntxGetRtSize):
 *   - iwin32: create of an existing shared-memory name ignores the size: the existing object, ERROR_ALREADY_EXISTS;
 *     names at most MAX_PATH (260), no backslash; another type's name fails with ERROR_INVALID_HANDLE;
 *   - NTX: mapping the same segment again returns the same pointer; the first unmap invalidates it; a read-only
 *     mapping blocks a read/write one (E_STATE); a segment not page-aligned at both ends needs NTX_MAP_UNALIGNED
 *     (E_ALIGNMENT); unmapping what is not mapped gives E_STATE; a bad handle E_EXIST; lookups wait up to the
 *     timeout (E_TIME, a guess: the vendor names no status);
 *   - NTXHANDLE = 0x10000 | RTHANDLE here (ntxExportRtHandle is "handle & 0xFFFF" in ntx.h 3.x).
 * The RT side (what an INtime RT process does with AllocateRtMemory, CreateRtMemoryHandle and CatalogRtHandle) is
 * played by TestDouble_RtCreateCatalogued, used by intime_rt_peer_testdouble.c, a C "RT process" of the tests.
 */
#define _GNU_SOURCE
#include "win32_objects_testdouble.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

const struct td_rules td_vendor_rules = { TD_SIZE_IGNORED, 260 };

typedef void *LPSECURITY_ATTRIBUTES;
typedef void *NTXHANDLE;
typedef WORD NTXSTATUS;
typedef WORD RTHANDLE;

#define E_OK 0x0000
#define E_TIME 0x0001
#define E_EXIST 0x0006
#define E_STATE 0x0007
#define E_TYPE 0x8002
#define E_ALIGNMENT 0x80F1
#define NTX_MAP_WRITE 0x4u
#define NTX_MAP_UNALIGNED 0x10000u
#define NTX_BAD_NTXHANDLE ((NTXHANDLE) (intptr_t) -1)
#define NTX_BAD_SIZE 0xFFFFFFFFu
#define TD_ROOT_PROCESS 0x0004u
#define TD_LOCAL 0x10000u

/* ---- iwin32x: the Win32-style objects ---- */

#include "win32_rt_exports_testdouble.inc"

/* ---- NTX ---- */

static __thread NTXSTATUS td_ntx_status;

struct td_ntx_mapping { RTHANDLE rt; void *base; DWORD size; int writable; };
#define TD_NTX_MAPPINGS 256
static struct td_ntx_mapping td_ntx_cache[TD_NTX_MAPPINGS];
static pthread_mutex_t td_ntx_lock = PTHREAD_MUTEX_INITIALIZER;

static NTXHANDLE td_ntx_fail(NTXSTATUS status) { td_ntx_status = status; return NTX_BAD_NTXHANDLE; }

static int td_rt_of(NTXHANDLE h, RTHANDLE *rt) {
    uintptr_t v = (uintptr_t) h;
    if ((v & ~(uintptr_t) 0xFFFF) != TD_LOCAL) return -1;
    *rt = (RTHANDLE) (v & 0xFFFF);
    return 0;
}

TD_EXPORT NTXSTATUS ntxGetLastRtError(void) { return td_ntx_status; }

TD_EXPORT NTXHANDLE ntxGetRootRtProcess(void) { return (NTXHANDLE) (uintptr_t) (TD_LOCAL | TD_ROOT_PROCESS); }

TD_EXPORT NTXHANDLE ntxLookupNtxHandle(NTXHANDLE hDirectory, const char *name, DWORD timeout) {
    RTHANDLE dir;
    if (td_rt_of(hDirectory, &dir) != 0 || dir != TD_ROOT_PROCESS) return td_ntx_fail(E_EXIST);
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        WORD rt;
        if (td_rt_segment_lookup(name, &rt) == 0) return (NTXHANDLE) (uintptr_t) (TD_LOCAL | rt);
        clock_gettime(CLOCK_MONOTONIC, &now);
        long elapsed = (now.tv_sec - start.tv_sec) * 1000L + (now.tv_nsec - start.tv_nsec) / 1000000L;
        if (timeout != 0xFFFFFFFFu && elapsed >= (long) timeout) return td_ntx_fail(E_TIME);
        struct timespec pause = { 0, 1000000L };
        nanosleep(&pause, NULL);
    }
}

TD_EXPORT NTXHANDLE ntxImportRtHandle(RTHANDLE incoming, NTXHANDLE hSource) {
    RTHANDLE src;
    DWORD size;
    uint64_t id;
    if (td_rt_of(hSource, &src) != 0) return td_ntx_fail(E_EXIST);
    if (src != TD_ROOT_PROCESS && td_rt_segment_size(src, &size, &id) != 0) return td_ntx_fail(E_EXIST);
    if (td_rt_segment_size(incoming, &size, &id) != 0) return td_ntx_fail(E_EXIST);
    return (NTXHANDLE) (uintptr_t) (TD_LOCAL | incoming);
}

TD_EXPORT DWORD ntxGetRtSize(NTXHANDLE h) {
    RTHANDLE rt;
    DWORD size;
    uint64_t id;
    if (td_rt_of(h, &rt) != 0) { td_ntx_status = E_EXIST; return NTX_BAD_SIZE; }
    if (rt == TD_ROOT_PROCESS) { td_ntx_status = E_TYPE; return NTX_BAD_SIZE; } /* a process has no size */
    if (td_rt_segment_size(rt, &size, &id) != 0) { td_ntx_status = E_EXIST; return NTX_BAD_SIZE; }
    return size;
}

TD_EXPORT void *ntxMapRtSharedMemoryEx(NTXHANDLE h, DWORD flags) {
    RTHANDLE rt;
    DWORD size;
    uint64_t id;
    if (td_rt_of(h, &rt) != 0) { td_ntx_status = E_EXIST; return NULL; }
    if (rt == TD_ROOT_PROCESS) { td_ntx_status = E_TYPE; return NULL; }
    if (td_rt_segment_size(rt, &size, &id) != 0) { td_ntx_status = E_EXIST; return NULL; }
    int writable = (flags & NTX_MAP_WRITE) != 0;
    pthread_mutex_lock(&td_ntx_lock);
    void *result = NULL;
    struct td_ntx_mapping *free_slot = NULL;
    for (int i = 0; i < TD_NTX_MAPPINGS; i++) {
        struct td_ntx_mapping *m = &td_ntx_cache[i];
        if (m->base != NULL && m->rt == rt) {
            if (writable && !m->writable) { td_ntx_status = E_STATE; goto out; }
            result = m->base;
            goto out;
        }
        if (m->base == NULL && free_slot == NULL) free_slot = m;
    }
    if (size % 4096u != 0 && (flags & NTX_MAP_UNALIGNED) == 0) { td_ntx_status = E_ALIGNMENT; goto out; }
    if (free_slot == NULL) { td_ntx_status = E_STATE; goto out; }
    result = td_rt_segment_map(rt, size, id, writable);
    if (result == NULL) { td_ntx_status = E_EXIST; goto out; }
    free_slot->rt = rt;
    free_slot->base = result;
    free_slot->size = size;
    free_slot->writable = writable;
out:
    pthread_mutex_unlock(&td_ntx_lock);
    return result;
}

TD_EXPORT NTXSTATUS ntxUnmapRtSharedMemory(NTXHANDLE h) {
    RTHANDLE rt;
    if (td_rt_of(h, &rt) != 0) return td_ntx_status = E_EXIST;
    pthread_mutex_lock(&td_ntx_lock);
    NTXSTATUS status = E_STATE;
    for (int i = 0; i < TD_NTX_MAPPINGS; i++) {
        struct td_ntx_mapping *m = &td_ntx_cache[i];
        if (m->base != NULL && m->rt == rt) {
            munmap(m->base, (m->size + 4095u) / 4096u * 4096u);
            memset(m, 0, sizeof *m);
            status = E_OK;
            break;
        }
    }
    pthread_mutex_unlock(&td_ntx_lock);
    if (status != E_OK) td_ntx_status = status;
    return status;
}

/* ---- the RT side, for the C "RT process" of the tests ---- */

/* AllocateRtMemory(size) + CreateRtMemoryHandle + CatalogRtHandle(root process, name): the RTHANDLE, or 0. */
TD_EXPORT RTHANDLE TestDouble_RtCreateCatalogued(const char *name, DWORD size) {
    WORD rt;
    return td_rt_segment_create(name, size, &rt) == 0 ? rt : 0;
}

/* UncatalogRtHandle + DeleteRtMemoryHandle + FreeRtMemory. */
TD_EXPORT int TestDouble_RtDelete(RTHANDLE rt) { return td_rt_segment_delete(rt); }

/* The RT process's own mapping of its segment (MapRtSharedMemory). */
TD_EXPORT void *TestDouble_RtMap(RTHANDLE rt) {
    DWORD size;
    uint64_t id;
    if (td_rt_segment_size(rt, &size, &id) != 0) return NULL;
    return td_rt_segment_map(rt, size, id, 1);
}
