/*
 * cycles.c - a fixed number of the C reference's control-path cycles, for counting system calls with strace:
 * run.sh runs it with 0 and with N cycles under `strace -c -f` and divides the difference by N. The cycles are
 * those of shmbase.c: "life" = shm_open(O_CREAT|O_EXCL) + ftruncate + mmap + munmap + close + shm_unlink,
 * "open" = shm_open of an existing object + mmap + munmap + close, "touch" = "life" writing one byte per page of
 * the mapping before the munmap (shmbase's life+touch, the reference of the platform's reserved space). At the end it
 * prints one line, "CYCLES mode=c-MODE n=N per_s=RATE" (RATE: cycles per second of the N cycles, wall clock), so the
 * same program is also the C side of run.sh's paired rounds; the print is one write(2) per run, which the difference
 * of two traced runs cancels.
 *
 * Build:  gcc -O2 -Wall -o cycles cycles.c
 * Usage:  cycles life|open|touch N SIZE
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096ul

static void die(const char *what) {
    perror(what);
    exit(1);
}

int main(int argc, char **argv) {
    if (argc != 4 || (strcmp(argv[1], "life") && strcmp(argv[1], "open") && strcmp(argv[1], "touch"))) {
        fprintf(stderr, "usage: cycles life|open|touch N SIZE\n");
        return 2;
    }
    int touch = !strcmp(argv[1], "touch");
    int life = touch || !strcmp(argv[1], "life");
    long n = atol(argv[2]);
    size_t size = (size_t)atol(argv[3]);
    char name[64];
    snprintf(name, sizeof name, "/cycles.%d", getpid());
    if (!life) {
        int fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600);
        if (fd < 0 || ftruncate(fd, (off_t)size)) die("create");
        close(fd);
    }
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (long i = 0; i < n; i++) {
        int fd = shm_open(name, life ? O_CREAT | O_EXCL | O_RDWR : O_RDWR, 0600);
        if (fd < 0) die("shm_open");
        if (life && ftruncate(fd, (off_t)size)) die("ftruncate");
        char *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (p == MAP_FAILED) die("mmap");
        if (touch) {
            for (size_t off = 0; off < size; off += PAGE) ((volatile char *)p)[off] = 1;
        }
        if (munmap(p, size)) die("munmap");
        close(fd);
        if (life && shm_unlink(name)) die("shm_unlink");
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    if (!life) shm_unlink(name);
    double seconds = (double)(end.tv_sec - start.tv_sec) + (double)(end.tv_nsec - start.tv_nsec) / 1e9;
    printf("CYCLES mode=c-%s n=%ld per_s=%.0f\n", argv[1], n, n > 0 && seconds > 0 ? n / seconds : 0.0);
    return 0;
}
