package shm.provider.mmap;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import shm.api.ErrorReason;
import shm.api.ShmException;

/**
 * The lock of the object table: a {@link ReentrantLock} for the threads of this JVM, then {@code flock} on the table
 * file for the processes, which the kernel drops when its holder dies. The file lock is polled with a growing pause
 * up to a deadline ({@link #LOCK_TIMEOUT_MILLIS}), so a hung holder gives a clear error instead of a hang.
 */
final class TableLock {

    /** How long a caller waits for the table lock before giving up. */
    static final long LOCK_TIMEOUT_MILLIS = 10_000;
    private static final long FIRST_PAUSE_NANOS = 20_000;
    private static final long LONGEST_PAUSE_NANOS = 2_000_000;

    private final LibC libc;
    private final Path root;
    private final ReentrantLock jvmLock = new ReentrantLock();

    TableLock(LibC libc, Path root) {
        this.libc = libc;
        this.root = root;
    }

    /** Takes the lock of the threads of this JVM. */
    void lockThreads() {
        jvmLock.lock();
    }

    /** Releases the lock of the threads of this JVM. */
    void unlockThreads() {
        jvmLock.unlock();
    }

    /**
     * Takes the exclusive file lock of the open table file {@code fd}.
     *
     * @throws ShmException INTERNAL when another live process holds it past the deadline or the thread is interrupted
     */
    void lockFile(int fd) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LOCK_TIMEOUT_MILLIS);
        long pauseNanos = FIRST_PAUSE_NANOS;
        try {
            while (!libc.tryLockExclusive(fd)) {
                if (System.nanoTime() - deadline > 0) {
                    throw new ShmException(ErrorReason.INTERNAL, null, "the object table of " + root
                            + " stayed locked by another live process for " + LOCK_TIMEOUT_MILLIS + " ms");
                }
                TimeUnit.NANOSECONDS.sleep(pauseNanos);
                pauseNanos = Math.min(pauseNanos * 2, LONGEST_PAUSE_NANOS);
            }
        } catch (LibC.Failure f) {
            throw new ShmException(ErrorReason.INTERNAL, null, "cannot lock the object table of " + root + ": "
                    + f.getMessage(), null, f);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ShmException(ErrorReason.INTERNAL, null, "interrupted while waiting for the object table lock"
                    + " of " + root);
        }
    }

    /** Releases the file lock of {@code fd}. */
    void unlockFile(int fd) {
        try {
            libc.unlock(fd);
        } catch (LibC.Failure f) {
            throw new ShmException(ErrorReason.INTERNAL, null, "cannot unlock the object table of " + root + ": "
                    + f.getMessage(), null, f);
        }
    }
}
