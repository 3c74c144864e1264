/*
 * cycles.c - a fixed number of the C reference's control-path cycles, for counting system calls with strace:
 * run.sh runs it with 0 and with N cycles under `strace -c -f` and divides the difference by N. The cycles are
 * those of shmbase.c: "life" = shm_open(O_CREAT|O_EXCL) + ftruncate + mmap + munmap + close + shm_unlink,
 * "open" = shm_open of an existing object + mmap + munmap + close.
 *
 * Build:  gcc -O2 -Wall -o cycles cycles.c
 * Usage:  cycles life|open N SIZE
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static void die(const char *what) {
    perror(what);
    exit(1);
}

int main(int argc, char **argv) {
    if (argc != 4 || (strcmp(argv[1], "life") && strcmp(argv[1], "open"))) {
        fprintf(stderr, "usage: cycles life|open N SIZE\n");
        return 2;
    }
    int life = !strcmp(argv[1], "life");
    long n = atol(argv[2]);
    size_t size = (size_t)atol(argv[3]);
    char name[64];
    snprintf(name, sizeof name, "/cycles.%d", getpid());
    if (!life) {
        int fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600);
        if (fd < 0 || ftruncate(fd, (off_t)size)) die("create");
        close(fd);
    }
    for (long i = 0; i < n; i++) {
        int fd = shm_open(name, life ? O_CREAT | O_EXCL | O_RDWR : O_RDWR, 0600);
        if (fd < 0) die("shm_open");
        if (life && ftruncate(fd, (off_t)size)) die("ftruncate");
        char *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (p == MAP_FAILED) die("mmap");
        if (munmap(p, size)) die("munmap");
        close(fd);
        if (life && shm_unlink(name)) die("shm_unlink");
    }
    if (!life) shm_unlink(name);
    return 0;
}
