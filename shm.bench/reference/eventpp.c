/*
 * eventpp.c - the blocking reference for the platform's named-event round trip: two processes ping-pong through two
 * auto-reset events kept in shared memory exactly as docs/sync-objects.md ("Event (SHEV)", auto reset) describes
 * them, and block in the kernel with FUTEX_WAIT / FUTEX_WAKE on the events' futex words. Written from that page alone;
 * no code of the platform is used. It measures what the protocol costs when the machine does nothing else: the
 * platform's own round trip (shm.bench.EventPingPong) does the same work plus the store's bookkeeping and the JVM.
 *
 * Build:  gcc -O2 -Wall -o eventpp eventpp.c
 * Usage:  eventpp N WARM SPIN_NS
 *   N        timed round trips; WARM untimed ones first
 *   SPIN_NS  how long a wait spins on the futex word before it sleeps (the platform's Java side spins 20000 ns,
 *            which docs/sync-objects.md allows a peer to do or not); 0 sleeps at once
 * Prints:  RESULT C.event.pingpong.spin<SPIN_NS> p50=.. p99=.. p99.9=.. max=.. unit=ns n=N
 *
 * Layout of the one shared object (/dev/shm/eventpp.<pid>, 4096 bytes, unlinked at the end):
 *   offset   0: event "ping" (32-byte SHEV block: magic, version, flags, reserved, 64-bit state word, reserved)
 *   offset  64: event "pong" (its own cache line)
 *   offset 128: stop flag (int32), set by the pinger before its last ping
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define EV_MAGIC 0x56454853u /* "SHEV" little-endian */
#define EV_VERSION 1u
#define OFF_STATE 16
#define GRANT ((uint64_t)1 << 1)
#define WAITER ((uint64_t)1 << 32)
#define SIZE 4096

static void die(const char *what) {
    perror(what);
    exit(1);
}

static inline uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t spin_ns;

static inline uint64_t *state_of(char *ev) { return (uint64_t *)(ev + OFF_STATE); }
static inline uint32_t grants(uint64_t s) { return (uint32_t)s >> 1; }
static inline uint32_t waiters(uint64_t s) { return (uint32_t)(s >> 32); }
static inline int cas(uint64_t *p, uint64_t old, uint64_t new) {
    return __atomic_compare_exchange_n(p, &old, new, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}

/* initialization by the creator: the block is all zero; fields, then version, then the magic with a release store */
static void ev_init(char *ev) {
    *(uint32_t *)(ev + 8) = 0; /* flags: auto reset */
    *(uint64_t *)(ev + OFF_STATE) = 0; /* not signaled */
    __atomic_store_n((uint32_t *)(ev + 4), EV_VERSION, __ATOMIC_RELEASE);
    __atomic_store_n((uint32_t *)ev, EV_MAGIC, __ATOMIC_RELEASE);
}

/* FUTEX_WAIT on the low half unless the word changes while spinning (that counts as EAGAIN) */
static void futex_wait(uint64_t *state, uint32_t expected) {
    if (spin_ns) {
        uint64_t until = now_ns() + spin_ns;
        do {
            if ((uint32_t)__atomic_load_n(state, __ATOMIC_ACQUIRE) != expected) return;
        } while (now_ns() < until);
    }
    long r = syscall(SYS_futex, (uint32_t *)state, FUTEX_WAIT, expected, NULL, NULL, 0);
    if (r != 0 && errno != EAGAIN && errno != EINTR) die("futex wait");
}

static void futex_wake(uint64_t *state, int n) {
    if (syscall(SYS_futex, (uint32_t *)state, FUTEX_WAKE, n, NULL, NULL, 0) < 0) die("futex wake");
}

/* auto-reset wait without a timeout */
static void ev_wait(char *ev) {
    uint64_t *state = state_of(ev);
    for (;;) { /* take the signaled state or a pending grant, else register */
        uint64_t s = __atomic_load_n(state, __ATOMIC_ACQUIRE);
        if (s & 1) {
            if (cas(state, s, s & ~(uint64_t)1)) return;
        } else if (grants(s) > 0) {
            if (cas(state, s, s - GRANT)) return;
        } else if (cas(state, s, s + WAITER)) {
            break;
        }
    }
    for (;;) { /* registered: take a grant, or sleep on the futex word */
        uint64_t s = __atomic_load_n(state, __ATOMIC_ACQUIRE);
        if (grants(s) > 0) {
            if (cas(state, s, s - WAITER - GRANT)) return;
            continue;
        }
        futex_wait(state, (uint32_t)s);
    }
}

static void ev_set(char *ev) {
    uint64_t *state = state_of(ev);
    for (;;) {
        uint64_t s = __atomic_load_n(state, __ATOMIC_ACQUIRE);
        if (waiters(s) > grants(s)) {
            if (cas(state, s, s + GRANT)) {
                futex_wake(state, 1);
                return;
            }
        } else if ((s & 1) || cas(state, s, s | 1)) {
            return;
        }
    }
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: eventpp N WARM SPIN_NS\n");
        return 2;
    }
    long n = atol(argv[1]), warm = atol(argv[2]);
    spin_ns = (uint64_t)atoll(argv[3]);
    if (n < 1000 || warm < 0) {
        fprintf(stderr, "eventpp: N must be at least 1000 and WARM not negative\n");
        return 2;
    }
    char name[64];
    snprintf(name, sizeof name, "/eventpp.%d", getpid());
    int fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600);
    if (fd < 0) die("shm_open");
    if (ftruncate(fd, SIZE)) die("ftruncate");
    char *base = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (base == MAP_FAILED) die("mmap");
    close(fd);
    shm_unlink(name); /* both processes keep the mapping; nothing is left behind */
    char *ping = base, *pong = base + 64;
    int32_t *stop = (int32_t *)(base + 128);
    ev_init(ping);
    ev_init(pong);

    pid_t child = fork();
    if (child < 0) die("fork");
    if (child == 0) { /* ponger */
        for (;;) {
            ev_wait(ping);
            if (__atomic_load_n(stop, __ATOMIC_ACQUIRE)) _exit(0);
            ev_set(pong);
        }
    }
    uint64_t *lat = calloc((size_t)n, sizeof *lat);
    if (!lat) die("calloc");
    for (long i = -warm; i < n; i++) {
        uint64_t t0 = now_ns();
        ev_set(ping);
        ev_wait(pong);
        if (i >= 0) lat[i] = now_ns() - t0;
    }
    __atomic_store_n(stop, 1, __ATOMIC_RELEASE);
    ev_set(ping);
    waitpid(child, NULL, 0);
    qsort(lat, (size_t)n, sizeof *lat, cmp_u64);
    printf("RESULT C.event.pingpong.spin%llu p50=%llu p99=%llu p99.9=%llu max=%llu unit=ns n=%ld\n",
           (unsigned long long)spin_ns, (unsigned long long)lat[n / 2], (unsigned long long)lat[(long)(n * 0.99)],
           (unsigned long long)lat[(long)(n * 0.999)], (unsigned long long)lat[n - 1], n);
    munmap(base, SIZE);
    return 0;
}
