/*
 * TEST DOUBLE -- NOT VENDOR SOFTWARE. See win32_objects_testdouble.h for what it is and why.
 *
 * One object table per store, mapped by every process that loads a double: a robust process-shared mutex guards
 * it, one condition variable wakes every waiter on any change (simple and correct for a test double; a real kernel
 * keeps wait queues per object). Handles are per-process records (HANDLE = their address); a closed handle keeps
 * its record with a dead mark so a second close fails with ERROR_INVALID_HANDLE instead of touching freed memory.
 * A process that dies loses its handles on the next table operation of any process (kill(pid, 0)).
 */
#define _GNU_SOURCE
#include "win32_objects_testdouble.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define TD_MAGIC 0x54445731u /* "TDW1" */
#define TD_MAX_OBJECTS 512
#define TD_MAX_HOLDERS 16
#define TD_NAME_BYTES 1040
#define TD_HANDLE_ALIVE 0x48414e44u
#define TD_HANDLE_DEAD 0xdeadbeefu
#define TD_PAGE 4096u

struct td_holder { int32_t pid; int32_t count; };

struct td_object {
    uint32_t type;
    uint32_t named;
    uint64_t id;
    uint64_t size;
    char name[TD_NAME_BYTES];
    struct td_holder holders[TD_MAX_HOLDERS];
    int32_t manual_reset, signaled, waiters, pulse_tokens;
    uint64_t pulse_gen;
    int32_t owner_pid, owner_tid, recursion, abandoned;
    int32_t count, max_count;
    uint16_t rt_handle;
};

struct td_table {
    uint32_t magic;
    uint32_t ready;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    uint64_t next_id;
    struct td_object objects[TD_MAX_OBJECTS];
};

struct td_handle {
    uint32_t mark;
    uint32_t type;
    int32_t index;
    uint64_t id;
    void *base;
    size_t mapped;
};

static pthread_mutex_t td_process_lock = PTHREAD_MUTEX_INITIALIZER;
static struct td_table *td_table_map;
static char td_root[4096];

static int td_tid(void) { return (int) syscall(SYS_gettid); }

TD_EXPORT void TestDouble_SetRoot(const char *root) {
    pthread_mutex_lock(&td_process_lock);
    if (td_table_map != NULL) {
        munmap(td_table_map, sizeof(struct td_table));
        td_table_map = NULL;
    }
    snprintf(td_root, sizeof td_root, "%s", root);
    pthread_mutex_unlock(&td_process_lock);
}

static const char *td_store(void) {
    if (td_root[0] == 0) {
        const char *env = getenv("SHM_TESTDOUBLE_ROOT");
        if (env != NULL && env[0] != 0) {
            snprintf(td_root, sizeof td_root, "%s", env);
        } else {
            snprintf(td_root, sizeof td_root, "/dev/shm/shm-testdouble-%u", (unsigned) getuid());
        }
    }
    return td_root;
}

static int td_mkdirs(const char *path) {
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p == '/') {
            *p = 0;
            if (mkdir(buf, 0700) != 0 && errno != EEXIST) return -1;
            *p = '/';
        }
    }
    return mkdir(buf, 0700) != 0 && errno != EEXIST ? -1 : 0;
}

/* Maps the table, initialising it under an flock when this process is the first. */
static struct td_table *td_table(void) {
    pthread_mutex_lock(&td_process_lock);
    if (td_table_map == NULL) {
        const char *root = td_store();
        char path[4200];
        snprintf(path, sizeof path, "%s/table", root);
        if (td_mkdirs(root) == 0) {
            int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
            if (fd >= 0) {
                flock(fd, LOCK_EX);
                struct stat st;
                int fresh = fstat(fd, &st) == 0 && st.st_size == 0;
                if (!fresh || ftruncate(fd, sizeof(struct td_table)) == 0) {
                    void *m = mmap(NULL, sizeof(struct td_table), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
                    if (m != MAP_FAILED) {
                        struct td_table *t = m;
                        if (fresh) {
                            pthread_mutexattr_t ma;
                            pthread_mutexattr_init(&ma);
                            pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
                            pthread_mutexattr_setrobust(&ma, PTHREAD_MUTEX_ROBUST);
                            pthread_mutex_init(&t->lock, &ma);
                            pthread_condattr_t ca;
                            pthread_condattr_init(&ca);
                            pthread_condattr_setpshared(&ca, PTHREAD_PROCESS_SHARED);
                            pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
                            pthread_cond_init(&t->changed, &ca);
                            t->next_id = 1;
                            t->magic = TD_MAGIC;
                            t->ready = 1;
                        }
                        if (t->magic == TD_MAGIC) td_table_map = t; else munmap(m, sizeof(struct td_table));
                    }
                }
                flock(fd, LOCK_UN);
                close(fd);
            }
        }
    }
    struct td_table *t = td_table_map;
    pthread_mutex_unlock(&td_process_lock);
    return t;
}

static void td_object_path(uint64_t id, char *out, size_t n) {
    snprintf(out, n, "%s/obj-%llu", td_store(), (unsigned long long) id);
}

static int td_alive(int pid) { return pid == getpid() || kill(pid, 0) == 0 || errno != ESRCH; }

static void td_destroy(struct td_object *o) {
    if (o->type == TD_SHM || o->type == TD_RT_SEGMENT) {
        char path[4200];
        td_object_path(o->id, path, sizeof path);
        unlink(path);
    }
    memset(o, 0, sizeof *o);
}

static int td_holders(const struct td_object *o) {
    int n = 0;
    for (int i = 0; i < TD_MAX_HOLDERS; i++) n += o->holders[i].count;
    return n;
}

/* Releases the handles of dead processes; an object without handles is destroyed (RT segments are not counted). */
static void td_reap(struct td_table *t) {
    for (int i = 0; i < TD_MAX_OBJECTS; i++) {
        struct td_object *o = &t->objects[i];
        if (o->type == TD_NONE || o->type == TD_RT_SEGMENT) continue;
        int changed = 0;
        for (int h = 0; h < TD_MAX_HOLDERS; h++) {
            if (o->holders[h].count > 0 && !td_alive(o->holders[h].pid)) {
                o->holders[h].count = 0;
                o->holders[h].pid = 0;
                changed = 1;
            }
        }
        if (o->type == TD_MUTEX && o->owner_pid != 0 && !td_alive(o->owner_pid)) {
            o->owner_pid = 0; o->owner_tid = 0; o->recursion = 0; o->abandoned = 1;
            changed = 1;
        }
        if (changed && td_holders(o) == 0) td_destroy(o);
        if (changed) pthread_cond_broadcast(&t->changed);
    }
}

static int td_lock(struct td_table *t) {
    int rc = pthread_mutex_lock(&t->lock);
    if (rc == EOWNERDEAD) { pthread_mutex_consistent(&t->lock); rc = 0; }
    if (rc == 0) td_reap(t);
    return rc;
}

static void td_unlock(struct td_table *t) { pthread_mutex_unlock(&t->lock); }

/* UTF-16LE to UTF-8; -1 on a lone surrogate or overflow. */
static int td_utf8(LPCWSTR in, char *out, size_t cap, int *chars) {
    size_t o = 0;
    int n = 0;
    for (size_t i = 0; in[i] != 0; i++, n++) {
        uint32_t c = in[i];
        if (c >= 0xD800 && c <= 0xDBFF) {
            if (in[i + 1] < 0xDC00 || in[i + 1] > 0xDFFF) return -1;
            c = 0x10000 + ((c - 0xD800) << 10) + (in[i + 1] - 0xDC00);
            i++;
        } else if (c >= 0xDC00 && c <= 0xDFFF) {
            return -1;
        }
        unsigned char b[4];
        size_t len = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
        if (len == 1) b[0] = (unsigned char) c;
        else if (len == 2) { b[0] = 0xC0 | (c >> 6); b[1] = 0x80 | (c & 0x3F); }
        else if (len == 3) { b[0] = 0xE0 | (c >> 12); b[1] = 0x80 | ((c >> 6) & 0x3F); b[2] = 0x80 | (c & 0x3F); }
        else { b[0] = 0xF0 | (c >> 18); b[1] = 0x80 | ((c >> 12) & 0x3F); b[2] = 0x80 | ((c >> 6) & 0x3F);
               b[3] = 0x80 | (c & 0x3F); }
        if (o + len >= cap) return -1;
        memcpy(out + o, b, len);
        o += len;
    }
    out[o] = 0;
    *chars = n;
    return 0;
}

/* Checks a name: 0 and the UTF-8 form, or a Win32 error. NULL means unnamed. */
static DWORD td_name(LPCWSTR name, char *out) {
    if (name == NULL) { out[0] = 0; return 0; }
    int chars;
    if (td_utf8(name, out, TD_NAME_BYTES, &chars) != 0) return ERROR_INVALID_NAME;
    if (chars == 0 || chars > td_vendor_rules.max_name_chars || strchr(out, '\\') != NULL) return ERROR_INVALID_NAME;
    return 0;
}

static struct td_object *td_find(struct td_table *t, const char *name) {
    for (int i = 0; i < TD_MAX_OBJECTS; i++) {
        struct td_object *o = &t->objects[i];
        if (o->type != TD_NONE && o->type != TD_RT_SEGMENT && o->named && strcmp(o->name, name) == 0) return o;
    }
    return NULL;
}

static struct td_object *td_free_slot(struct td_table *t) {
    for (int i = 0; i < TD_MAX_OBJECTS; i++) if (t->objects[i].type == TD_NONE) return &t->objects[i];
    return NULL;
}

static int td_hold(struct td_object *o) {
    int pid = getpid();
    for (int i = 0; i < TD_MAX_HOLDERS; i++) if (o->holders[i].pid == pid && o->holders[i].count > 0) {
        o->holders[i].count++; return 0;
    }
    for (int i = 0; i < TD_MAX_HOLDERS; i++) if (o->holders[i].count == 0) {
        o->holders[i].pid = pid; o->holders[i].count = 1; return 0;
    }
    return -1;
}

static void td_unhold(struct td_object *o) {
    int pid = getpid();
    for (int i = 0; i < TD_MAX_HOLDERS; i++) if (o->holders[i].pid == pid && o->holders[i].count > 0) {
        if (--o->holders[i].count == 0) o->holders[i].pid = 0;
        return;
    }
}

static void *td_map(uint64_t id, size_t size, int writable, size_t *mapped) {
    char path[4200];
    td_object_path(id, path, sizeof path);
    int fd = open(path, writable ? O_RDWR | O_CLOEXEC : O_RDONLY | O_CLOEXEC);
    if (fd < 0) return NULL;
    size_t len = (size + TD_PAGE - 1) / TD_PAGE * TD_PAGE;
    void *m = mmap(NULL, len, writable ? PROT_READ | PROT_WRITE : PROT_READ, MAP_SHARED, fd, 0);
    close(fd);
    if (m == MAP_FAILED) return NULL;
    *mapped = len;
    return m;
}

static HANDLE td_new_handle(struct td_table *t, struct td_object *o, void *base, size_t mapped) {
    struct td_handle *h = calloc(1, sizeof *h);
    if (h == NULL) return NULL;
    h->mark = TD_HANDLE_ALIVE;
    h->type = o->type;
    h->index = (int32_t) (o - t->objects);
    h->id = o->id;
    h->base = base;
    h->mapped = mapped;
    return h;
}

/* The live object of a handle, or NULL (ERROR_INVALID_HANDLE). */
static struct td_object *td_object_of(struct td_table *t, HANDLE handle, uint32_t type) {
    struct td_handle *h = handle;
    if (h == NULL || h->mark != TD_HANDLE_ALIVE || (type != TD_NONE && h->type != type)) return NULL;
    struct td_object *o = &t->objects[h->index];
    return o->id == h->id && o->type == h->type ? o : NULL;
}

#define TD_FAIL(code) do { errno = (code); return NULL; } while (0)

static HANDLE td_create(uint32_t type, LPCWSTR name, uint64_t size, DWORD *status, void **location,
                        void (*init)(struct td_object *, const void *), const void *arg, int same_size) {
    char utf8[TD_NAME_BYTES];
    DWORD bad = td_name(name, utf8);
    if (bad != 0) { *status = bad; return NULL; }
    struct td_table *t = td_table();
    if (t == NULL || td_lock(t) != 0) { *status = ERROR_ACCESS_DENIED; return NULL; }
    struct td_object *o = name == NULL ? NULL : td_find(t, utf8);
    HANDLE result = NULL;
    if (o != NULL) {
        if (o->type != type) { *status = ERROR_INVALID_HANDLE; goto out; }
        if (type == TD_SHM && same_size && o->size != size) { *status = ERROR_INVALID_PARAMETER; goto out; }
        void *base = NULL;
        size_t mapped = 0;
        if (type == TD_SHM && (base = td_map(o->id, o->size, 1, &mapped)) == NULL) { *status = ERROR_NOT_ENOUGH_MEMORY; goto out; }
        if (td_hold(o) != 0 || (result = td_new_handle(t, o, base, mapped)) == NULL) {
            if (base) munmap(base, mapped);
            *status = ERROR_NOT_ENOUGH_MEMORY; goto out;
        }
        if (location) *location = base;
        *status = ERROR_ALREADY_EXISTS;
        goto out;
    }
    o = td_free_slot(t);
    if (o == NULL) { *status = ERROR_NOT_ENOUGH_MEMORY; goto out; }
    memset(o, 0, sizeof *o);
    o->id = t->next_id++;
    o->size = size;
    o->named = name != NULL;
    strcpy(o->name, utf8);
    void *base = NULL;
    size_t mapped = 0;
    if (type == TD_SHM) {
        char path[4200];
        td_object_path(o->id, path, sizeof path);
        int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0) { memset(o, 0, sizeof *o); *status = ERROR_ACCESS_DENIED; goto out; }
        /* Sparse (ftruncate): a test double should not pin RAM for the tests' 2 GiB objects. */
        int rc = ftruncate(fd, (off_t) size);
        close(fd);
        if (rc != 0 || (base = td_map(o->id, size, 1, &mapped)) == NULL) {
            unlink(path); memset(o, 0, sizeof *o); *status = ERROR_NOT_ENOUGH_MEMORY; goto out;
        }
    }
    o->type = type;
    if (init) init(o, arg);
    td_hold(o);
    result = td_new_handle(t, o, base, mapped);
    if (result == NULL) { td_destroy(o); if (base) munmap(base, mapped); *status = ERROR_NOT_ENOUGH_MEMORY; goto out; }
    if (location) *location = base;
    *status = 0;
out:
    td_unlock(t);
    return result;
}

static HANDLE td_open(uint32_t type, LPCWSTR name, int writable, DWORD *status, void **location) {
    char utf8[TD_NAME_BYTES];
    if (name == NULL) { *status = ERROR_INVALID_PARAMETER; return NULL; }
    DWORD bad = td_name(name, utf8);
    if (bad != 0) { *status = bad; return NULL; }
    struct td_table *t = td_table();
    if (t == NULL || td_lock(t) != 0) { *status = ERROR_ACCESS_DENIED; return NULL; }
    HANDLE result = NULL;
    struct td_object *o = td_find(t, utf8);
    if (o == NULL) { *status = ERROR_FILE_NOT_FOUND; goto out; }
    if (o->type != type) { *status = ERROR_INVALID_HANDLE; goto out; }
    void *base = NULL;
    size_t mapped = 0;
    if (type == TD_SHM && (base = td_map(o->id, o->size, writable, &mapped)) == NULL) { *status = ERROR_NOT_ENOUGH_MEMORY; goto out; }
    if (td_hold(o) != 0 || (result = td_new_handle(t, o, base, mapped)) == NULL) {
        if (base) munmap(base, mapped);
        *status = ERROR_NOT_ENOUGH_MEMORY; goto out;
    }
    if (location) *location = base;
    *status = 0;
out:
    td_unlock(t);
    return result;
}

/* What the last create of this process received, for the tests of the size High/Low split. */
static DWORD td_last_high, td_last_low, td_last_protect;

TD_EXPORT void TestDouble_LastCreate(DWORD *protect, DWORD *high, DWORD *low) {
    *protect = td_last_protect;
    *high = td_last_high;
    *low = td_last_low;
}

/* The UTF-8 name the double stored for a handle's object: the tests check the UTF-16 marshalling with it. */
TD_EXPORT int TestDouble_NameOf(HANDLE handle, char *out, size_t cap) {
    struct td_table *t = td_table();
    if (t == NULL || td_lock(t) != 0) return -1;
    struct td_object *o = td_object_of(t, handle, TD_NONE);
    int rc = -1;
    if (o != NULL && strlen(o->name) < cap) { strcpy(out, o->name); rc = (int) strlen(o->name); }
    td_unlock(t);
    return rc;
}

/* How many handles all live processes hold to the named object (-1: no such object). */
TD_EXPORT int TestDouble_HandleCount(const char *utf8name) {
    struct td_table *t = td_table();
    if (t == NULL || td_lock(t) != 0) return -1;
    struct td_object *o = td_find(t, utf8name);
    int n = o == NULL ? -1 : td_holders(o);
    td_unlock(t);
    return n;
}

HANDLE td_create_shared_memory(DWORD protect, DWORD high, DWORD low, LPCWSTR name, void **location) {
    td_last_protect = protect; /* otherwise ignored, as RTSS and iwin32 document */
    td_last_high = high;
    td_last_low = low;
    DWORD status;
    if (location == NULL || high != 0 || low == 0) TD_FAIL(ERROR_INVALID_PARAMETER);
    HANDLE h = td_create(TD_SHM, name, low, &status, location, NULL, NULL,
                         td_vendor_rules.size_rule == TD_SIZE_MUST_MATCH);
    errno = (int) status;
    return h;
}

HANDLE td_open_shared_memory(DWORD access, LPCWSTR name, void **location) {
    DWORD status;
    if (location == NULL) TD_FAIL(ERROR_INVALID_PARAMETER);
    /* SHM_MAP_READ (1) alone maps read-only; anything with SHM_MAP_WRITE (2) maps read-write. */
    HANDLE h = td_open(TD_SHM, name, (access & 2u) != 0 || access == 0, &status, location);
    errno = (int) status;
    return h;
}

BOOL td_close_handle(HANDLE handle) {
    struct td_table *t = td_table();
    if (t == NULL || td_lock(t) != 0) { errno = ERROR_ACCESS_DENIED; return 0; }
    struct td_object *o = td_object_of(t, handle, TD_NONE);
    if (o == NULL) { td_unlock(t); errno = ERROR_INVALID_HANDLE; return 0; }
    struct td_handle *h = handle;
    if (o->type == TD_MUTEX && o->owner_pid == getpid() && o->owner_tid == td_tid()) {
        /* Win32 keeps a closed handle's ownership; the double abandons it, as a thread exit would. */
    }
    if (h->base != NULL) munmap(h->base, h->mapped);
    h->mark = TD_HANDLE_DEAD;
    td_unhold(o);
    if (td_holders(o) == 0) td_destroy(o);
    pthread_cond_broadcast(&t->changed);
    td_unlock(t);
    errno = 0;
    return 1;
}

struct td_event_init { BOOL manual, initial; };
static void td_init_event(struct td_object *o, const void *arg) {
    const struct td_event_init *e = arg;
    o->manual_reset = e->manual != 0;
    o->signaled = e->initial != 0;
}
static void td_init_mutex(struct td_object *o, const void *arg) {
    if (*(const BOOL *) arg) { o->owner_pid = getpid(); o->owner_tid = td_tid(); o->recursion = 1; }
}
struct td_sem_init { LONG initial, maximum; };
static void td_init_semaphore(struct td_object *o, const void *arg) {
    const struct td_sem_init *s = arg;
    o->count = s->initial;
    o->max_count = s->maximum;
}

HANDLE td_create_event(BOOL manual, BOOL initial, LPCWSTR name) {
    DWORD status;
    struct td_event_init init = { manual, initial };
    HANDLE h = td_create(TD_EVENT, name, 0, &status, NULL, td_init_event, &init, 0);
    errno = (int) status;
    return h;
}

HANDLE td_open_event(LPCWSTR name) { DWORD s; HANDLE h = td_open(TD_EVENT, name, 1, &s, NULL); errno = (int) s; return h; }

static BOOL td_event_op(HANDLE handle, int op) {
    struct td_table *t = td_table();
    if (t == NULL || td_lock(t) != 0) { errno = ERROR_ACCESS_DENIED; return 0; }
    struct td_object *o = td_object_of(t, handle, TD_EVENT);
    if (o == NULL) { td_unlock(t); errno = ERROR_INVALID_HANDLE; return 0; }
    if (op == 0) o->signaled = 1;
    else if (op == 1) o->signaled = 0;
    else {
        /* PulseEvent: release the waiters present now (one for auto reset), leave it non-signaled. */
        if (o->waiters > 0) { o->pulse_gen++; o->pulse_tokens = o->manual_reset ? o->waiters : 1; }
        o->signaled = 0;
    }
    pthread_cond_broadcast(&t->changed);
    td_unlock(t);
    errno = 0;
    return 1;
}
BOOL td_set_event(HANDLE h) { return td_event_op(h, 0); }
BOOL td_reset_event(HANDLE h) { return td_event_op(h, 1); }
BOOL td_pulse_event(HANDLE h) { return td_event_op(h, 2); }

HANDLE td_create_mutex(BOOL owned, LPCWSTR name) {
    DWORD status;
    HANDLE h = td_create(TD_MUTEX, name, 0, &status, NULL, td_init_mutex, &owned, 0);
    errno = (int) status;
    return h;
}
HANDLE td_open_mutex(LPCWSTR name) { DWORD s; HANDLE h = td_open(TD_MUTEX, name, 1, &s, NULL); errno = (int) s; return h; }

BOOL td_release_mutex(HANDLE handle) {
    struct td_table *t = td_table();
    if (t == NULL || td_lock(t) != 0) { errno = ERROR_ACCESS_DENIED; return 0; }
    struct td_object *o = td_object_of(t, handle, TD_MUTEX);
    if (o == NULL) { td_unlock(t); errno = ERROR_INVALID_HANDLE; return 0; }
    if (o->owner_pid != getpid() || o->owner_tid != td_tid()) { td_unlock(t); errno = ERROR_NOT_OWNER; return 0; }
    if (--o->recursion == 0) { o->owner_pid = 0; o->owner_tid = 0; pthread_cond_broadcast(&t->changed); }
    td_unlock(t);
    errno = 0;
    return 1;
}

HANDLE td_create_semaphore(LONG initial, LONG maximum, LPCWSTR name) {
    if (maximum < 1 || initial < 0 || initial > maximum) TD_FAIL(ERROR_INVALID_PARAMETER);
    DWORD status;
    struct td_sem_init init = { initial, maximum };
    HANDLE h = td_create(TD_SEMAPHORE, name, 0, &status, NULL, td_init_semaphore, &init, 0);
    errno = (int) status;
    return h;
}
HANDLE td_open_semaphore(LPCWSTR name) { DWORD s; HANDLE h = td_open(TD_SEMAPHORE, name, 1, &s, NULL); errno = (int) s; return h; }

BOOL td_release_semaphore(HANDLE handle, LONG count, LONG *previous) {
    struct td_table *t = td_table();
    if (t == NULL || td_lock(t) != 0) { errno = ERROR_ACCESS_DENIED; return 0; }
    struct td_object *o = td_object_of(t, handle, TD_SEMAPHORE);
    if (o == NULL) { td_unlock(t); errno = ERROR_INVALID_HANDLE; return 0; }
    if (count < 1) { td_unlock(t); errno = ERROR_INVALID_PARAMETER; return 0; }
    if ((int64_t) o->count + count > o->max_count) { td_unlock(t); errno = ERROR_TOO_MANY_POSTS; return 0; }
    if (previous) *previous = o->count;
    o->count += count;
    pthread_cond_broadcast(&t->changed);
    td_unlock(t);
    errno = 0;
    return 1;
}

/* Takes the object if it is signaled now: WAIT_OBJECT_0 / WAIT_ABANDONED, or WAIT_TIMEOUT when not. */
static DWORD td_try(struct td_object *o, uint64_t gen) {
    switch (o->type) {
    case TD_EVENT:
        if (o->signaled) { if (!o->manual_reset) o->signaled = 0; return WAIT_OBJECT_0; }
        if (o->pulse_gen != gen && o->pulse_tokens > 0) { o->pulse_tokens--; return WAIT_OBJECT_0; }
        return WAIT_TIMEOUT;
    case TD_MUTEX:
        if (o->owner_pid == getpid() && o->owner_tid == td_tid()) { o->recursion++; return WAIT_OBJECT_0; }
        if (o->owner_pid == 0) {
            o->owner_pid = getpid(); o->owner_tid = td_tid(); o->recursion = 1;
            if (o->abandoned) { o->abandoned = 0; return WAIT_ABANDONED; }
            return WAIT_OBJECT_0;
        }
        return WAIT_TIMEOUT;
    case TD_SEMAPHORE:
        if (o->count > 0) { o->count--; return WAIT_OBJECT_0; }
        return WAIT_TIMEOUT;
    default:
        return WAIT_FAILED;
    }
}

DWORD td_wait(HANDLE handle, DWORD millis) {
    struct td_table *t = td_table();
    if (t == NULL || td_lock(t) != 0) { errno = ERROR_ACCESS_DENIED; return WAIT_FAILED; }
    struct td_object *o = td_object_of(t, handle, TD_NONE);
    if (o == NULL || o->type == TD_SHM) { td_unlock(t); errno = ERROR_INVALID_HANDLE; return WAIT_FAILED; }
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += millis / 1000;
    deadline.tv_nsec += (long) (millis % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) { deadline.tv_sec++; deadline.tv_nsec -= 1000000000L; }
    uint64_t gen = o->pulse_gen;
    DWORD result = td_try(o, gen);
    if (o->type == TD_EVENT) o->waiters++;
    while (result == WAIT_TIMEOUT && millis != 0) {
        int rc = millis == INFINITE ? pthread_cond_wait(&t->changed, &t->lock)
                                    : pthread_cond_timedwait(&t->changed, &t->lock, &deadline);
        if (rc == EOWNERDEAD) pthread_mutex_consistent(&t->lock);
        td_reap(t);
        if (td_object_of(t, handle, TD_NONE) != o) { result = WAIT_FAILED; break; }
        result = td_try(o, gen);
        if (rc == ETIMEDOUT) break;
    }
    if (o->type == TD_EVENT && td_object_of(t, handle, TD_NONE) == o) {
        o->waiters--;
        if (o->waiters == 0) o->pulse_tokens = 0;
    }
    td_unlock(t);
    errno = result == WAIT_FAILED ? ERROR_INVALID_HANDLE : 0;
    return result;
}

/* kernel32 VirtualQuery over the mappings the double made: MEMORY_BASIC_INFORMATION of Windows x64 (48 bytes). */
size_t td_virtual_query(const void *address, void *mbi, size_t length) {
    if (mbi == NULL || length < 48) { errno = ERROR_INVALID_PARAMETER; return 0; }
    FILE *maps = fopen("/proc/self/maps", "r");
    if (maps == NULL) { errno = ERROR_INVALID_PARAMETER; return 0; }
    char line[512];
    uintptr_t a = (uintptr_t) address;
    size_t found = 0;
    while (fgets(line, sizeof line, maps)) {
        unsigned long lo, hi;
        if (sscanf(line, "%lx-%lx", &lo, &hi) == 2 && a >= lo && a < hi) {
            unsigned char *m = mbi;
            memset(m, 0, 48);
            uint64_t base = lo, region = hi - lo;
            uint32_t committed = 0x1000, readwrite = 0x04, mapped = 0x40000;
            memcpy(m + 0, &base, 8);
            memcpy(m + 8, &base, 8);
            memcpy(m + 16, &readwrite, 4);
            memcpy(m + 24, &region, 8);
            memcpy(m + 32, &committed, 4);
            memcpy(m + 36, &readwrite, 4);
            memcpy(m + 40, &mapped, 4);
            found = 48;
            break;
        }
    }
    fclose(maps);
    errno = found ? 0 : ERROR_INVALID_PARAMETER;
    return found;
}

/* ---- INtime RT segments: what an RT process makes with AllocateRtMemory + CreateRtMemoryHandle + Catalog. ---- */

#define TD_RT_BASE 0x0100u

int td_rt_segment_create(const char *catalog_name, DWORD size, WORD *rt_handle) {
    struct td_table *t = td_table();
    if (t == NULL || td_lock(t) != 0) return -1;
    int rc = -1;
    for (int i = 0; i < TD_MAX_OBJECTS; i++) {
        struct td_object *o = &t->objects[i];
        if (o->type == TD_RT_SEGMENT && strcmp(o->name, catalog_name) == 0) goto out; /* E_CONTEXT */
    }
    struct td_object *o = td_free_slot(t);
    if (o == NULL) goto out;
    memset(o, 0, sizeof *o);
    o->id = t->next_id++;
    o->size = size;
    snprintf(o->name, TD_NAME_BYTES, "%s", catalog_name);
    char path[4200];
    td_object_path(o->id, path, sizeof path);
    int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) { memset(o, 0, sizeof *o); goto out; }
    int bad = ftruncate(fd, (off_t) ((size + TD_PAGE - 1) / TD_PAGE * TD_PAGE));
    close(fd);
    if (bad) { unlink(path); memset(o, 0, sizeof *o); goto out; }
    o->type = TD_RT_SEGMENT;
    o->rt_handle = (uint16_t) (TD_RT_BASE + (o - t->objects) * 8);
    *rt_handle = o->rt_handle;
    rc = 0;
out:
    td_unlock(t);
    return rc;
}

static struct td_object *td_rt(struct td_table *t, WORD rt_handle) {
    for (int i = 0; i < TD_MAX_OBJECTS; i++) {
        struct td_object *o = &t->objects[i];
        if (o->type == TD_RT_SEGMENT && o->rt_handle == rt_handle) return o;
    }
    return NULL;
}

int td_rt_segment_delete(WORD rt_handle) {
    struct td_table *t = td_table();
    if (t == NULL || td_lock(t) != 0) return -1;
    struct td_object *o = td_rt(t, rt_handle);
    if (o != NULL) td_destroy(o);
    td_unlock(t);
    return o != NULL ? 0 : -1;
}

int td_rt_segment_lookup(const char *catalog_name, WORD *rt_handle) {
    struct td_table *t = td_table();
    if (t == NULL || td_lock(t) != 0) return -1;
    int rc = -1;
    for (int i = 0; i < TD_MAX_OBJECTS; i++) {
        struct td_object *o = &t->objects[i];
        if (o->type == TD_RT_SEGMENT && strcmp(o->name, catalog_name) == 0) { *rt_handle = o->rt_handle; rc = 0; break; }
    }
    td_unlock(t);
    return rc;
}

int td_rt_segment_size(WORD rt_handle, DWORD *size, uint64_t *id) {
    struct td_table *t = td_table();
    if (t == NULL || td_lock(t) != 0) return -1;
    struct td_object *o = td_rt(t, rt_handle);
    if (o != NULL) { *size = (DWORD) o->size; *id = o->id; }
    td_unlock(t);
    return o != NULL ? 0 : -1;
}

void *td_rt_segment_map(WORD rt_handle, DWORD size, uint64_t id, int writable) {
    (void) rt_handle;
    size_t mapped;
    return td_map(id, size, writable, &mapped);
}
