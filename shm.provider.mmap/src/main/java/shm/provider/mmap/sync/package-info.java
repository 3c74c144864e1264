/**
 * Cross-process synchronization primitives that live in a shared {@link java.lang.foreign.MemorySegment} and block
 * in the Linux kernel: {@link shm.provider.mmap.sync.SharedEvent}, {@link shm.provider.mmap.sync.SharedMutex} and
 * {@link shm.provider.mmap.sync.SharedSemaphore}, over the {@link shm.provider.mmap.sync.Futex} system call, and a
 * wait on several of them at once ({@link shm.provider.mmap.sync.MultiWait}, one {@code futex_waitv} sleep).
 *
 * <p>Each primitive's state is a small block of little-endian words at the start of a segment that every
 * participant maps {@code MAP_SHARED} (a file on tmpfs). The layouts are documented in each class and in
 * {@code docs/sync-objects.md}, well enough for a C program to take part. Linux only (x86-64 and AArch64); every
 * participant must see the same pid namespace, as the mutex names its owner by thread id (tid) and the thread's
 * start time.
 */
package shm.provider.mmap.sync;
