/*
 * shm_peer.c - a C participant in the shm platform's mmap store.
 *
 * The mmap backend (Java module shm.provider.mmap) keeps every named object of a root directory in a file on tmpfs
 * and lists them in one shared object table, the file `table` in the root. This program takes part in that store
 * exactly as docs/mmap-store.md describes it, so it can share objects with Java processes (and with other copies of
 * itself): it creates or opens one named shared-memory object, reads and writes its bytes, reports its handle
 * counts, holds it, and closes it; handle counts, creation and destruction go through the table's lock and journal.
 *
 * Build:  gcc -std=c11 -Wall -Wextra -Werror -O2 -o shm_peer shm_peer.c      (Linux, little-endian)
 *
 * Usage:  shm_peer [-g] [-e] ROOT NAME STEP...
 *   -g        the store is group-shared: new files 0660 and directories 0770, files of other users are accepted
 *             (the Java setting groupShared=true); without it: 0600 / 0700 and only this user's files
 *   -e        NAME is an event (docs/sync-objects.md, "Event"), which only 'open', 'set', 'wait', 'info' and 'close'
 *             take; without it NAME is a shared-memory object
 *   ROOT      the root directory, e.g. /dev/shm/shm-$USER/default; created (mode set explicitly) when missing
 *   NAME      the object name: valid UTF-8, not empty, at most 4032 bytes
 *   STEP...   run in order, each printing one line on stdout:
 *     open             open the existing object           OPENED existed=true size=S reserved=R file=F
 *     lookup SCOPE     INtime / NTX: open the shared memory that the memory handle (RTHANDLE) cataloged under NAME
 *                      in object directory SCOPE names (the root process's directory is "intime.root"; NTX's
 *                      ntxCatalogNtxHandle, INtime's CatalogRtHandle): directory entry -> GDT descriptor -> object
 *                                                         FOUND rthandle=0xHHHH gdt=SLOT
 *                                                         OPENED existed=true size=S reserved=R file=F
 *     create SIZE      create it with SIZE bytes, or open it if it exists (its own size then counts)
 *                                                         OPENED existed=true|false size=S reserved=R file=F
 *     write OFF TEXT   copy the bytes of TEXT to data offset OFF             WROTE off=OFF len=N
 *     read OFF LEN     LEN bytes from data offset OFF     READ off=OFF len=LEN hex=HEX text=TEXT
 *                      (text: printable ASCII as is, every other byte and '\' as \xHH)
 *     info             the object's table entry           INFO exists=false
 *                                                         INFO exists=true size=S reserved=R handles=N
 *                                                              holders=PID:COUNT[,PID:COUNT...]   (one line)
 *     hold             print READY, then wait for one line on stdin (conventionally "close") or its end,
 *                      then print RELEASED and go on; the handle stays open meanwhile
 *     count OFF        print COUNTING, then write an increasing 64-bit counter (little-endian, from its value there)
 *                      at data offset OFF, a multiple of 8, about one increment per 100 us, until a line arrives
 *                      on stdin; then                     COUNTED last=N   (the last value written)
 *     set              (-e) set the event: auto reset releases one wait, manual reset all   SET was=0|1
 *     wait MS          (-e) wait up to MS milliseconds until the event is signaled
 *                                                         WAITED result=SIGNALED|TIMEOUT
 *     close            close the handle; the last handle in any process destroys the object
 *                                                         CLOSED handles=N destroyed=true|false
 *     cycles N         (no handle open) open the existing object, map it and close it again, N times, each open and
 *                      each close under the table lock as above, without a line per cycle; then
 *                                                         CYCLED n=N per_s=RATE   (cycles per second, wall clock)
 *                      (the table protocol's open cycle in C: the benchmark's reference for the Java backend's)
 *   At the end a handle that is still open is closed (printing CLOSED, as a Java backend's close() does), and the
 *   process leaves the table:                             LEFT table=kept|removed
 *   A first line "PEER pid=PID file=F" names this process and the object's file name.
 *
 * Errors: one line on stderr, "shm_peer: 'NAME': <what and which rule> (<REASON>)" with the reason names of
 * shm.api.ErrorReason (NOT_FOUND, INVALID_NAME, INCOMPATIBLE_STORE, ...); exit status 1, or 2 for a bad command
 * line. A failure inside a table transaction rolls the transaction back first; the handle is then closed and the
 * process leaves the table, so a failed run leaves the table as it found it (apart from the generation counter).
 *
 * What it implements (the numbers are the steps of "Locking protocol" in docs/mmap-store.md):
 *   - the table: created complete under a temporary name and linked when missing, header checked, mapped shared;
 *   - (2) flock(LOCK_EX | LOCK_NB) polled with a growing pause (20 us .. 2 ms) up to a 10 s deadline;
 *   - (3) the inode check, re-opening a table that the last participant unlinked meanwhile;
 *   - (4) recovery: journal rollback, then finishing the creating/destroying intents of dead writers;
 *   - (5) registration of this process (pid + start time, field 22 of /proc/self/stat) in a free slot (never in a
 *         parked one);
 *   - (6) reaping of dead processes and of parked holds past their deadline, as ObjectTable.reapProcess: their handles released (objects left without
 *         handles destroyed), the descriptors they own deleted and their directory entries removed, each object,
 *         descriptor and entry in a transaction of its own, and the process slot freed in a last one, so that
 *         reaping a process that held many never overflows the journal; every intermediate state is consistent and
 *         a crash in between only leaves work for the next reaper;
 *   - object files made complete unnamed (O_TMPFILE, or a temporary name where the file system refuses it), their
 *         inode recorded and then linked under their name; opened with the recorded inode and length checked instead
 *         of the header (the header is read for a slot without an inode and for an h. name);
 *   - (7) every table write as a journaled transaction; create, open, close and leave as in "Object lifetime":
 *         a new object gets its serial (the generation its intent commits, which object references carry) and no
 *         pool; freeing an object Java charged to a memory pool gives the pool its reserved size back; leaving
 *         needs no handle, no descriptor and no directory entry left, as in Java.
 * What it leaves out: creating unnamed objects (it opens one only through lookup), creating events, and the other
 * object types (mutex, semaphore: opening one of those names fails with NAME_USED_BY_OTHER_TYPE, as in Java), object
 * references, memory pools (it never charges one), descriptor tables and the directory (it makes no descriptor and
 * binds no name; it reads them for lookup and releases those of dead processes), page locking and pre-faulting, and
 * the removal of temporary files `.t.<pid>.*` of dead processes
 * (the operator's reaper, MmapBackend.reapDeadProcesses, does it).
 * It is single-threaded, so the "process-wide lock" of step 1 is not needed.
 *
 * Test hook: with SHM_PEER_CRASH_AT=N in the environment the program kills itself with SIGKILL at its N-th crash
 * point (after a journal entry, after a word, after a commit, after a link or unlink; like Java's
 * ObjectTable.CrashPoint), printing "CRASH where=POINT" first, so that tests can check how the other participants
 * recover what it left.
 */
#define _GNU_SOURCE

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <linux/futex.h>
#include <time.h>
#include <unistd.h>

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the store is little-endian and this program reads its words in place"
#endif

/* ------------------------------------------------------------------------------------------------------------------
 * On-disk layout (docs/mmap-store.md; TableLayout.java and ObjectHeader.java). Offsets in bytes, words u64 LE.
 * ------------------------------------------------------------------------------------------------------------------ */

/* Object file: a 4096-byte header page, then the data. */
#define PAGE 4096u
#define OH_MAGIC 0          /* "SHMPLAT\0" */
#define OH_VERSION 8        /* u32, 1 */
#define OH_TYPE 12          /* u32: 1 shared memory, 2 event, 3 mutex, 4 semaphore */
#define OH_RESERVED 16      /* u64 */
#define OH_LOGICAL 24       /* u64 */
#define OH_DATA_OFFSET 32   /* u64, 4096 */
#define OH_NAME_LENGTH 40   /* u32 */
#define OH_FLAGS 44         /* u32, bit 0 unnamed */
#define OH_CREATOR_PID 48   /* u64 */
#define OH_CREATED 56       /* u64, ms since the epoch */
#define OH_NAME 64          /* UTF-8, up to the end of the page */
#define MAX_NAME_BYTES (PAGE - OH_NAME) /* 4032 */
#define TYPE_SHARED_MEMORY 1
#define TYPE_EVENT 2
#define MAX_SIZE ((uint64_t)INT64_MAX - PAGE)

/*
 * Table: a 4096-byte header, then the sections journal, processes, objects, descriptor slots, directory (each at the
 * offset its header word gives). The header also holds the memory pools (at 512) and the descriptor tables (at 1024).
 */
#define T_MAGIC 0               /* "SHMTABL\0" */
#define T_VERSION 8             /* u32, 1 */
#define T_HEADER_SIZE 12        /* u32, 4096 */
#define T_OBJECT_CAPACITY 16    /* power of 2 */
#define T_PROCESS_CAPACITY 24
#define T_DESCRIPTOR_SLOTS 32
#define T_JOURNAL_CAPACITY 40
#define T_GENERATION 48
#define T_JOURNAL_COUNT 56
#define T_OBJECT_LIMIT 64        /* most live objects + pending intents; 0 (an older table) = the capacity */
                                /* 72: unused */
#define T_LIVE_OBJECTS 80
#define T_JOURNAL_OFFSET 88
#define T_PROCESS_OFFSET 96
#define T_OBJECT_OFFSET 104
#define T_DESCRIPTOR_OFFSET 112
#define T_TABLE_SIZE 120
#define T_PENDING_INTENTS 128
#define T_DIRECTORY_CAPACITY 136
#define T_DIRECTORY_OFFSET 144

/* Memory pools, in the header: 8 x { name (32 bytes, UTF-8, NUL-padded), limit, used, 0, 0 }. */
#define POOLS 512
#define MAX_POOLS 8
#define POOL_SIZE 64
#define POOL_USED 40            /* bytes charged: the reserved sizes of the objects made in the pool */

/*
 * Descriptor tables, in the header: 4 x { name (32 bytes), capacity, per-process limit, used, first slot, next-free
 * hint }. Table t owns the descriptor slots [first slot, first slot + capacity).
 */
#define DESCRIPTOR_TABLES 1024
#define MAX_DESCRIPTOR_TABLES 4
#define DESCRIPTOR_TABLE_SIZE 80
#define DT_NAME_BYTES 32
#define DT_CAPACITY 32          /* how many descriptors the table holds */
#define DT_USED 48              /* descriptors in use */
#define DT_FIRST 56             /* the table's first descriptor slot */
#define GDT_TABLE "intime.gdt"  /* INtime's GDT: memory handles (shm.api.intime.IntimeTables) */

#define JOURNAL_ENTRY_SIZE 16   /* { offset, old value } */

#define PROCESS_SLOT_SIZE 64    /* { pid, start time, state, handles, descriptors held in tables 0..3 } */
#define P_PID 0
#define P_START_TIME 8
#define P_STATE 16
#define P_HANDLES 24
#define P_DESCRIPTORS 32        /* + 8 * table: descriptors this process owns in that table */
#define PROCESS_FREE 0
#define PROCESS_LIVE 1
#define PROCESS_PARKED 2        /* holds a live process keeps while no handle of it is open (docs: "Parked holds") */
#define P_PARK_DEADLINE 32      /* in a parked slot: the deadline, milliseconds since the epoch (CLOCK_REALTIME) */

#define OBJECT_SLOT_SIZE 640
#define O_STATE 0
#define O_TYPE 8
#define O_RESERVED 16
#define O_LOGICAL 24
#define O_HANDLES 32
#define O_HASH 40               /* FNV-1a 64 of the file name */
#define O_CREATOR 48            /* process slot of the creator */
#define O_FILE_NAME_LENGTH 56
#define O_SERIAL 64             /* generation its creation intent committed; refs: slot << 40 | serial */
#define O_POOL 72               /* pool index + 1 the reserved size is charged to, 0 = none */
#define O_INODE 80              /* inode of the object file, recorded before it is linked; 0 = not recorded */
#define O_FILE_NAME 128         /* 256 bytes, ASCII, zero padded */
#define SLOT_FILE_NAME 256
#define O_HOLDERS 384           /* 16 x { process slot + 1 (0 = free), handle count } */
#define HOLDERS 16
#define HOLDER_SIZE 16

#define EMPTY 0
#define CREATING 1
#define LIVE 2
#define DESTROYING 3
#define TOMBSTONE 4

#define DESCRIPTOR_SLOT_SIZE 64 /* { state, table + 1, owner process slot, object slot, serial, offset, size, 0 } */
#define D_STATE 0               /* 0 free, 1 used */
#define D_TABLE 8               /* descriptor table index + 1 */
#define D_OWNER 16              /* owner process slot */
#define D_OBJECT 24             /* object slot */
#define D_SERIAL 32             /* that object's serial when the descriptor was made */
#define D_OFFSET 40             /* region: offset in the object's data */

#define DIRECTORY_ENTRY_SIZE 448 /* state, owner, hash, value, scope and name lengths, scope, name */
#define E_STATE 0               /* 0 free, 1 bound */
#define E_OWNER 8               /* owner process slot */
#define E_VALUE 24              /* the bound value: for INtime, the cataloged RTHANDLE */
#define E_SCOPE_LENGTH 32
#define E_NAME_LENGTH 40
#define E_SCOPE 64              /* 64 bytes, UTF-8 */
#define E_NAME 128              /* 320 bytes, UTF-8 */
#define E_SCOPE_BYTES 64
#define E_NAME_BYTES 320

/*
 * A new table's capacities (an existing table keeps its own): Java's defaults. The object capacity is the smallest
 * power of two of which the limit is at most 7/8 (TableLayout.objectCapacityFor), so probes stay short.
 */
#define NEW_OBJECT_LIMIT 4096
#define NEW_OBJECTS 8192
#define NEW_PROCESSES 256
#define NEW_DESCRIPTOR_SLOTS 16384
#define NEW_JOURNAL 1024
#define NEW_DIRECTORY 1024

#define MAX_FILE_NAME 255          /* longer encoded names are hashed: "h." + SHA-256 hex */
#define LOCK_TIMEOUT_NS 10000000000LL
#define TABLE_FILE "table"

/* ------------------------------------------------------------------------------------------------------------------
 * State. The program holds at most one handle to one object.
 * ------------------------------------------------------------------------------------------------------------------ */

static const char *root;              /* as given */
static const char *name;              /* the object name, UTF-8 */
static size_t name_len;
static char file_name[MAX_FILE_NAME + 1];
static bool group_shared;
static uint32_t object_type = TYPE_SHARED_MEMORY; /* -e: TYPE_EVENT */
static int root_fd = -1;              /* the root directory; every file is reached relative to it */

static uint64_t self_pid, self_start; /* this process as the table knows it */

static int table_fd = -1;             /* our own open file description of `table`, the one we flock */
static unsigned char *table;          /* the whole table, mapped shared */
static uint64_t table_size;
static dev_t table_dev;
static ino_t table_ino;
static uint64_t object_capacity, object_limit, process_capacity, journal_capacity, descriptor_slots, directory_capacity;
static uint64_t journal_offset, process_offset, object_offset, descriptor_offset, directory_offset;
static long self_slot = -1;           /* our process slot, -1 until registered */
static bool locked;                   /* we hold the flock and the table is recovered */
static bool in_transaction;           /* journal entries of ours are not committed yet */

static unsigned char *data;           /* the mapped data of our handle, or NULL */
static uint64_t data_size;            /* its logical size */
static long handle_slot = -1;         /* the object slot our handle counts in */

static long creating_slot = -1;       /* a committed creation intent of ours that is not finished yet */
static bool creating_linked;          /* ... whose file is already linked under its final name */
static uint64_t creating_inode;       /* ... and the inode of that file */
static bool departing;                /* inside the final close and leave */
static long crash_countdown;          /* SHM_PEER_CRASH_AT: the crash point to die at, 0 for none */

static void depart(void);

/* ------------------------------------------------------------------------------------------------------------------
 * Errors
 * ------------------------------------------------------------------------------------------------------------------ */

/*
 * Prints the object name on one line, as ShmException does: control characters (U+0000..U+001F, U+007F..U+009F) as
 * \uXXXX, at most 200 characters, then "...".
 */
static void print_name(FILE *out)
{
    const unsigned char *s = (const unsigned char *)name;
    size_t characters = 0;
    for (size_t i = 0; i < name_len; i++) {
        if ((s[i] & 0xc0) != 0x80 && ++characters > 200) {   /* a character starts at every non-continuation byte */
            fputs("...", out);
            return;
        }
        if (s[i] < 0x20 || s[i] == 0x7f) {
            fprintf(out, "\\u%04X", s[i]);
        } else if (s[i] == 0xc2 && i + 1 < name_len && s[i + 1] >= 0x80 && s[i + 1] <= 0x9f) {
            fprintf(out, "\\u%04X", s[++i]);
        } else {
            fputc(s[i], out);
        }
    }
}

static void rollback(void);

/*
 * Reports a failure as one line "shm_peer: 'NAME': RULE (REASON)" and exits with status 1. An open transaction is
 * rolled back, a creation intent of ours is abandoned, our handle is closed and we leave the table, so nothing of
 * this run stays behind.
 */
__attribute__((noreturn, format(printf, 2, 3)))
static void fail(const char *reason, const char *rule, ...)
{
    fflush(stdout);
    fputs("shm_peer: '", stderr);
    print_name(stderr);
    fputs("': ", stderr);
    va_list args;
    va_start(args, rule);
    vfprintf(stderr, rule, args);
    va_end(args);
    fprintf(stderr, " (%s)\n", reason);
    if (in_transaction) {
        rollback();
    }
    if (!departing && table != NULL && (self_slot >= 0 || data != NULL)) {
        departing = true;
        depart();   /* may fail itself: then that failure is reported and the process exits without departing */
    }
    exit(1);
}

/* The ErrorReason for a failed system call, as MmapBackend maps errno values. */
static const char *reason_of(int error)
{
    switch (error) {
    case ENOSPC: case ENOMEM: case EFBIG: return "NO_MEMORY";
    case EACCES: case EPERM: return "ACCESS_DENIED";
    case ENOENT: return "NOT_FOUND";
    default: return "INTERNAL";
    }
}

/* Test hook: a place where a real kill could strike; dies there when SHM_PEER_CRASH_AT counts down to it. */
static void crash_point(const char *where)
{
    if (crash_countdown > 0 && --crash_countdown == 0) {
        printf("CRASH where=%s\n", where);
        fflush(stdout);
        raise(SIGKILL);
    }
}

/* ------------------------------------------------------------------------------------------------------------------
 * Names: "n." + percent-encoded UTF-8, or "h." + SHA-256 hex when that would exceed 255 bytes
 * ------------------------------------------------------------------------------------------------------------------ */

/* Whether s[0..n) is well-formed UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF). */
static bool valid_utf8(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        size_t extra;
        uint32_t cp;
        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xc2 && c <= 0xdf) {
            extra = 1; cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            extra = 2; cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            extra = 3; cp = c & 0x07;
        } else {
            return false;
        }
        if (n - i <= extra) {
            return false;
        }
        for (size_t k = 1; k <= extra; k++) {
            if ((s[i + k] & 0xc0) != 0x80) {
                return false;
            }
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        if ((extra == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff)))
                || (extra == 3 && (cp < 0x10000 || cp > 0x10ffff))) {
            return false;
        }
        i += extra + 1;
    }
    return true;
}

/* SHA-256 (FIPS 180-4), only for the file names of names that do not fit 255 bytes encoded. */
static uint32_t ror(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

static void sha256_block(uint32_t h[8], const unsigned char *p)
{
    static const uint32_t k[64] = {
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};
    uint32_t w[64], v[8];
    for (int i = 0; i < 16; i++) {
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    }
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    memcpy(v, h, sizeof v);
    for (int i = 0; i < 64; i++) {
        uint32_t t1 = v[7] + (ror(v[4], 6) ^ ror(v[4], 11) ^ ror(v[4], 25)) + ((v[4] & v[5]) ^ (~v[4] & v[6]))
                + k[i] + w[i];
        uint32_t t2 = (ror(v[0], 2) ^ ror(v[0], 13) ^ ror(v[0], 22)) + ((v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]));
        memmove(v + 1, v, 7 * sizeof v[0]);
        v[4] += t1;
        v[0] = t1 + t2;
    }
    for (int i = 0; i < 8; i++) {
        h[i] += v[i];
    }
}

static void sha256_hex(const unsigned char *msg, size_t n, char out[65])
{
    uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    size_t done = 0;
    for (; n - done >= 64; done += 64) {
        sha256_block(h, msg + done);
    }
    unsigned char tail[128] = {0};
    size_t rest = n - done;
    memcpy(tail, msg + done, rest);
    tail[rest] = 0x80;
    size_t tail_len = rest + 9 <= 64 ? 64 : 128;
    uint64_t bits = (uint64_t)n * 8;
    for (int i = 0; i < 8; i++) {
        tail[tail_len - 1 - i] = (unsigned char)(bits >> (8 * i));
    }
    sha256_block(h, tail);
    if (tail_len == 128) {
        sha256_block(h, tail + 64);
    }
    for (int i = 0; i < 8; i++) {
        snprintf(out + 8 * i, 9, "%08" PRIx32, h[i]);
    }
}

static bool is_plain(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
            || c == '.';
}

/* Checks the name as NameCodec.validUtf8 does and sets file_name as NameCodec.fileName does. */
static void encode_name(void)
{
    const unsigned char *s = (const unsigned char *)name;
    if (name_len == 0) {
        fail("INVALID_NAME", "a name must not be empty (create an unnamed object instead)");
    }
    if (!valid_utf8(s, name_len)) {
        fail("INVALID_NAME", "a name must be valid Unicode (it is not well-formed UTF-8)");
    }
    if (name_len > MAX_NAME_BYTES) {
        fail("INVALID_NAME", "a name must be at most %u bytes in UTF-8, this one is %zu", MAX_NAME_BYTES, name_len);
    }
    static const char hex[] = "0123456789ABCDEF";
    size_t n = 0;
    bool fits = true;
    file_name[n++] = 'n';
    file_name[n++] = '.';
    for (size_t i = 0; i < name_len && fits; i++) {
        size_t need = is_plain(s[i]) ? 1 : 3;
        if (n + need > MAX_FILE_NAME) {
            fits = false;
        } else if (need == 1) {
            file_name[n++] = (char)s[i];
        } else {
            file_name[n++] = '%';
            file_name[n++] = hex[s[i] >> 4];
            file_name[n++] = hex[s[i] & 15];
        }
    }
    file_name[n] = '\0';
    if (!fits) {
        char digest[65];
        sha256_hex(s, name_len, digest);
        snprintf(file_name, sizeof file_name, "h.%s", digest);
    }
}

/* ------------------------------------------------------------------------------------------------------------------
 * Small helpers
 * ------------------------------------------------------------------------------------------------------------------ */

static int64_t now_ns(clockid_t clock)
{
    struct timespec t;
    clock_gettime(clock, &t);
    return (int64_t)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void pause_ns(long ns)
{
    struct timespec t = {ns / 1000000000L, ns % 1000000000L};
    while (nanosleep(&t, &t) != 0 && errno == EINTR) {
    }
}

static uint64_t random64(void)
{
    uint64_t r;
    if (getrandom(&r, sizeof r, 0) != (ssize_t)sizeof r) {
        r = (uint64_t)now_ns(CLOCK_REALTIME) ^ (self_pid << 40);
    }
    return r;
}

static bool write_fully(int fd, const void *buf, size_t n, off_t at)
{
    const unsigned char *p = buf;
    while (n > 0) {
        ssize_t w = pwrite(fd, p, n, at);
        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            return false;
        }
        p += w; n -= (size_t)w; at += w;
    }
    return true;
}

/* Reads up to n bytes; the rest of buf stays as it was (zero). */
static bool read_fully(int fd, void *buf, size_t n, off_t at)
{
    unsigned char *p = buf;
    while (n > 0) {
        ssize_t r = pread(fd, p, n, at);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r < 0) {
            return false;
        }
        if (r == 0) {
            return true;
        }
        p += r; n -= (size_t)r; at += r;
    }
    return true;
}

static uint64_t le64(const unsigned char *p) { uint64_t v; memcpy(&v, p, 8); return v; }
static uint32_t le32(const unsigned char *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static void put64(unsigned char *p, uint64_t v) { memcpy(p, &v, 8); }
static void put32(unsigned char *p, uint32_t v) { memcpy(p, &v, 4); }

/*
 * The start time of a process: field 22 of /proc/<pid>/stat, in clock ticks since boot. The command name (field 2)
 * is in parentheses and may hold spaces and parentheses itself, so fields are counted after the last ')'.
 * Returns false when no such process runs, when it is a zombie or dead (state 'Z' or 'X', field 3: a killed
 * process whose parent has not waited for it yet holds nothing any more), or when its stat cannot be read.
 */
static bool start_time_of(uint64_t pid, uint64_t *start)
{
    char path[64], buf[4096];
    snprintf(path, sizeof path, "/proc/%" PRIu64 "/stat", pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return false;
    }
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) {
        return false;
    }
    buf[n] = '\0';
    char *p = strrchr(buf, ')');
    if (p == NULL) {
        return false;
    }
    p++;
    while (*p == ' ') p++;
    if (*p == 'Z' || *p == 'X') {
        return false;
    }
    for (int field = 3; field < 22; field++) {   /* skip fields 3 .. 21 */
        while (*p == ' ') p++;
        while (*p != ' ' && *p != '\0') p++;
    }
    while (*p == ' ') p++;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(p, &end, 10);
    if (end == p || errno != 0) {
        return false;
    }
    *start = v;
    return true;
}

/*
 * Start times verified lately, one entry per process slot (as ProcessSlots.isAlive in Java): a pid and start time
 * found alive are trusted for START_TIME_RECHECK_NS without reading /proc again; kill(pid, 0) is asked every time.
 */
#define START_TIME_RECHECK_NS 500000000ll
#define VERIFIED_SLOTS 4096
static struct verified { uint64_t pid, start; int64_t at; } verified[VERIFIED_SLOTS];

/* A process slot is alive while kill(pid, 0) finds the pid and its start time is unchanged. */
static bool process_alive(uint64_t slot, uint64_t pid, uint64_t start)
{
    if (pid == 0 || pid > INT_MAX) {
        return false;
    }
    if (kill((pid_t)pid, 0) != 0 && errno == ESRCH) {
        return false;
    }
    struct verified *v = slot < VERIFIED_SLOTS ? &verified[slot] : NULL;
    int64_t now_mono = now_ns(CLOCK_MONOTONIC);
    if (v != NULL && v->at != 0 && v->pid == pid && v->start == start && now_mono - v->at < START_TIME_RECHECK_NS) {
        return true;
    }
    uint64_t now;
    bool same = start_time_of(pid, &now) && now == start;
    if (v != NULL) {
        *v = same ? (struct verified){pid, start, now_mono} : (struct verified){0, 0, 0};
    }
    return same;
}

/* ------------------------------------------------------------------------------------------------------------------
 * Table words and transactions
 * ------------------------------------------------------------------------------------------------------------------ */

static uint64_t get(uint64_t offset)
{
    return __atomic_load_n((uint64_t *)(table + offset), __ATOMIC_ACQUIRE);
}

static void set_release(uint64_t offset, uint64_t value)
{
    __atomic_store_n((uint64_t *)(table + offset), value, __ATOMIC_RELEASE);
}

static uint64_t object_at(uint64_t slot, uint64_t field) { return object_offset + slot * OBJECT_SLOT_SIZE + field; }
static uint64_t holder_at(uint64_t slot, int h, uint64_t field)
{
    return object_at(slot, O_HOLDERS + (uint64_t)h * HOLDER_SIZE + field);
}
static uint64_t process_at(uint64_t slot, uint64_t field) { return process_offset + slot * PROCESS_SLOT_SIZE + field; }
static uint64_t pool_at(uint64_t pool, uint64_t field) { return POOLS + pool * POOL_SIZE + field; }
static uint64_t descriptor_table_at(uint64_t t, uint64_t field)
{
    return DESCRIPTOR_TABLES + t * DESCRIPTOR_TABLE_SIZE + field;
}
static uint64_t descriptor_at(uint64_t slot, uint64_t field)
{
    return descriptor_offset + slot * DESCRIPTOR_SLOT_SIZE + field;
}
static uint64_t directory_at(uint64_t entry, uint64_t field)
{
    return directory_offset + entry * DIRECTORY_ENTRY_SIZE + field;
}

/*
 * Writes one word as part of the current transaction: append { offset, old value } at journal index count, store
 * count + 1 into the journal count (release), then store the new word (release). A word that already has the value
 * is not journaled, like ObjectTable.put.
 */
static void put(uint64_t offset, uint64_t value)
{
    uint64_t old = get(offset);
    if (old == value) {
        return;
    }
    uint64_t count = get(T_JOURNAL_COUNT);
    if (count == journal_capacity) {
        fail("INTERNAL", "a table transaction wrote more than %" PRIu64 " words", journal_capacity);
    }
    in_transaction = true;
    uint64_t entry = journal_offset + count * JOURNAL_ENTRY_SIZE;
    set_release(entry, offset);
    set_release(entry + 8, old);
    set_release(T_JOURNAL_COUNT, count + 1);
    crash_point("journaled");
    set_release(offset, value);
    crash_point("written");
}

/* Commits: increment the generation the same way, then store 0 into the journal count. */
static void commit(void)
{
    put(T_GENERATION, get(T_GENERATION) + 1);
    set_release(T_JOURNAL_COUNT, 0);
    in_transaction = false;
    crash_point("committed");
}

/*
 * Writes back every journal entry's old value, newest first, then clears the count. Like Java, the count and every
 * entry are checked before the first word is written: a corrupt journal leaves the table untouched.
 */
static void rollback(void)
{
    uint64_t count = get(T_JOURNAL_COUNT);
    if (count > journal_capacity) {
        in_transaction = false;
        fail("INCOMPATIBLE_STORE", "the journal of the object table %s/%s counts %" PRIu64 " entries, more than its"
             " capacity %" PRIu64 "; it was left untouched", root, TABLE_FILE, count, journal_capacity);
    }
    for (uint64_t i = 0; i < count; i++) {
        uint64_t offset = get(journal_offset + i * JOURNAL_ENTRY_SIZE);
        if (offset % 8 != 0 || offset > table_size - 8) {
            in_transaction = false;
            fail("INCOMPATIBLE_STORE", "the journal of the object table %s/%s names offset %" PRIu64
                 ", outside the table; it was left untouched", root, TABLE_FILE, offset);
        }
    }
    for (uint64_t i = count; i-- > 0;) {
        uint64_t entry = journal_offset + i * JOURNAL_ENTRY_SIZE;
        set_release(get(entry), get(entry + 8));
    }
    set_release(T_JOURNAL_COUNT, 0);
    in_transaction = false;
}

/* ------------------------------------------------------------------------------------------------------------------
 * Attaching to the table
 * ------------------------------------------------------------------------------------------------------------------ */

static int file_mode(void) { return group_shared ? 0660 : 0600; }
static int dir_mode(void) { return group_shared ? 0770 : 0700; }

/* Creates missing directories down to the root with the exact mode (whatever the umask), like RootDirectory. */
static void prepare_root(void)
{
    char path[PATH_MAX];
    if (root[0] != '/') {
        fail("INVALID_PARAMETER", "the root directory must be an absolute path: %s", root);
    }
    if (strlen(root) >= sizeof path) {
        fail("INVALID_PARAMETER", "the root directory path is too long: %s", root);
    }
    strcpy(path, root);
    for (char *p = path + 1;; p++) {
        if (*p == '/' || *p == '\0') {
            char saved = *p;
            *p = '\0';
            struct stat st;
            if (lstat(path, &st) != 0 && errno == ENOENT) {
                if (mkdir(path, (mode_t)dir_mode()) == 0) {
                    chmod(path, (mode_t)dir_mode());
                } else if (errno != EEXIST) {
                    fail("ACCESS_DENIED", "cannot create the root directory %s: %s", root, strerror(errno));
                }
            }
            *p = saved;
            if (saved == '\0') {
                break;
            }
        }
    }
    root_fd = open(root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (root_fd < 0) {
        if (errno == ENOTDIR || errno == ELOOP) {
            fail("INCOMPATIBLE_STORE", "the root %s is not a directory (or is a symbolic link); it was left untouched",
                 root);
        }
        fail(reason_of(errno), "cannot open the root directory %s: %s", root, strerror(errno));
    }
    if (faccessat(root_fd, ".", R_OK | W_OK | X_OK, 0) != 0) {
        fail("ACCESS_DENIED", "the root directory %s is not readable and writable by this user", root);
    }
}

static bool valid_object_file_name(const char *file);

/*
 * Whether a file in the root is one a store makes (mmap-store.md, "File names"): the table, a table a repair moved
 * aside, an object file, a temporary file of some pid.
 */
static bool store_file_name(const char *file)
{
    if (strcmp(file, TABLE_FILE) == 0 || strncmp(file, TABLE_FILE ".broken.", strlen(TABLE_FILE ".broken.")) == 0) {
        return true;
    }
    if (strncmp(file, ".t.", 3) == 0 && file[3] >= '1' && file[3] <= '9') {
        return true;
    }
    return valid_object_file_name(file);
}

/*
 * A store is made only in an empty directory or one that holds nothing but a store's files, never among others'
 * files (a mistyped root such as /etc): fails with INCOMPATIBLE_STORE before anything is written.
 */
static void refuse_foreign_files(void)
{
    int fd = dup(root_fd);
    DIR *dir = fd < 0 ? NULL : fdopendir(fd);
    if (dir == NULL) {
        if (fd >= 0) {
            close(fd);
        }
        fail(reason_of(errno), "cannot list the root directory %s: %s", root, strerror(errno));
    }
    rewinddir(dir);
    int foreign = 0;
    char named[128] = "";
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0 || store_file_name(entry->d_name)) {
            continue;
        }
        if (foreign++ < 3 && strlen(named) + strlen(entry->d_name) + 3 < sizeof named) {
            if (named[0] != '\0') {
                strcat(named, ", ");
            }
            strcat(named, entry->d_name);
        }
    }
    closedir(dir);
    if (foreign > 0) {
        fail("INCOMPATIBLE_STORE", "store %s: no object table here yet, and the directory holds %d file%s that no store"
             " makes (%s%s): a store is made only in an empty directory or one that holds nothing but a store's files;"
             " nothing was written", root, foreign, foreign == 1 ? "" : "s", named, foreign > 3 ? ", ..." : "");
    }
}

/* Makes a new, complete table under a temporary name and links it to `table` (EEXIST: another creator was first). */
static void create_table(void)
{
    refuse_foreign_files();
    /* the sections and sizes of TableFile.create with the default object limit: about 6.8 MB */
    uint64_t journal = 4096;
    uint64_t processes = journal + NEW_JOURNAL * JOURNAL_ENTRY_SIZE;
    uint64_t objects = processes + NEW_PROCESSES * PROCESS_SLOT_SIZE;
    uint64_t descriptors = objects + (uint64_t)NEW_OBJECTS * OBJECT_SLOT_SIZE;
    uint64_t directory = descriptors + (uint64_t)NEW_DESCRIPTOR_SLOTS * DESCRIPTOR_SLOT_SIZE;
    uint64_t size = directory + (uint64_t)NEW_DIRECTORY * DIRECTORY_ENTRY_SIZE;
    char temporary[96];
    snprintf(temporary, sizeof temporary, ".t.%" PRIu64 ".table.%" PRId64, self_pid, now_ns(CLOCK_MONOTONIC));
    int fd = openat(root_fd, temporary, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, (mode_t)file_mode());
    if (fd < 0) {
        fail(reason_of(errno), "cannot create the object table %s/%s: %s", root, TABLE_FILE, strerror(errno));
    }
    unsigned char header[PAGE] = {0};
    memcpy(header + T_MAGIC, "SHMTABL", 8);
    put32(header + T_VERSION, 1);
    put32(header + T_HEADER_SIZE, PAGE);
    put64(header + T_OBJECT_CAPACITY, NEW_OBJECTS);
    put64(header + T_OBJECT_LIMIT, NEW_OBJECT_LIMIT);
    put64(header + T_PROCESS_CAPACITY, NEW_PROCESSES);
    put64(header + T_DESCRIPTOR_SLOTS, NEW_DESCRIPTOR_SLOTS);
    put64(header + T_DIRECTORY_CAPACITY, NEW_DIRECTORY);
    put64(header + T_DIRECTORY_OFFSET, directory);
    put64(header + T_JOURNAL_CAPACITY, NEW_JOURNAL);
    put64(header + T_JOURNAL_OFFSET, journal);
    put64(header + T_PROCESS_OFFSET, processes);
    put64(header + T_OBJECT_OFFSET, objects);
    put64(header + T_DESCRIPTOR_OFFSET, descriptors);
    put64(header + T_TABLE_SIZE, size);
    int error = 0;
    if (fchmod(fd, (mode_t)file_mode()) != 0 || ftruncate(fd, (off_t)size) != 0) {
        error = errno;
    } else if ((error = posix_fallocate(fd, 0, (off_t)size)) != 0) {
        /* posix_fallocate returns the error instead of setting errno */
    } else if (!write_fully(fd, header, sizeof header, 0)) {
        error = errno;
    }
    close(fd);
    if (error == 0 && linkat(root_fd, temporary, root_fd, TABLE_FILE, 0) != 0 && errno != EEXIST) {
        error = errno;   /* EEXIST: that creator's table is complete, it was linked only after being written */
    }
    unlinkat(root_fd, temporary, 0);
    if (error != 0) {
        fail(error == ENOSPC ? "NO_MEMORY" : "INTERNAL", "cannot create the object table %s/%s: %s", root,
             TABLE_FILE, strerror(error));
    }
}

static void check_owner(const struct stat *st, const char *file)
{
    static uid_t uid = (uid_t)-1;
    if (uid == (uid_t)-1) {
        uid = getuid();
    }
    if (!group_shared && st->st_uid != uid) {
        fail("ACCESS_DENIED", "%s/%s is owned by uid %u, not by this user (uid %u), and the store is not"
             " group-shared; it was left untouched", root, file, (unsigned)st->st_uid, (unsigned)uid);
    }
}

__attribute__((noreturn))
static void table_incompatible(const char *why)
{
    fail("INCOMPATIBLE_STORE", "the object table %s/%s cannot be used: %s; it was left untouched", root, TABLE_FILE,
         why);
}

/*
 * Whether a section of count items of item_size bytes at the offset in header word offset_word lies after the header,
 * 8-byte aligned, inside the table's size bytes (written so that no product or sum can overflow).
 */
static bool section_fits(uint64_t offset_word, uint64_t count, uint64_t item_size, uint64_t size)
{
    uint64_t offset = le64(table + offset_word);
    return count <= size / item_size && offset >= PAGE && offset % 8 == 0 && offset <= size - count * item_size;
}

/*
 * Checks the table header as ObjectTable.checkHeader does, plus every section's bounds and alignment (C has no bounds
 * checks): journal, processes, objects, descriptor slots and directory.
 */
static void check_table_header(void)
{
    if (memcmp(table + T_MAGIC, "SHMTABL", 8) != 0) {
        table_incompatible("it does not start with the SHMTABL magic");
    }
    uint32_t version = le32(table + T_VERSION);
    if (version != 1) {
        char why[128];
        snprintf(why, sizeof why, "its layout version is %" PRIu32 ", this code reads version 1; use a matching"
                 " release or another root", version);
        table_incompatible(why);
    }
    uint64_t objects = le64(table + T_OBJECT_CAPACITY), processes = le64(table + T_PROCESS_CAPACITY);
    uint64_t journal = le64(table + T_JOURNAL_CAPACITY), size = table_size;
    bool sane = le32(table + T_HEADER_SIZE) == PAGE && objects > 0 && (objects & (objects - 1)) == 0
            && le64(table + T_OBJECT_LIMIT) <= objects
            && processes > 0 && journal > 0 && le64(table + T_TABLE_SIZE) == size
            && section_fits(T_JOURNAL_OFFSET, journal, JOURNAL_ENTRY_SIZE, size)
            && section_fits(T_PROCESS_OFFSET, processes, PROCESS_SLOT_SIZE, size)
            && section_fits(T_OBJECT_OFFSET, objects, OBJECT_SLOT_SIZE, size)
            && section_fits(T_DESCRIPTOR_OFFSET, le64(table + T_DESCRIPTOR_SLOTS), DESCRIPTOR_SLOT_SIZE, size)
            && section_fits(T_DIRECTORY_OFFSET, le64(table + T_DIRECTORY_CAPACITY), DIRECTORY_ENTRY_SIZE, size);
    if (!sane) {
        char why[128];
        snprintf(why, sizeof why, "its header describes sections that do not fit its %" PRIu64 " bytes", size);
        table_incompatible(why);
    }
}

/* Opens (creating it if missing) and maps `table`. */
static void attach(void)
{
    for (int attempt = 0;; attempt++) {
        struct stat st;
        if (fstatat(root_fd, TABLE_FILE, &st, AT_SYMLINK_NOFOLLOW) != 0) {
            if (errno != ENOENT) {
                fail(reason_of(errno), "cannot open the object table %s/%s: %s", root, TABLE_FILE, strerror(errno));
            }
            create_table();
        }
        table_fd = openat(root_fd, TABLE_FILE, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
        if (table_fd >= 0) {
            break;
        }
        if (errno != ENOENT || attempt == 100) {   /* ENOENT: the last participant unlinked it just now */
            fail(errno == EACCES ? "ACCESS_DENIED" : errno == ELOOP ? "INCOMPATIBLE_STORE" : "INTERNAL",
                 "cannot open the object table %s/%s: %s", root, TABLE_FILE, strerror(errno));
        }
    }
    struct stat st;
    if (fstat(table_fd, &st) != 0) {
        fail("INTERNAL", "cannot stat the object table %s/%s: %s", root, TABLE_FILE, strerror(errno));
    }
    if (!S_ISREG(st.st_mode)) {
        table_incompatible("it is not a regular file");
    }
    check_owner(&st, TABLE_FILE);
    if (st.st_size < (off_t)PAGE) {
        table_incompatible("it is shorter than a table header");
    }
    table_size = (uint64_t)st.st_size;
    void *mapped = mmap(NULL, table_size, PROT_READ | PROT_WRITE, MAP_SHARED, table_fd, 0);
    if (mapped == MAP_FAILED) {
        fail("INTERNAL", "cannot map the object table %s/%s: %s", root, TABLE_FILE, strerror(errno));
    }
    table = mapped;
    table_dev = st.st_dev;
    table_ino = st.st_ino;
    check_table_header();
    object_capacity = le64(table + T_OBJECT_CAPACITY);
    object_limit = le64(table + T_OBJECT_LIMIT) == 0 ? object_capacity : le64(table + T_OBJECT_LIMIT);
    process_capacity = le64(table + T_PROCESS_CAPACITY);
    journal_capacity = le64(table + T_JOURNAL_CAPACITY);
    journal_offset = le64(table + T_JOURNAL_OFFSET);
    process_offset = le64(table + T_PROCESS_OFFSET);
    object_offset = le64(table + T_OBJECT_OFFSET);
    descriptor_slots = le64(table + T_DESCRIPTOR_SLOTS);
    descriptor_offset = le64(table + T_DESCRIPTOR_OFFSET);
    directory_capacity = le64(table + T_DIRECTORY_CAPACITY);
    directory_offset = le64(table + T_DIRECTORY_OFFSET);
    self_slot = -1;
}

static void detach(void)
{
    munmap(table, table_size);
    table = NULL;
    close(table_fd);
    table_fd = -1;
}

/* ------------------------------------------------------------------------------------------------------------------
 * Objects in the table
 * ------------------------------------------------------------------------------------------------------------------ */

/* FNV-1a, 64 bit, of the file name's bytes. */
static uint64_t fnv1a(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (; *s != '\0'; s++) {
        h ^= (unsigned char)*s;
        h *= 0x100000001b3ULL;
    }
    return h;
}

/* The file name of an object slot, NUL-terminated. */
static void slot_file_name(uint64_t slot, char out[SLOT_FILE_NAME + 1])
{
    uint64_t length = get(object_at(slot, O_FILE_NAME_LENGTH));
    if (length > SLOT_FILE_NAME) {
        length = SLOT_FILE_NAME;
    }
    memcpy(out, table + object_at(slot, O_FILE_NAME), length);
    out[length] = '\0';
}

/* Open addressing: from hash & (capacity - 1), probe linearly until an empty slot; tombstones are skipped. */
static long find_object(const char *file)
{
    uint64_t hash = fnv1a(file), mask = object_capacity - 1;
    uint64_t slot = hash & mask;
    for (uint64_t i = 0; i < object_capacity; i++, slot = (slot + 1) & mask) {
        uint64_t state = get(object_at(slot, O_STATE));
        if (state == EMPTY) {
            return -1;
        }
        if (state != TOMBSTONE && get(object_at(slot, O_HASH)) == hash) {
            char other[SLOT_FILE_NAME + 1];
            slot_file_name(slot, other);
            if (strcmp(other, file) == 0) {
                return (long)slot;
            }
        }
    }
    return -1;
}

/*
 * Frees an object slot, as ObjectTable.freeSlot: the pool it was charged to (an object Java made in a pool) gets its
 * reserved size back; then the slot becomes a tombstone, or empty (with the tombstones before it) when the next slot
 * is empty. Inside a transaction.
 */
static void free_slot(uint64_t slot)
{
    uint64_t pool = get(object_at(slot, O_POOL));
    if (pool > 0) {
        if (pool > MAX_POOLS) {
            fail("INCOMPATIBLE_STORE", "the object table %s/%s charges an object to the impossible pool %" PRIu64
                 "; it was left untouched", root, TABLE_FILE, pool - 1);
        }
        uint64_t used = pool_at(pool - 1, POOL_USED);
        put(used, get(used) - get(object_at(slot, O_RESERVED)));
        put(object_at(slot, O_POOL), 0);
    }
    uint64_t mask = object_capacity - 1;
    put(object_at(slot, O_HANDLES), 0);
    put(object_at(slot, O_INODE), 0);
    put(object_at(slot, O_STATE), TOMBSTONE);
    if (get(object_at((slot + 1) & mask, O_STATE)) == EMPTY) {
        for (uint64_t s = slot; get(object_at(s, O_STATE)) == TOMBSTONE; s = (s - 1) & mask) {
            put(object_at(s, O_STATE), EMPTY);
        }
    }
}

/* slot -> destroying: pending intents + 1, live objects - 1 (inside a transaction). */
static void mark_destroying(uint64_t slot)
{
    put(object_at(slot, O_STATE), DESTROYING);
    put(T_PENDING_INTENTS, get(T_PENDING_INTENTS) + 1);
    put(T_LIVE_OBJECTS, get(T_LIVE_OBJECTS) - 1);
}

/*
 * Whether a file name read from the table is one the platform writes: "n.", "h." or "u." followed by the bytes
 * A-Z a-z 0-9 - _ . % only (so never "/", never "." or "..", never outside the root). Java checks the exact encoding
 * (NameCodec.isObjectFileName); this weaker check is enough to keep every file call inside the root.
 */
static bool valid_object_file_name(const char *file)
{
    if (strncmp(file, "n.", 2) != 0 && strncmp(file, "h.", 2) != 0 && strncmp(file, "u.", 2) != 0) {
        return false;
    }
    if (file[2] == '\0') {
        return false;
    }
    for (const char *c = file; *c != '\0'; c++) {
        if (!is_plain((unsigned char)*c) && *c != '%') {
            return false;
        }
    }
    return true;
}

/*
 * Unlinks the file of a creating or destroying slot, then commits: holders cleared, slot freed, pending - 1. The
 * file is unlinked only when it is the one the slot recorded (same inode; for a slot without an inode, written by an
 * older release: a regular file of this user, or any user's when group-shared, and only for a destroying slot);
 * anything else is left alone and reported on stderr, and the slot is freed either way.
 */
static void finish_destroy(uint64_t slot)
{
    char file[SLOT_FILE_NAME + 1];
    slot_file_name(slot, file);
    if (!valid_object_file_name(file)) {
        fail("INCOMPATIBLE_STORE", "the object table %s/%s lists the impossible file name '%s' in slot %" PRIu64
             "; run the store check with repair (shm:check --repair); nothing was touched", root, TABLE_FILE, file,
             slot);
    }
    uint64_t inode = get(object_at(slot, O_INODE));
    bool linked = get(object_at(slot, O_STATE)) == DESTROYING;
    struct stat st;
    if (fstatat(root_fd, file, &st, AT_SYMLINK_NOFOLLOW) == 0) {
        bool ours = S_ISREG(st.st_mode)
                && (inode != 0 ? (uint64_t)st.st_ino == inode
                               : linked && (group_shared || st.st_uid == geteuid()));
        if (!ours) {
            fprintf(stderr, "shm_peer: store %s: %s was not removed with its object: it is not the file the table"
                    " recorded; it was left untouched\n", root, file);
        } else if (unlinkat(root_fd, file, 0) != 0 && errno != ENOENT) {
            fprintf(stderr, "shm_peer: store %s: %s was not removed with its object: %s; it was left untouched\n",
                    root, file, strerror(errno));
        }
    }
    crash_point("unlinked");
    put(T_PENDING_INTENTS, get(T_PENDING_INTENTS) - 1);
    for (int h = 0; h < HOLDERS; h++) {
        put(holder_at(slot, h, 0), 0);
        put(holder_at(slot, h, 8), 0);
    }
    free_slot(slot);
    commit();
}

static int holder_index(uint64_t slot, long process_slot)
{
    for (int h = 0; h < HOLDERS; h++) {
        if (get(holder_at(slot, h, 0)) == (uint64_t)process_slot + 1) {
            return h;
        }
    }
    return -1;
}

/* One more handle of this process: its holder entry, the object's and the process's counts (in a transaction).
 * "Adding a handle" step 2 of docs/mmap-store.md: this peer never parks, so it never reclaims a parked hold (step 1
 * is for the successor of a parked handle only) and leaves every parked slot, its own pid's included, as it is. */
static void add_handle(uint64_t slot)
{
    int h = holder_index(slot, self_slot);
    if (h < 0) {
        for (int i = 0; i < HOLDERS && h < 0; i++) {
            if (get(holder_at(slot, i, 0)) == 0) {
                h = i;
            }
        }
        if (h < 0) {
            fail("LIMIT", "an object can be held by at most %d processes at once, and %s is", HOLDERS, file_name);
        }
        put(holder_at(slot, h, 0), (uint64_t)self_slot + 1);
    }
    put(holder_at(slot, h, 8), get(holder_at(slot, h, 8)) + 1);
    put(object_at(slot, O_HANDLES), get(object_at(slot, O_HANDLES)) + 1);
    put(process_at((uint64_t)self_slot, P_HANDLES), get(process_at((uint64_t)self_slot, P_HANDLES)) + 1);
}

/* ------------------------------------------------------------------------------------------------------------------
 * The locking protocol
 * ------------------------------------------------------------------------------------------------------------------ */

/* Step 2: flock(LOCK_EX | LOCK_NB), retried with a growing pause (20 us up to 2 ms) until a 10 s deadline. */
static void flock_with_deadline(void)
{
    int64_t deadline = now_ns(CLOCK_MONOTONIC) + LOCK_TIMEOUT_NS;
    long pause = 20000;
    while (flock(table_fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno == EINTR) {
            continue;
        }
        if (errno != EWOULDBLOCK) {
            fail("INTERNAL", "cannot lock the object table of %s: %s", root, strerror(errno));
        }
        if (now_ns(CLOCK_MONOTONIC) - deadline > 0) {
            fail("INTERNAL", "the object table of %s stayed locked by another live process for %lld ms", root,
                 LOCK_TIMEOUT_NS / 1000000);
        }
        pause_ns(pause);
        pause = pause * 2 > 2000000 ? 2000000 : pause * 2;
    }
}

/*
 * Step 3: whether `table` in the root is still the file we have open. A process registered in the table it has open
 * may skip the check (the table is unlinked only when no process slot is live); like the Java backend, this one skips
 * it then, but checks every 64th lock anyway.
 */
static unsigned link_checks_skipped;

static bool registered_here(void)
{
    return self_slot >= 0 && get(process_at((uint64_t)self_slot, P_STATE)) == PROCESS_LIVE
           && get(process_at((uint64_t)self_slot, P_PID)) == self_pid
           && get(process_at((uint64_t)self_slot, P_START_TIME)) == self_start;
}

static bool still_linked(void)
{
    if (registered_here() && ++link_checks_skipped % 64 != 0) {
        return true;
    }
    struct stat st;
    return fstatat(root_fd, TABLE_FILE, &st, AT_SYMLINK_NOFOLLOW) == 0 && st.st_ino == table_ino
            && st.st_dev == table_dev;
}

/* Step 4: roll back a dead writer's journal, then finish the intents of dead writers. */
static void recover(void)
{
    if (get(T_JOURNAL_COUNT) != 0) {
        rollback();
    }
    if (get(T_PENDING_INTENTS) == 0) {
        return;
    }
    for (uint64_t slot = 0; slot < object_capacity; slot++) {
        uint64_t state = get(object_at(slot, O_STATE));
        if (state == CREATING || state == DESTROYING) {
            finish_destroy(slot);
        }
    }
}

/*
 * Step 5: our process slot (pid + start time), taken from the free ones if we are not registered yet. Returns false
 * when no slot is free: the caller reaps (step 6), then registers again, and only then fails with LIMIT.
 */
static bool try_register_self(void)
{
    if (registered_here()) {
        return true;
    }
    self_slot = -1; /* not (or no longer) ours: the reaper must not spare it */
    long free = -1;
    for (uint64_t slot = 0; slot < process_capacity; slot++) {
        if (get(process_at(slot, P_STATE)) == PROCESS_LIVE) {
            if (get(process_at(slot, P_PID)) == self_pid && get(process_at(slot, P_START_TIME)) == self_start) {
                self_slot = (long)slot;
                return true;
            }
        } else if (free < 0 && get(process_at(slot, P_STATE)) == PROCESS_FREE) {
            free = (long)slot; /* a parked slot is not free */
        }
    }
    if (free < 0) {
        return false;
    }
    put(process_at((uint64_t)free, P_PID), self_pid);
    put(process_at((uint64_t)free, P_START_TIME), self_start);
    put(process_at((uint64_t)free, P_HANDLES), 0);
    put(process_at((uint64_t)free, P_STATE), PROCESS_LIVE);
    commit();
    self_slot = free;
    return true;
}

static void register_self(void)
{
    if (!try_register_self()) {
        fail("LIMIT", "the object table of %s has room for %" PRIu64 " processes and all are in use", root,
             process_capacity);
    }
}

/*
 * Deletes descriptor slot d (inside a transaction), as ObjectTable.freeDescriptor: slot -> free, its table's used
 * count - 1, its owner's count for that table - 1.
 */
static void free_descriptor(uint64_t d)
{
    uint64_t table_plus_one = get(descriptor_at(d, D_TABLE)), owner = get(descriptor_at(d, D_OWNER));
    if (table_plus_one < 1 || table_plus_one > MAX_DESCRIPTOR_TABLES || owner >= process_capacity) {
        fail("INCOMPATIBLE_STORE", "the object table %s/%s lists descriptor slot %" PRIu64 " in table %" PRIu64
             " owned by process slot %" PRIu64 ", which do not exist; it was left untouched", root, TABLE_FILE, d,
             table_plus_one - 1, owner);
    }
    uint64_t t = table_plus_one - 1;
    put(descriptor_at(d, D_STATE), 0);
    put(descriptor_table_at(t, DT_USED), get(descriptor_table_at(t, DT_USED)) - 1);
    put(process_at(owner, P_DESCRIPTORS + 8 * t), get(process_at(owner, P_DESCRIPTORS + 8 * t)) - 1);
}

/*
 * Step 6: every other live process slot whose process is gone, and every parked slot (state 2) whose deadline passed
 * or whose process is gone, is released as ObjectTable.reapProcess does, each
 * step a transaction of its own (a dead process may hold more than one journal can take): its holder entries are
 * removed one object at a time, the objects' handle counts lowered and objects left at 0 handles destroyed; then
 * every descriptor it owns is deleted and every directory entry it bound removed, one at a time; finally its slot is
 * freed with its handle and descriptor counts cleared.
 */
static uint64_t now_millis(void)
{
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    return (uint64_t)now.tv_sec * 1000u + (uint64_t)now.tv_nsec / 1000000u;
}

static void reap_dead_processes(void)
{
    uint64_t now = now_millis();
    for (uint64_t p = 0; p < process_capacity; p++) {
        uint64_t state = get(process_at(p, P_STATE));
        if ((long)p == self_slot || (state != PROCESS_LIVE && state != PROCESS_PARKED)) {
            continue;
        }
        /* A parked slot goes like a dead process's when its deadline has passed or its process is gone. */
        bool expired = state == PROCESS_PARKED && now >= get(process_at(p, P_PARK_DEADLINE));
        if (!expired && process_alive(p, get(process_at(p, P_PID)), get(process_at(p, P_START_TIME)))) {
            continue;
        }
        for (uint64_t slot = 0; slot < object_capacity; slot++) {
            if (get(object_at(slot, O_STATE)) != LIVE) {
                continue;
            }
            bool destroy = false, changed = false;
            for (int h = 0; h < HOLDERS; h++) {
                if (get(holder_at(slot, h, 0)) == p + 1) {
                    uint64_t remaining = get(object_at(slot, O_HANDLES)) - get(holder_at(slot, h, 8));
                    put(holder_at(slot, h, 0), 0);
                    put(holder_at(slot, h, 8), 0);
                    put(object_at(slot, O_HANDLES), remaining);
                    changed = true;
                    if (remaining == 0 && !destroy) {
                        mark_destroying(slot);
                        destroy = true;
                    }
                }
            }
            if (changed) {
                commit();
            }
            if (destroy) {
                finish_destroy(slot);
            }
        }
        for (uint64_t d = 0; d < descriptor_slots; d++) {
            if (get(descriptor_at(d, D_STATE)) == 1 && get(descriptor_at(d, D_OWNER)) == p) {
                free_descriptor(d);
                commit();
            }
        }
        for (uint64_t e = 0; e < directory_capacity; e++) {
            if (get(directory_at(e, E_STATE)) == 1 && get(directory_at(e, E_OWNER)) == p) {
                put(directory_at(e, E_STATE), 0);
                commit();
            }
        }
        put(process_at(p, P_HANDLES), 0);
        for (uint64_t t = 0; t < MAX_DESCRIPTOR_TABLES; t++) {
            put(process_at(p, P_DESCRIPTORS + 8 * t), 0);
        }
        put(process_at(p, P_STATE), PROCESS_FREE);
        commit();
    }
}

/* Steps 2 to 6; step 7, the work, is the caller's, which then calls unlock_table. */
static void lock_table(void)
{
    flock_with_deadline();
    while (!still_linked()) {
        /* The last participant removed this table after we opened it: use the current one. */
        flock(table_fd, LOCK_UN);
        detach();
        attach();
        flock_with_deadline();
    }
    locked = true;
    recover();
    bool registered = try_register_self();
    reap_dead_processes();
    if (!registered) {
        register_self(); /* the reap may have freed dead processes' slots */
    }
}

static void unlock_table(void)
{
    locked = false;
    if (flock(table_fd, LOCK_UN) != 0) {
        fail("INTERNAL", "cannot unlock the object table of %s: %s", root, strerror(errno));
    }
}

/* ------------------------------------------------------------------------------------------------------------------
 * Object lifetime (all called with the table locked)
 * ------------------------------------------------------------------------------------------------------------------ */

/* Reads and checks an open object file's header page, as ObjectHeader.readFrom and MmapBackend.readHeader do. */
static void check_object_header(int fd, uint64_t want_reserved)
{
    struct stat st;
    if (fstat(fd, &st) != 0) {
        fail("INTERNAL", "cannot read the attributes of %s/%s: %s", root, file_name, strerror(errno));
    }
    if (!S_ISREG(st.st_mode)) {
        fail("INCOMPATIBLE_STORE", "%s/%s is not a regular file (a link, directory or device) and was not written by"
             " this platform; it was left untouched", root, file_name);
    }
    check_owner(&st, file_name);
    unsigned char page[PAGE] = {0};
    if (!read_fully(fd, page, sizeof page, 0)) {
        fail("INTERNAL", "cannot read the header of %s/%s: %s", root, file_name, strerror(errno));
    }
    char why[160] = "";
    uint64_t reserved = le64(page + OH_RESERVED), logical = le64(page + OH_LOGICAL);
    uint32_t name_length = le32(page + OH_NAME_LENGTH);
    bool unnamed = (le32(page + OH_FLAGS) & 1) != 0;
    if (memcmp(page + OH_MAGIC, "SHMPLAT", 8) != 0) {
        snprintf(why, sizeof why, "not a shm platform object (no SHMPLAT magic)");
    } else if (le32(page + OH_VERSION) != 1) {
        snprintf(why, sizeof why, "object layout version %" PRIu32 " is not supported (this code reads 1)",
                 le32(page + OH_VERSION));
    } else if (le32(page + OH_TYPE) < 1 || le32(page + OH_TYPE) > 4) {
        snprintf(why, sizeof why, "object type code %" PRIu32 " is unknown", le32(page + OH_TYPE));
    } else if (le64(page + OH_DATA_OFFSET) != PAGE) {
        snprintf(why, sizeof why, "data offset %" PRIu64 " is not %u", le64(page + OH_DATA_OFFSET), PAGE);
    } else if (reserved < 1 || reserved > MAX_SIZE || logical < 1 || logical > reserved) {
        snprintf(why, sizeof why, "sizes are inconsistent: reserved %" PRIu64 ", logical %" PRIu64, reserved, logical);
    } else if ((uint64_t)st.st_size < PAGE + reserved) {
        snprintf(why, sizeof why, "file is %lld bytes, shorter than its header says (%" PRIu64 ")",
                 (long long)st.st_size, PAGE + reserved);
    } else if (name_length > MAX_NAME_BYTES || (unnamed && name_length != 0) || (!unnamed && name_length == 0)) {
        snprintf(why, sizeof why, "name length %" PRIu32 " is invalid", name_length);
    }
    if (why[0] != '\0') {
        fail("INCOMPATIBLE_STORE", "%s/%s is not usable: %s; it was left untouched", root, file_name, why);
    }
    if (name_length != name_len || memcmp(page + OH_NAME, name, name_len) != 0) {
        fail("INCOMPATIBLE_STORE", "%s/%s holds the object '%.*s', not this one; it was left untouched", root,
             file_name, (int)(name_length > 200 ? 200 : name_length), (const char *)page + OH_NAME);
    }
    if (reserved != want_reserved || le32(page + OH_TYPE) != object_type) {
        fail("INCOMPATIBLE_STORE", "%s/%s does not match its object table entry (size or type differ); it was left"
             " untouched", root, file_name);
    }
}

/* Maps [4096, 4096 + size) of the object file shared, read-write. */
static void map_data(int fd, uint64_t size)
{
    if (size > SIZE_MAX) {
        fail("NO_MEMORY", "the object's %" PRIu64 " bytes cannot be mapped in this process", size);
    }
    void *p = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, PAGE);
    if (p == MAP_FAILED) {
        fail(reason_of(errno), "cannot map %s/%s: %s", root, file_name, strerror(errno));
    }
    data = p;
    data_size = size;
}

/* Open: find the live slot; check type, then the recorded inode (or the header) and owner; map; commit (holder + 1, handles + 1). */
static void open_existing(long slot)
{
    uint64_t type = get(object_at((uint64_t)slot, O_TYPE));
    if (type != object_type) {
        static const char *types[] = {"?", "SHARED_MEMORY", "EVENT", "MUTEX", "SEMAPHORE"};
        fail("NAME_USED_BY_OTHER_TYPE", "the name is held by an object of type %s, not %s",
             type <= 4 ? types[type] : "?", types[object_type]);
    }
    int fd = openat(root_fd, file_name, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) {
            fail("INCOMPATIBLE_STORE", "the object table lists %s/%s but the file is gone (removed by hand?)", root,
                 file_name);
        }
        if (errno == ELOOP) {
            fail("INCOMPATIBLE_STORE", "%s/%s is not a regular file (a link, directory or device) and was not written"
                 " by this platform; it was left untouched", root, file_name);
        }
        fail(reason_of(errno), "cannot open %s/%s: %s", root, file_name, strerror(errno));
    }
    struct stat st;
    uint64_t inode = get(object_at((uint64_t)slot, O_INODE)), reserved = get(object_at((uint64_t)slot, O_RESERVED));
    if (fstat(fd, &st) != 0) {
        fail("INTERNAL", "cannot read the attributes of %s/%s: %s", root, file_name, strerror(errno));
    }
    if (inode != 0 && strncmp(file_name, "h.", 2) != 0) {
        /*
         * The recorded inode vouches for the file: it was linked only once complete, so its header is not read again
         * (as ObjectFiles.openRecorded). Regular, ours, that inode and 4096 + reserved bytes long.
         */
        if (!S_ISREG(st.st_mode)) {
            fail("INCOMPATIBLE_STORE", "%s/%s is not a regular file (a link, directory or device) and was not written"
                 " by this platform; it was left untouched", root, file_name);
        }
        check_owner(&st, file_name);
        if ((uint64_t)st.st_ino != inode || (uint64_t)st.st_size != PAGE + reserved) {
            fail("INCOMPATIBLE_STORE", "%s/%s does not match its object table entry (inode %" PRIu64 " and length %"
                 PRIu64 ", recorded inode %" PRIu64 " and length %" PRIu64 ": the file was replaced outside the"
                 " platform); it was left untouched", root, file_name, (uint64_t)st.st_ino, (uint64_t)st.st_size,
                 inode, PAGE + reserved);
        }
    } else {
        /* no inode recorded (a slot of an older release), or an h. name, whose object name only the header holds */
        if (inode != 0 && (uint64_t)st.st_ino != inode) {
            fail("INCOMPATIBLE_STORE", "%s/%s does not match its object table entry (its inode differs: the file was"
                 " replaced outside the platform); it was left untouched", root, file_name);
        }
        check_object_header(fd, reserved);
    }
    map_data(fd, get(object_at((uint64_t)slot, O_LOGICAL)));
    close(fd);
    add_handle((uint64_t)slot);
    commit();
    handle_slot = slot;
}

/*
 * lookup: under the table lock, the object that the RTHANDLE bound to NAME in directory SCOPE names. A memory handle
 * is GDT slot s encoded as (s + 1) << 3; its descriptor names an object slot and that object's serial, which must
 * still be the object's (a freed and reused slot is "not found"). Sets file_name to the object's file, and the name
 * the header is checked against to none (such memory is unnamed).
 */
static long find_cataloged(const char *scope, uint64_t *rthandle)
{
    size_t scope_len = strlen(scope);
    if (scope_len < 1 || scope_len > E_SCOPE_BYTES || name_len > E_NAME_BYTES) {
        fail("INVALID_NAME", "a directory scope has 1 to %d bytes and a cataloged name at most %d", E_SCOPE_BYTES,
             E_NAME_BYTES);
    }
    for (uint64_t e = 0; e < directory_capacity; e++) {
        if (get(directory_at(e, E_STATE)) != 1 || get(directory_at(e, E_SCOPE_LENGTH)) != scope_len
            || get(directory_at(e, E_NAME_LENGTH)) != name_len
            || memcmp(table + directory_at(e, E_SCOPE), scope, scope_len) != 0
            || memcmp(table + directory_at(e, E_NAME), name, name_len) != 0) {
            continue;
        }
        uint64_t value = get(directory_at(e, E_VALUE));
        *rthandle = value;
        if (value < 0x0008 || value > 0xFFF8 || (value & 7) != 0) {
            fail("WRONG_TYPE", "the name is cataloged in %s as RTHANDLE 0x%04" PRIx64 ", which is not a memory handle",
                 scope, value);
        }
        uint64_t gdt_slot = (value >> 3) - 1;
        for (uint64_t t = 0; t < MAX_DESCRIPTOR_TABLES; t++) {
            const unsigned char *table_name = table + descriptor_table_at(t, 0);
            if (strnlen((const char *)table_name, DT_NAME_BYTES) != strlen(GDT_TABLE)
                || memcmp(table_name, GDT_TABLE, strlen(GDT_TABLE)) != 0) {
                continue;
            }
            if (gdt_slot >= get(descriptor_table_at(t, DT_CAPACITY))) {
                break;
            }
            uint64_t d = get(descriptor_table_at(t, DT_FIRST)) + gdt_slot;
            if (d >= descriptor_slots || get(descriptor_at(d, D_STATE)) != 1 || get(descriptor_at(d, D_TABLE)) != t + 1) {
                break;
            }
            uint64_t slot = get(descriptor_at(d, D_OBJECT));
            if (slot >= object_capacity || get(object_at(slot, O_STATE)) != LIVE
                || get(object_at(slot, O_SERIAL)) != get(descriptor_at(d, D_SERIAL))) {
                fail("NOT_FOUND", "RTHANDLE 0x%04" PRIx64 ", cataloged in %s, names memory that was freed", value, scope);
            }
            if (get(descriptor_at(d, D_OFFSET)) != 0) {
                fail("INVALID_PARAMETER", "RTHANDLE 0x%04" PRIx64 " names a region at offset %" PRIu64 " of its object;"
                     " this program maps whole objects only", value, get(descriptor_at(d, D_OFFSET)));
            }
            uint64_t length = get(object_at(slot, O_FILE_NAME_LENGTH));
            if (length < 1 || length > MAX_FILE_NAME) {
                fail("INCOMPATIBLE_STORE", "object slot %" PRIu64 " has a file name of %" PRIu64 " bytes", slot, length);
            }
            memcpy(file_name, table + object_at(slot, O_FILE_NAME), (size_t)length);
            file_name[length] = '\0';
            name_len = 0; /* memory of a memory handle is unnamed: its header holds no name */
            return (long)slot;
        }
        fail("NOT_FOUND", "RTHANDLE 0x%04" PRIx64 ", cataloged in %s, names no descriptor of the GDT", value, scope);
    }
    fail("NOT_FOUND", "no name is cataloged in directory %s under this name", scope);
    return -1;
}

/*
 * Refuses a file of that name in the root although the table does not list it (another user's: ACCESS_DENIED, as
 * ObjectFiles.refuseUnknown); it is never touched.
 */
static void refuse_foreign_file(void)
{
    struct stat st;
    if (fstatat(root_fd, file_name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
        check_owner(&st, file_name);
        fail("INCOMPATIBLE_STORE", "%s/%s exists but the object table does not know it, so it was not created by this"
             " platform's protocol; it was left untouched", root, file_name);
    }
}

/*
 * Create: commit an intent (slot -> creating, pending + 1); make the object file unnamed (O_TMPFILE; where the file
 * system refuses it, under .t.<pid>.<random>), its size reserved with posix_fallocate, the header written with pwrite;
 * commit its inode; link it to its name (EEXIST: a foreign file is there, refused untouched); map it; commit (slot ->
 * live, pending - 1, live objects + 1, our holder + 1, handles + 1). As ObjectLifecycle.createNew and NewObjectFiles.
 */
static void create_new(uint64_t size)
{
    if (get(T_LIVE_OBJECTS) + get(T_PENDING_INTENTS) >= object_limit) {
        fail("LIMIT", "the object table of %s holds at most %" PRIu64 " objects and is full", root, object_limit);
    }
    /* the intent */
    uint64_t hash = fnv1a(file_name), mask = object_capacity - 1, slot = hash & mask;
    long free = -1;
    for (uint64_t i = 0; i < object_capacity; i++, slot = (slot + 1) & mask) {
        uint64_t state = get(object_at(slot, O_STATE));
        if (state == EMPTY || state == TOMBSTONE) {
            free = (long)slot;
            break;
        }
    }
    if (free < 0) {
        fail("LIMIT", "the object table of %s holds at most %" PRIu64 " objects and is full", root, object_capacity);
    }
    slot = (uint64_t)free;
    /*
     * As ObjectTable.beginCreate: no pool (this program never charges one), and the serial that object references
     * carry is the generation this transaction commits.
     */
    put(object_at(slot, O_POOL), 0);
    put(object_at(slot, O_SERIAL), get(T_GENERATION) + 1);
    put(object_at(slot, O_TYPE), TYPE_SHARED_MEMORY);
    put(object_at(slot, O_RESERVED), size);
    put(object_at(slot, O_LOGICAL), size);
    put(object_at(slot, O_HANDLES), 0);
    put(object_at(slot, O_HASH), hash);
    put(object_at(slot, O_CREATOR), (uint64_t)self_slot);
    put(object_at(slot, O_FILE_NAME_LENGTH), strlen(file_name));
    unsigned char padded[SLOT_FILE_NAME] = {0};
    memcpy(padded, file_name, strlen(file_name));
    for (int w = 0; w < SLOT_FILE_NAME / 8; w++) {
        put(object_at(slot, O_FILE_NAME + 8 * (uint64_t)w), le64(padded + 8 * w));
    }
    put(object_at(slot, O_STATE), CREATING);
    put(T_PENDING_INTENTS, get(T_PENDING_INTENTS) + 1);
    commit();
    creating_slot = free;   /* from here on a failure abandons the intent (see fail) */

    /* the file, complete and unnamed (or under a temporary name), then linked */
    char temporary[64] = "";
    uint64_t length = PAGE + size;
    int fd = openat(root_fd, ".", O_TMPFILE | O_RDWR | O_CLOEXEC, (mode_t)file_mode());
    if (fd < 0 && errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL) {
        fail(reason_of(errno), "cannot create an object file in %s: %s", root, strerror(errno));
    }
    if (fd < 0) {   /* no O_TMPFILE on this file system: a temporary name, removed by the next reap if we die */
        snprintf(temporary, sizeof temporary, ".t.%" PRIu64 ".%016" PRIx64, self_pid, random64());
        fd = openat(root_fd, temporary, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, (mode_t)file_mode());
        if (fd < 0) {
            fail(reason_of(errno), "cannot create %s/%s: %s", root, temporary, strerror(errno));
        }
    }
    unsigned char page[PAGE] = {0};
    memcpy(page + OH_MAGIC, "SHMPLAT", 8);
    put32(page + OH_VERSION, 1);
    put32(page + OH_TYPE, TYPE_SHARED_MEMORY);
    put64(page + OH_RESERVED, size);
    put64(page + OH_LOGICAL, size);
    put64(page + OH_DATA_OFFSET, PAGE);
    put32(page + OH_NAME_LENGTH, (uint32_t)name_len);
    put32(page + OH_FLAGS, 0);
    put64(page + OH_CREATOR_PID, self_pid);
    put64(page + OH_CREATED, (uint64_t)(now_ns(CLOCK_REALTIME) / 1000000));
    memcpy(page + OH_NAME, name, name_len);
    int error = 0;
    struct stat written;
    if ((error = posix_fallocate(fd, 0, (off_t)length)) != 0) {
        /* sizes the file too; a full tmpfs fails here (ENOSPC -> NO_MEMORY), never as SIGBUS on a later access */
    } else if (fstat(fd, &written) != 0) {
        error = errno;
    } else if ((written.st_mode & 07777) != (mode_t)file_mode() && fchmod(fd, (mode_t)file_mode()) != 0) {
        error = errno;   /* fchmod only when the umask took bits of the mode */
    } else if (!write_fully(fd, page, sizeof page, 0)) {
        error = errno;
    }
    if (error == 0) {
        /* which file is the object's, recorded before it gets its name, so a destroyer unlinks only this file */
        put(object_at(slot, O_INODE), (uint64_t)written.st_ino);
        commit();
        creating_inode = (uint64_t)written.st_ino;
        int linked;
        if (temporary[0] == '\0') {
            /* by the descriptor (Linux 6.10 and later let the opener do this), else through /proc */
            linked = linkat(fd, "", root_fd, file_name, AT_EMPTY_PATH);
            if (linked != 0 && (errno == ENOENT || errno == EPERM)) {
                char self_fd[64];
                snprintf(self_fd, sizeof self_fd, "/proc/self/fd/%d", fd);
                linked = linkat(AT_FDCWD, self_fd, root_fd, file_name, AT_SYMLINK_FOLLOW);
            }
        } else {
            linked = linkat(root_fd, temporary, root_fd, file_name, 0);
        }
        if (linked == 0) {
            creating_linked = true;
            crash_point("linked");
        } else if (errno == EEXIST) {
            /* every creator holds the table lock and found the name free, so only a foreign file can be there */
            close(fd);
            if (temporary[0] != '\0') {
                unlinkat(root_fd, temporary, 0);
            }
            refuse_foreign_file();
            fail("INCOMPATIBLE_STORE", "%s/%s appeared in the root while it was being created, outside the object"
                 " table's protocol; it was left untouched", root, file_name);
        } else {
            error = errno;
        }
    }
    if (temporary[0] != '\0') {
        unlinkat(root_fd, temporary, 0);
    }
    if (error != 0) {
        close(fd);
        if (error == ENOSPC || error == EFBIG || error == ENOMEM) {
            fail("NO_MEMORY", "the object needs %" PRIu64 " bytes (data and header page) and %s cannot hold them (%s)",
                 length, root, strerror(error));
        }
        fail(reason_of(error), "cannot create the object file %s/%s: %s", root, file_name, strerror(error));
    }

    /* map it through the descriptor it was made with, then make it live with our handle */
    map_data(fd, size);
    close(fd);
    put(object_at(slot, O_STATE), LIVE);
    put(T_PENDING_INTENTS, get(T_PENDING_INTENTS) - 1);
    put(T_LIVE_OBJECTS, get(T_LIVE_OBJECTS) + 1);
    add_handle(slot);
    commit();
    creating_slot = -1;
    creating_linked = false;
    handle_slot = free;
}

/* On a failed create: unlink the file if it was linked, then commit (free the slot, pending - 1). */
static void abandon_create(void)
{
    uint64_t slot = (uint64_t)creating_slot;
    creating_slot = -1;
    if (data != NULL) {
        munmap(data, data_size);
        data = NULL;
    }
    if (creating_linked) {
        struct stat st;
        if (fstatat(root_fd, file_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && (uint64_t)st.st_ino == creating_inode) {
            unlinkat(root_fd, file_name, 0);
        }
        creating_linked = false;
    }
    put(T_PENDING_INTENTS, get(T_PENDING_INTENTS) - 1);
    free_slot(slot);
    commit();
}

/*
 * Close: unmap; commit (holder - 1, handles - 1; at 0 handles: slot -> destroying, pending + 1, live - 1); if
 * destroying, unlink the file and commit (slot freed, pending - 1). Returns the object's handles left (0: destroyed).
 */
static uint64_t close_handle(void)
{
    uint64_t slot = (uint64_t)handle_slot;
    munmap(data, data_size);
    data = NULL;
    handle_slot = -1;
    int h = holder_index(slot, self_slot);
    if (h < 0 || get(object_at(slot, O_STATE)) != LIVE) {
        fail("INTERNAL", "the object table does not count the handle of this process any more (was it reaped?)");
    }
    uint64_t count = get(holder_at(slot, h, 8)) - 1;
    put(holder_at(slot, h, 8), count);
    if (count == 0) {
        put(holder_at(slot, h, 0), 0);
    }
    put(process_at((uint64_t)self_slot, P_HANDLES), get(process_at((uint64_t)self_slot, P_HANDLES)) - 1);
    uint64_t remaining = get(object_at(slot, O_HANDLES)) - 1;
    put(object_at(slot, O_HANDLES), remaining);
    if (remaining == 0) {
        mark_destroying(slot);
    }
    commit();
    if (remaining == 0) {
        finish_destroy(slot);
    }
    return remaining;
}

static void print_closed(uint64_t remaining)
{
    printf("CLOSED handles=%" PRIu64 " destroyed=%s\n", remaining, remaining == 0 ? "true" : "false");
}

/*
 * Whether a process slot owns descriptors (its per-table counts) or directory entries, as
 * ObjectTable.ownsDescriptorsOrBindings. This program makes neither, so for it this only keeps the protocol's leave
 * rule: a slot that owns any of them is freed by reaping, never by leaving.
 */
static bool owns_descriptors_or_bindings(uint64_t p)
{
    for (uint64_t t = 0; t < MAX_DESCRIPTOR_TABLES; t++) {
        if (get(process_at(p, P_DESCRIPTORS + 8 * t)) != 0) {
            return true;
        }
    }
    for (uint64_t e = 0; e < directory_capacity; e++) {
        if (get(directory_at(e, E_STATE)) == 1 && get(directory_at(e, E_OWNER)) == p) {
            return true;
        }
    }
    return false;
}

/*
 * Leave: a process that holds no handle, no descriptor and no directory entry frees its slot; when no process and no
 * object is left (nothing live, nothing pending), it unlinks `table`, so an unused root is empty.
 */
static void leave(void)
{
    if (self_slot >= 0 && get(process_at((uint64_t)self_slot, P_HANDLES)) == 0
            && !owns_descriptors_or_bindings((uint64_t)self_slot)
            && get(process_at((uint64_t)self_slot, P_STATE)) == PROCESS_LIVE) {
        put(process_at((uint64_t)self_slot, P_STATE), PROCESS_FREE);
        commit();
        self_slot = -1;
    }
    bool anyone = false;
    for (uint64_t p = 0; p < process_capacity && !anyone; p++) {
        anyone = get(process_at(p, P_STATE)) == PROCESS_LIVE;
    }
    bool removed = false;
    if (!anyone && get(T_LIVE_OBJECTS) == 0 && get(T_PENDING_INTENTS) == 0) {
        if (unlinkat(root_fd, TABLE_FILE, 0) != 0 && errno != ENOENT) {
            fail("INTERNAL", "cannot unlink the unused object table %s/%s: %s", root, TABLE_FILE, strerror(errno));
        }
        removed = true;
    }
    printf("LEFT table=%s\n", removed ? "removed" : "kept");
}

/* The end of every run, also of a failed one: abandon an unfinished create, close our handle, leave the table. */
static void depart(void)
{
    if (!locked) {
        lock_table();
    }
    if (creating_slot >= 0) {
        abandon_create();
    }
    if (data != NULL) {
        print_closed(close_handle());
    }
    leave();
    unlock_table();
    fflush(stdout);
}

/* ------------------------------------------------------------------------------------------------------------------
 * Events (docs/sync-objects.md, "Common rules" and "Event"): a 32-byte state block at the start of the data; the
 * state word at offset 16, its low half the futex word (bit 0 signaled; manual reset: bits 1..31 the generation;
 * auto reset: bits 1..31 the grants), its high half the waiters.
 * ------------------------------------------------------------------------------------------------------------------ */

#define EV_MAGIC 0x56454853u    /* "SHEV" */
#define EV_FLAGS 8              /* u32, bit 0 manual reset */
#define EV_STATE 16             /* u64 */
#define EV_ONE_WAITER (1ull << 32)
#define EV_ONE_GRANT 2ull

static uint64_t *event_state(void)
{
    if (data_size < 32 || __atomic_load_n((uint32_t *)(void *)data, __ATOMIC_ACQUIRE) != EV_MAGIC
        || le32(data + 4) != 1) {
        fail("INCOMPATIBLE_STORE", "the event's state block is not an initialized version 1 'SHEV' block");
    }
    return (uint64_t *)(void *)(data + EV_STATE);
}

static bool event_manual(void)
{
    return (le32(data + EV_FLAGS) & 1u) != 0;
}

static void futex_wake_all(uint64_t *state, int count)
{
    syscall(SYS_futex, (uint32_t *)(void *)state, FUTEX_WAKE, count, NULL, NULL, 0);
}

/* Sets the event; answers whether it was signaled already. */
static int event_set(void)
{
    uint64_t *state = event_state();
    for (;;) {
        uint64_t s = __atomic_load_n(state, __ATOMIC_SEQ_CST);
        if (s & 1u) {
            return 1;
        }
        uint64_t next;
        bool wake;
        int count;
        if (event_manual()) {
            uint64_t low = (uint32_t)s;
            uint64_t generation = ((low & ~1ull) + 2) & 0xFFFFFFFEull;     /* bits 1..31, wrapping */
            next = (s & 0xFFFFFFFF00000000ull) | generation | 1u;
            wake = (s >> 32) != 0;
            count = INT_MAX;
        } else {
            uint64_t waiters = s >> 32;
            uint64_t grants = ((uint32_t)s) >> 1;
            if (waiters > grants) {
                next = s + EV_ONE_GRANT;
                wake = true;
                count = 1;
            } else {
                next = s | 1u;
                wake = false;
                count = 0;
            }
        }
        if (__atomic_compare_exchange_n(state, &s, next, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
            if (wake) {
                futex_wake_all(state, count);
            }
            return 0;
        }
    }
}

static int64_t monotonic_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Sleeps on the low half of the state word while it holds `expected`, at most until `deadline`. */
static void futex_sleep(uint64_t *state, uint32_t expected, int64_t deadline)
{
    int64_t left = deadline - monotonic_ns();
    if (left <= 0) {
        return;
    }
    struct timespec ts = {.tv_sec = left / 1000000000LL, .tv_nsec = left % 1000000000LL};
    syscall(SYS_futex, (uint32_t *)(void *)state, FUTEX_WAIT, expected, &ts, NULL, 0);   /* EINTR/EAGAIN: re-read */
}

/* Waits up to `millis` for the event; answers whether it was signaled (false: timed out). */
static bool event_wait(int64_t millis)
{
    uint64_t *state = event_state();
    int64_t deadline = monotonic_ns() + millis * 1000000LL;
    if (event_manual()) {
        uint64_t e = __atomic_load_n(state, __ATOMIC_SEQ_CST);
        if (e & 1u) {
            return true;
        }
        if (millis == 0) {
            return false;
        }
        __atomic_fetch_add(state, EV_ONE_WAITER, __ATOMIC_SEQ_CST);
        for (;;) {
            uint64_t s = __atomic_load_n(state, __ATOMIC_SEQ_CST);
            if ((s & 1u) || (((uint32_t)s) & ~1u) != (((uint32_t)e) & ~1u)) {
                __atomic_fetch_sub(state, EV_ONE_WAITER, __ATOMIC_SEQ_CST);
                return true;
            }
            if (monotonic_ns() >= deadline) {
                __atomic_fetch_sub(state, EV_ONE_WAITER, __ATOMIC_SEQ_CST);
                return false;
            }
            futex_sleep(state, (uint32_t)s, deadline);
        }
    }
    for (;;) {                                               /* auto reset: take the state or a grant, or register */
        uint64_t s = __atomic_load_n(state, __ATOMIC_SEQ_CST);
        uint64_t next;
        bool taken = true;
        if (s & 1u) {
            next = s & ~1ull;
        } else if ((((uint32_t)s) >> 1) > 0) {
            next = s - EV_ONE_GRANT;
        } else if (millis == 0) {
            return false;
        } else {
            next = s + EV_ONE_WAITER;
            taken = false;
        }
        if (__atomic_compare_exchange_n(state, &s, next, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
            if (taken) {
                return true;
            }
            break;
        }
    }
    for (;;) {                                               /* registered */
        uint64_t s = __atomic_load_n(state, __ATOMIC_SEQ_CST);
        if ((((uint32_t)s) >> 1) > 0) {
            if (__atomic_compare_exchange_n(state, &s, s - EV_ONE_WAITER - EV_ONE_GRANT, 0, __ATOMIC_SEQ_CST,
                                            __ATOMIC_SEQ_CST)) {
                return true;
            }
            continue;
        }
        if (monotonic_ns() >= deadline) {
            if (__atomic_compare_exchange_n(state, &s, s - EV_ONE_WAITER, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
                return false;
            }
            continue;
        }
        futex_sleep(state, (uint32_t)s, deadline);
    }
}

/* ------------------------------------------------------------------------------------------------------------------
 * Steps
 * ------------------------------------------------------------------------------------------------------------------ */

enum kind { OPEN, CREATE, LOOKUP, WRITE, READ, INFO, HOLD, COUNT, SET, WAIT, CLOSE, CYCLES };

struct step {
    enum kind kind;
    uint64_t a, b;       /* create: size; write: offset; read: offset, length */
    const char *text;    /* write */
};

__attribute__((noreturn))
static void usage(const char *why)
{
    fprintf(stderr, "shm_peer: %s\n"
            "usage: shm_peer [-g] [-e] ROOT NAME STEP...\n"
            "steps: open | create SIZE | write OFFSET TEXT | read OFFSET LENGTH | info | hold | count OFFSET | close\n"
            "       with -e (an event): open | set | wait MILLISECONDS | info | close\n", why);
    exit(2);
}

static uint64_t number(const char *s, const char *what)
{
    char *end;
    errno = 0;
    if (s == NULL || *s < '0' || *s > '9') {
        usage(what);
    }
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || *end != '\0') {
        usage(what);
    }
    return v;
}

static void need_handle(const char *step)
{
    if (data == NULL) {
        fail("WRONG_STATE", "'%s' needs an open handle: put 'open' or 'create SIZE' before it", step);
    }
}

/* Checks that [offset, offset + length) lies in the mapped data. */
static void check_range(uint64_t offset, uint64_t length)
{
    if (offset > data_size || length > data_size - offset) {
        fail("INVALID_PARAMETER", "the range [%" PRIu64 ", %" PRIu64 ") is outside the object's %" PRIu64 " bytes",
             offset, offset + length, data_size);
    }
}

static void run(const struct step *s)
{
    switch (s->kind) {
    case OPEN:
    case CREATE: {
        if (data != NULL) {
            fail("WRONG_STATE", "this program holds one handle at a time and already has one");
        }
        lock_table();
        long slot = find_object(file_name);
        bool existed = slot >= 0;
        if (existed) {
            open_existing(slot);
        } else if (s->kind == OPEN) {
            refuse_foreign_file();
            fail("NOT_FOUND", "no object of that name exists");
        } else {
            create_new(s->a);
        }
        uint64_t reserved = get(object_at((uint64_t)handle_slot, O_RESERVED));
        unlock_table();
        printf("OPENED existed=%s size=%" PRIu64 " reserved=%" PRIu64 " file=%s\n", existed ? "true" : "false",
               data_size, reserved, file_name);
        break;
    }
    case LOOKUP: {
        if (data != NULL) {
            fail("WRONG_STATE", "this program holds one handle at a time and already has one");
        }
        lock_table();
        uint64_t rthandle = 0;
        long slot = find_cataloged(s->text, &rthandle);
        open_existing(slot);
        uint64_t reserved = get(object_at((uint64_t)handle_slot, O_RESERVED));
        unlock_table();
        printf("FOUND rthandle=0x%04" PRIx64 " gdt=%" PRIu64 "\n", rthandle, (rthandle >> 3) - 1);
        printf("OPENED existed=true size=%" PRIu64 " reserved=%" PRIu64 " file=%s\n", data_size, reserved, file_name);
        break;
    }
    case WRITE: {
        need_handle("write");
        size_t length = strlen(s->text);
        check_range(s->a, length);
        memcpy(data + s->a, s->text, length);
        printf("WROTE off=%" PRIu64 " len=%zu\n", s->a, length);
        break;
    }
    case READ: {
        need_handle("read");
        check_range(s->a, s->b);
        printf("READ off=%" PRIu64 " len=%" PRIu64 " hex=", s->a, s->b);
        for (uint64_t i = 0; i < s->b; i++) {
            printf("%02x", data[s->a + i]);
        }
        fputs(" text=", stdout);
        for (uint64_t i = 0; i < s->b; i++) {
            unsigned char c = data[s->a + i];
            if (c >= 0x20 && c < 0x7f && c != '\\') {
                putchar(c);
            } else {
                printf("\\x%02x", c);
            }
        }
        putchar('\n');
        break;
    }
    case INFO: {
        lock_table();
        long slot = find_object(file_name);
        if (slot < 0 || get(object_at((uint64_t)slot, O_STATE)) != LIVE) {
            unlock_table();
            printf("INFO exists=false\n");
            break;
        }
        uint64_t o = (uint64_t)slot;
        printf("INFO exists=true size=%" PRIu64 " reserved=%" PRIu64 " handles=%" PRIu64 " holders=",
               get(object_at(o, O_LOGICAL)), get(object_at(o, O_RESERVED)), get(object_at(o, O_HANDLES)));
        const char *separator = "";
        for (int h = 0; h < HOLDERS; h++) {
            uint64_t process = get(holder_at(o, h, 0));
            if (process != 0) {
                uint64_t pid = process <= process_capacity ? get(process_at(process - 1, P_PID)) : 0;
                printf("%s%" PRIu64 ":%" PRIu64, separator, pid, get(holder_at(o, h, 8)));
                separator = ",";
            }
        }
        putchar('\n');
        unlock_table();
        break;
    }
    case HOLD: {
        need_handle("hold");
        printf("READY\n");
        fflush(stdout);
        char line[256];
        if (fgets(line, sizeof line, stdin) != NULL) {   /* one line ("close" by convention) or the end */
            while (strchr(line, '\n') == NULL && fgets(line, sizeof line, stdin) != NULL) {
            }
        }
        printf("RELEASED\n");
        break;
    }
    case COUNT: {
        /* An increasing 64-bit counter at data offset OFF, about one increment per 100 us, until a line arrives. */
        need_handle("count");
        check_range(s->a, 8);
        if (s->a % 8 != 0) {
            fail("ALIGNMENT", "'count' needs an offset that is a multiple of 8, not %" PRIu64, s->a);
        }
        volatile uint64_t *counter = (volatile uint64_t *)(void *)(data + s->a);
        uint64_t last = *counter;
        printf("COUNTING\n");
        fflush(stdout);
        struct pollfd in = {.fd = 0, .events = POLLIN};
        struct timespec pause = {.tv_sec = 0, .tv_nsec = 100000};
        while (poll(&in, 1, 0) == 0) {
            __atomic_store_n(counter, ++last, __ATOMIC_RELEASE);
            nanosleep(&pause, NULL);
        }
        char line[256];
        if (fgets(line, sizeof line, stdin) != NULL) {
            while (strchr(line, '\n') == NULL && fgets(line, sizeof line, stdin) != NULL) {
            }
        }
        printf("COUNTED last=%" PRIu64 "\n", last);
        break;
    }
    case SET: {
        need_handle("set");
        printf("SET was=%d\n", event_set());
        break;
    }
    case WAIT: {
        need_handle("wait");
        printf("WAITED result=%s\n", event_wait((int64_t)s->a) ? "SIGNALED" : "TIMEOUT");
        break;
    }
    case CLOSE: {
        need_handle("close");
        lock_table();
        uint64_t remaining = close_handle();
        unlock_table();
        print_closed(remaining);
        break;
    }
    case CYCLES: {
        if (data != NULL) {
            fail("WRONG_STATE", "'cycles' opens and closes the object itself: put it where no handle is open");
        }
        int64_t start = now_ns(CLOCK_MONOTONIC);
        for (uint64_t i = 0; i < s->a; i++) {
            lock_table();
            long slot = find_object(file_name);
            if (slot < 0) {
                refuse_foreign_file();
                fail("NOT_FOUND", "no object of that name exists");
            }
            open_existing(slot);
            unlock_table();
            lock_table();
            close_handle();
            unlock_table();
        }
        double seconds = (double)(now_ns(CLOCK_MONOTONIC) - start) / 1e9;
        printf("CYCLED n=%" PRIu64 " per_s=%.0f\n", s->a, s->a > 0 && seconds > 0 ? (double)s->a / seconds : 0.0);
        break;
    }
    }
    fflush(stdout);
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    int first = 1;
    for (; first < argc && argv[first][0] == '-' && argv[first][1] != '\0' && argv[first][2] == '\0'; first++) {
        if (argv[first][1] == 'g') {
            group_shared = true;
        } else if (argv[first][1] == 'e') {
            object_type = TYPE_EVENT;
        } else {
            usage("the options are -g and -e");
        }
    }
    if (argc - first < 3) {
        usage("ROOT, NAME and at least one step are needed");
    }
    root = argv[first];
    name = argv[first + 1];
    name_len = strlen(name);

    /* The whole command line is checked before the table is touched. */
    int count = argc - first - 2;
    struct step *steps = calloc((size_t)count, sizeof *steps);
    if (steps == NULL) {
        usage("out of memory");
    }
    int n = 0;
    for (int i = first + 2; i < argc; i++) {
        const char *word = argv[i];
        struct step *s = &steps[n++];
        if (strcmp(word, "open") == 0) {
            s->kind = OPEN;
        } else if (strcmp(word, "create") == 0) {
            s->kind = CREATE;
            s->a = number(i + 1 < argc ? argv[++i] : NULL, "create needs a SIZE (bytes, at least 1)");
            if (s->a < 1 || s->a > MAX_SIZE) {
                usage("the size must be at least 1 byte and fit the file (at most 2^63 - 4097)");
            }
        } else if (strcmp(word, "lookup") == 0) {
            s->kind = LOOKUP;
            if (i + 1 >= argc) {
                usage("lookup needs a SCOPE (an object directory, such as intime.root)");
            }
            s->text = argv[++i];
        } else if (strcmp(word, "write") == 0) {
            s->kind = WRITE;
            s->a = number(i + 1 < argc ? argv[++i] : NULL, "write needs an OFFSET and a TEXT");
            if (i + 1 >= argc) {
                usage("write needs an OFFSET and a TEXT");
            }
            s->text = argv[++i];
        } else if (strcmp(word, "read") == 0) {
            s->kind = READ;
            s->a = number(i + 1 < argc ? argv[++i] : NULL, "read needs an OFFSET and a LENGTH");
            s->b = number(i + 1 < argc ? argv[++i] : NULL, "read needs an OFFSET and a LENGTH");
        } else if (strcmp(word, "info") == 0) {
            s->kind = INFO;
        } else if (strcmp(word, "hold") == 0) {
            s->kind = HOLD;
        } else if (strcmp(word, "count") == 0) {
            s->kind = COUNT;
            s->a = number(i + 1 < argc ? argv[++i] : NULL, "count needs an OFFSET (a multiple of 8)");
        } else if (strcmp(word, "set") == 0) {
            s->kind = SET;
        } else if (strcmp(word, "wait") == 0) {
            s->kind = WAIT;
            s->a = number(i + 1 < argc ? argv[++i] : NULL, "wait needs MILLISECONDS");
            if (s->a > INT32_MAX) {
                usage("wait takes at most 2147483647 milliseconds");
            }
        } else if (strcmp(word, "close") == 0) {
            s->kind = CLOSE;
        } else if (strcmp(word, "cycles") == 0) {
            s->kind = CYCLES;
            s->a = number(i + 1 < argc ? argv[++i] : NULL, "cycles needs a COUNT");
        } else {
            fprintf(stderr, "shm_peer: unknown step '%s'\n", word);
            usage("see the steps below");
        }
        bool event_step = s->kind == SET || s->kind == WAIT;
        bool memory_step = s->kind == CREATE || s->kind == WRITE || s->kind == READ || s->kind == HOLD
                           || s->kind == COUNT;
        if ((object_type == TYPE_EVENT && memory_step) || (object_type != TYPE_EVENT && event_step)) {
            fprintf(stderr, "shm_peer: step '%s' %s\n", word, event_step ? "needs -e" : "is not for an event (-e)");
            usage("see the steps below");
        }
    }

    const char *crash_at = getenv("SHM_PEER_CRASH_AT");
    crash_countdown = crash_at != NULL ? atol(crash_at) : 0;
    self_pid = (uint64_t)getpid();
    if (!start_time_of(self_pid, &self_start)) {
        fail("INTERNAL", "cannot read /proc/%" PRIu64 "/stat of this very process", self_pid);
    }
    encode_name();
    prepare_root();
    attach();
    printf("PEER pid=%" PRIu64 " file=%s\n", self_pid, file_name);

    for (int i = 0; i < n; i++) {
        run(&steps[i]);
    }
    departing = true;
    depart();
    free(steps);
    return 0;
}
