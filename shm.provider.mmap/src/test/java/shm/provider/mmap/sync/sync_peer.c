/*
 * sync_peer: a C participant in the state blocks of docs/sync-objects.md (shared event, mutex, semaphore), written
 * from that document alone, for CPeerSyncTest. It maps a file MAP_SHARED and runs one action:
 *
 *   sync_peer FILE pong PING PONG ROUNDS          auto-reset events: ROUNDS times wait PING, set PONG
 *   sync_peer FILE count GO MUTEX COUNTER N       wait manual-reset GO; N times: lock, counter += 1, unlock
 *   sync_peer FILE bounded GO SEM ACTIVE PEAK N   wait GO; N times: acquire, count in, note peak, out, release
 *   sync_peer FILE acquire MUTEX MS               acquire once with a timeout, print the result, keep what it got
 *                                                 and wait for a line on stdin, then release if acquired
 *   sync_peer FILE hold MUTEX                     acquire, print HELD, then sleep until killed
 *   sync_peer FILE thread-hold MUTEX              a second thread acquires and ends without releasing (HELD tid=T,
 *                                                 then ENDED once joined); the process waits for a line on stdin
 *
 * Prints OK (or the result) on success, "ERR ..." and exit code 1 otherwise. Offsets are decimal byte offsets.
 * Build: gcc -std=c11 -Wall -Wextra -Werror -O2 -pthread -o sync_peer sync_peer.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define MAP_BYTES 4096
#define FOREVER (-1LL)

enum result { SIGNALED, TIMEOUT, ABANDONED };
static const char *const RESULT_NAMES[] = {"SIGNALED", "TIMEOUT", "ABANDONED"};

static uint8_t *base;

static void die(const char *what) {
    printf("ERR %s\n", what);
    fflush(stdout);
    exit(1);
}

/* --- atomics and futex --------------------------------------------------------------------------------------- */

static uint32_t *u32(uint64_t offset) { return (uint32_t *) (base + offset); }
static uint64_t *u64(uint64_t offset) { return (uint64_t *) (base + offset); }
static uint64_t load64(uint64_t *p) { return __atomic_load_n(p, __ATOMIC_SEQ_CST); }
static uint32_t load32(uint32_t *p) { return __atomic_load_n(p, __ATOMIC_SEQ_CST); }
static int cas64(uint64_t *p, uint64_t expected, uint64_t value) {
    return __atomic_compare_exchange_n(p, &expected, value, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}
static void store64(uint64_t *p, uint64_t value) { __atomic_store_n(p, value, __ATOMIC_RELEASE); }
static void store32(uint32_t *p, uint32_t value) { __atomic_store_n(p, value, __ATOMIC_RELEASE); }

static int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* The time left until an absolute deadline (FOREVER: never), never below 0. */
static int64_t remaining(int64_t deadline) {
    if (deadline == FOREVER) {
        return FOREVER;
    }
    int64_t left = deadline - now_ns();
    return left < 0 ? 0 : left;
}

/* FUTEX_WAIT on a shared word (no FUTEX_PRIVATE_FLAG); EINTR retried with the time left. */
static void futex_wait(uint32_t *word, uint32_t expected, int64_t timeout_ns) {
    int64_t end = timeout_ns == FOREVER ? FOREVER : now_ns() + timeout_ns;
    for (;;) {
        struct timespec ts, *tp = NULL;
        if (end != FOREVER) {
            int64_t left = remaining(end);
            if (left == 0) {
                return;
            }
            ts.tv_sec = left / 1000000000LL;
            ts.tv_nsec = left % 1000000000LL;
            tp = &ts;
        }
        if (syscall(SYS_futex, word, FUTEX_WAIT, expected, tp, NULL, 0) == 0 || errno != EINTR) {
            return;
        }
    }
}

static void futex_wake(uint32_t *word, int count) {
    if (syscall(SYS_futex, word, FUTEX_WAKE, count, NULL, NULL, 0) < 0) {
        die("futex wake");
    }
}

static void check_header(uint64_t block, uint32_t magic) {
    uint32_t version = magic == 0x584D4853 ? 2 : 1; /* the mutex's layout version 2 names the owning thread */
    if (load32(u32(block)) != magic || load32(u32(block + 4)) != version) {
        die("state block with another magic or version");
    }
}

/* --- processes ----------------------------------------------------------------------------------------------- */

/* State letter and start time (field 22) of /proc/<pid>/stat; returns 0 when there is no such process. */
static int proc_stat(long pid, char *state, uint64_t *start) {
    char path[64], line[1024];
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        return 0;
    }
    size_t n = fread(line, 1, sizeof line - 1, f);
    fclose(f);
    line[n] = 0;
    char *p = strrchr(line, ')');
    if (p == NULL) {
        return 0;
    }
    p += 2; /* ") " */
    *state = *p;
    for (int field = 3; field < 22; field++) {
        p = strchr(p, ' ');
        if (p == NULL) {
            return 0;
        }
        p++;
    }
    *start = strtoull(p, NULL, 10);
    return 1;
}

#define ID_MASK 0x3FFFFFFFULL
#define WAITERS 0x80000000ULL

/* The calling thread's owner word: its tid | low 32 bits of its start time (field 22 of /proc/<tid>/stat) << 32. */
static __thread uint64_t self_word;
static __thread uint64_t self_thread;

static void identify_thread(void) {
    char state;
    uint64_t start;
    long tid = (long) gettid();
    if (!proc_stat(tid, &state, &start)) {
        die("cannot read /proc/<tid>/stat of the calling thread");
    }
    self_word = (uint64_t) tid | (start << 32);
    self_thread = (uint64_t) tid;
}

/* Whether the task (thread, or process with bit 30) an owner word names still runs with that start time. */
static int owner_alive(uint64_t word) {
    char state;
    uint64_t start;
    if (!proc_stat((long) (word & ID_MASK), &state, &start)) {
        return 0;
    }
    return state != 'Z' && state != 'X' && (uint32_t) start == (uint32_t) (word >> 32);
}

/* --- mutex (SHMX, version 2): owner word at +8, owner thread at +16, recursion at +24, owner pid at +28 ------- */

static void mutex_take(uint64_t m) {
    store64(u64(m + 16), self_thread);
    store32(u32(m + 24), 1);
    store32(u32(m + 28), (uint32_t) getpid());
}

static enum result mutex_acquire(uint64_t m, int64_t timeout_ns) {
    uint64_t *owner = u64(m + 8);
    int64_t deadline = timeout_ns == FOREVER ? FOREVER : now_ns() + timeout_ns;
    uint64_t w = load64(owner);
    if (w == 0 && cas64(owner, 0, self_word)) {
        mutex_take(m);
        return SIGNALED;
    }
    if ((w & ~WAITERS) == self_word && load64(u64(m + 16)) == self_thread) {
        store32(u32(m + 24), load32(u32(m + 24)) + 1);
        return SIGNALED;
    }
    const int64_t interval = 50000000LL;
    int64_t next_check = now_ns() + interval;
    for (;;) {
        w = load64(owner);
        if (w == 0) {
            if (cas64(owner, 0, self_word | WAITERS)) {
                mutex_take(m);
                return SIGNALED;
            }
            continue;
        }
        int64_t left = remaining(deadline);
        if (left == 0 || now_ns() >= next_check) {
            if (!owner_alive(w)) {
                if (cas64(owner, w, self_word | WAITERS)) {
                    mutex_take(m);
                    return ABANDONED;
                }
                continue;
            }
            next_check = now_ns() + interval;
            if (left == 0) {
                return TIMEOUT;
            }
        }
        if (!(w & WAITERS)) {
            if (!cas64(owner, w, w | WAITERS)) {
                continue;
            }
            w |= WAITERS;
        }
        int64_t slice = next_check - now_ns();
        if (slice < 1) {
            slice = 1;
        }
        futex_wait((uint32_t *) owner, (uint32_t) w, left != FOREVER && left < slice ? left : slice);
    }
}

static void mutex_release(uint64_t m) {
    uint64_t *owner = u64(m + 8);
    if ((load64(owner) & ~WAITERS) != self_word || load64(u64(m + 16)) != self_thread) {
        die("release of a mutex this thread does not own");
    }
    uint32_t levels = load32(u32(m + 24));
    if (levels > 1) {
        store32(u32(m + 24), levels - 1);
        return;
    }
    store32(u32(m + 24), 0);
    store32(u32(m + 28), 0);
    store64(u64(m + 16), 0);
    if (__atomic_exchange_n(owner, 0, __ATOMIC_SEQ_CST) & WAITERS) {
        futex_wake((uint32_t *) owner, 1);
    }
}

/* --- event (SHEV): flags at +8, state word at +16 (low half: futex word, high half: waiters) ------------------- */

#define EV_W (1ULL << 32)
#define EV_G 2ULL
#define EV_LOW 0xFFFFFFFFULL

static int event_manual(uint64_t e) { return load32(u32(e + 8)) & 1; }

static enum result event_wait(uint64_t e, int64_t timeout_ns) {
    uint64_t *state = u64(e + 16);
    int64_t deadline = now_ns() + timeout_ns;
    if (event_manual(e)) {
        uint64_t entry = load64(state);
        if (entry & 1) {
            return SIGNALED;
        }
        __atomic_fetch_add(state, EV_W, __ATOMIC_SEQ_CST);
        for (;;) {
            uint64_t s = load64(state);
            if ((s & 1) || (s & EV_LOW & ~1ULL) != (entry & EV_LOW & ~1ULL)) {
                __atomic_fetch_sub(state, EV_W, __ATOMIC_SEQ_CST);
                return SIGNALED;
            }
            int64_t left = remaining(deadline);
            if (left == 0) {
                __atomic_fetch_sub(state, EV_W, __ATOMIC_SEQ_CST);
                return TIMEOUT;
            }
            futex_wait((uint32_t *) state, (uint32_t) s, left);
        }
    }
    for (;;) {
        uint64_t s = load64(state);
        if (s & 1) {
            if (cas64(state, s, s & ~1ULL)) {
                return SIGNALED;
            }
        } else if ((s & EV_LOW) >> 1) {
            if (cas64(state, s, s - EV_G)) {
                return SIGNALED;
            }
        } else if (cas64(state, s, s + EV_W)) {
            break;
        }
    }
    for (;;) {
        uint64_t s = load64(state);
        if ((s & EV_LOW) >> 1) {
            if (cas64(state, s, s - EV_W - EV_G)) {
                return SIGNALED;
            }
            continue;
        }
        int64_t left = remaining(deadline);
        if (left == 0) {
            if (cas64(state, s, s - EV_W)) {
                return TIMEOUT;
            }
            continue;
        }
        futex_wait((uint32_t *) state, (uint32_t) s, left);
    }
}

static void event_set_auto(uint64_t e) {
    uint64_t *state = u64(e + 16);
    for (;;) {
        uint64_t s = load64(state);
        if ((s >> 32) > ((s & EV_LOW) >> 1)) {
            if (cas64(state, s, s + EV_G)) {
                futex_wake((uint32_t *) state, 1);
                return;
            }
        } else if ((s & 1) || cas64(state, s, s | 1)) {
            return;
        }
    }
}

/* --- semaphore (SHSM): maximum +8, count +16, sequence +24 (futex word), waiters +28 ----------------------------- */

static int sem_take(uint64_t s) {
    for (;;) {
        int64_t count = (int64_t) load64(u64(s + 16));
        if (count == 0) {
            return 0;
        }
        if (cas64(u64(s + 16), (uint64_t) count, (uint64_t) (count - 1))) {
            return 1;
        }
    }
}

static enum result sem_acquire(uint64_t s, int64_t timeout_ns) {
    if (sem_take(s)) {
        return SIGNALED;
    }
    int64_t deadline = now_ns() + timeout_ns;
    __atomic_fetch_add(u32(s + 28), 1, __ATOMIC_SEQ_CST);
    enum result r;
    for (;;) {
        uint32_t seq = load32(u32(s + 24));
        if (sem_take(s)) {
            r = SIGNALED;
            break;
        }
        int64_t left = remaining(deadline);
        if (left == 0) {
            r = TIMEOUT;
            break;
        }
        futex_wait(u32(s + 24), seq, left);
    }
    __atomic_fetch_sub(u32(s + 28), 1, __ATOMIC_SEQ_CST);
    return r;
}

static void sem_release_one(uint64_t s) {
    int64_t max = (int64_t) load64(u64(s + 8));
    for (;;) {
        int64_t count = (int64_t) load64(u64(s + 16));
        if (count >= max) {
            die("semaphore release above the maximum");
        }
        if (cas64(u64(s + 16), (uint64_t) count, (uint64_t) (count + 1))) {
            break;
        }
    }
    __atomic_fetch_add(u32(s + 24), 1, __ATOMIC_SEQ_CST);
    if (load32(u32(s + 28)) != 0) {
        futex_wake(u32(s + 24), 1);
    }
}

/* --- actions ------------------------------------------------------------------------------------------------- */

static uint64_t arg(char **argv, int i) { return strtoull(argv[i], NULL, 10); }

/* thread-hold: acquires the mutex in a thread of its own, which then ends while it owns it. */
static void *hold_and_end(void *mutex) {
    identify_thread();
    if (mutex_acquire(*(uint64_t *) mutex, 30000000000LL) == TIMEOUT) {
        die("thread-hold: timeout");
    }
    printf("HELD tid=%llu\n", (unsigned long long) self_thread);
    fflush(stdout);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 4) {
        die("usage: sync_peer FILE ACTION ARGS...");
    }
    int fd = open(argv[1], O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        die("open");
    }
    base = mmap(NULL, MAP_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (base == MAP_FAILED) {
        die("mmap");
    }
    close(fd);
    identify_thread();
    const int64_t patience = 30000000000LL;
    const char *action = argv[2];

    if (strcmp(action, "pong") == 0 && argc == 6) {
        uint64_t ping = arg(argv, 3), pong = arg(argv, 4), rounds = arg(argv, 5);
        check_header(ping, 0x56454853);
        check_header(pong, 0x56454853);
        for (uint64_t i = 0; i < rounds; i++) {
            if (event_wait(ping, patience) != SIGNALED) {
                die("no ping");
            }
            event_set_auto(pong);
        }
    } else if (strcmp(action, "count") == 0 && argc == 7) {
        uint64_t go = arg(argv, 3), m = arg(argv, 4), counter = arg(argv, 5), n = arg(argv, 6);
        check_header(go, 0x56454853);
        check_header(m, 0x584D4853);
        if (event_wait(go, patience) != SIGNALED) {
            die("no go");
        }
        for (uint64_t i = 0; i < n; i++) {
            if (mutex_acquire(m, patience) != SIGNALED) {
                die("acquire");
            }
            volatile uint64_t *c = u64(counter); /* deliberately not atomic: only the mutex protects it */
            *c = *c + 1;
            mutex_release(m);
        }
    } else if (strcmp(action, "bounded") == 0 && argc == 8) {
        uint64_t go = arg(argv, 3), s = arg(argv, 4), active = arg(argv, 5), peak = arg(argv, 6), n = arg(argv, 7);
        check_header(go, 0x56454853);
        check_header(s, 0x4D534853);
        if (event_wait(go, patience) != SIGNALED) {
            die("no go");
        }
        for (uint64_t i = 0; i < n; i++) {
            if (sem_acquire(s, patience) != SIGNALED) {
                die("semaphore acquire");
            }
            uint64_t now = __atomic_add_fetch(u64(active), 1, __ATOMIC_SEQ_CST);
            uint64_t seen = load64(u64(peak));
            while (now > seen && !__atomic_compare_exchange_n(u64(peak), &seen, now, 0, __ATOMIC_SEQ_CST,
                                                              __ATOMIC_SEQ_CST)) {
            }
            sched_yield();
            __atomic_sub_fetch(u64(active), 1, __ATOMIC_SEQ_CST);
            sem_release_one(s);
        }
    } else if (strcmp(action, "acquire") == 0 && argc == 5) {
        uint64_t m = arg(argv, 3);
        check_header(m, 0x584D4853);
        enum result r = mutex_acquire(m, (int64_t) arg(argv, 4) * 1000000LL);
        printf("%s\n", RESULT_NAMES[r]);
        fflush(stdout);
        char line[16];
        if (fgets(line, sizeof line, stdin) != NULL && r != TIMEOUT) {
            mutex_release(m);
        }
    } else if (strcmp(action, "hold") == 0 && argc == 4) {
        uint64_t m = arg(argv, 3);
        check_header(m, 0x584D4853);
        if (mutex_acquire(m, patience) == TIMEOUT) {
            die("hold: timeout");
        }
        printf("HELD\n");
        fflush(stdout);
        for (;;) {
            pause();
        }
    } else if (strcmp(action, "thread-hold") == 0 && argc == 4) {
        static uint64_t held_mutex;
        held_mutex = arg(argv, 3);
        check_header(held_mutex, 0x584D4853);
        pthread_t thread;
        if (pthread_create(&thread, NULL, hold_and_end, &held_mutex) != 0 || pthread_join(thread, NULL) != 0) {
            die("thread-hold: the owning thread did not run");
        }
        printf("ENDED\n");
        fflush(stdout);
        char line[16];
        if (fgets(line, sizeof line, stdin) == NULL) {
            return 0;
        }
    } else {
        die("unknown action or wrong arguments");
    }
    printf("OK\n");
    fflush(stdout);
    return 0;
}
