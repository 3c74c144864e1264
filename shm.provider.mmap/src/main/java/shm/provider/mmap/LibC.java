package shm.provider.mmap;

import static shm.provider.mmap.Errno.EINTR;
import static shm.provider.mmap.Errno.ENOENT;
import static shm.provider.mmap.Errno.EPERM;
import static shm.provider.mmap.Errno.ESRCH;
import static shm.provider.mmap.Errno.EWOULDBLOCK;
import static shm.provider.mmap.SystemCalls.Call.CLOSE;
import static shm.provider.mmap.SystemCalls.Call.FCHMOD;
import static shm.provider.mmap.SystemCalls.Call.FLOCK;
import static shm.provider.mmap.SystemCalls.Call.FTRUNCATE;
import static shm.provider.mmap.SystemCalls.Call.KILL;
import static shm.provider.mmap.SystemCalls.Call.LINKAT;
import static shm.provider.mmap.SystemCalls.Call.OPENAT;
import static shm.provider.mmap.SystemCalls.Call.PREAD;
import static shm.provider.mmap.SystemCalls.Call.PWRITE;
import static shm.provider.mmap.SystemCalls.Call.RENAMEAT;
import static shm.provider.mmap.SystemCalls.Call.STATX;
import static shm.provider.mmap.SystemCalls.Call.UNLINKAT;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

import shm.provider.mmap.sync.CallState;

/**
 * The Linux calls the store needs and the JDK does not offer: every file call relative to a directory descriptor
 * ({@code openat}, {@code unlinkat}, {@code linkat}, {@code renameat}, {@code statx} with
 * {@code AT_SYMLINK_NOFOLLOW}), exact modes, reserving blocks ({@code posix_fallocate}), locking files, and, through
 * its {@link #mappings() MappingCalls}, mapping ({@code mmap}) and locking pages. One instance per backend, made when
 * the backend is created, never in a static initializer, so a bundle that is stopped leaves nothing bound behind. The
 * system calls go through {@link SystemCalls}, one downcall linked at the first call; the two C library functions
 * that are not system calls ({@code posix_fallocate}, {@code strerror}) are looked up at construction (a C library
 * without one fails at once) and linked only at their first call ({@link CLibraryFunctions}), which a command that
 * only lists the store never makes. The errno of each call is captured in a per-thread {@link CallState} (no
 * allocation per call); its values are {@link Errno}'s, and what a call returns about a file is a {@link FileStat}.
 *
 * <p>Linux only, x86-64 and AArch64 (the {@code O_DIRECTORY} and {@code O_NOFOLLOW} values and the system call
 * numbers differ between them and are chosen at construction). Needs native access
 * ({@code --enable-native-access=ALL-UNNAMED}).
 */
final class LibC {

    static final int O_RDONLY = 0x0;
    static final int O_RDWR = 0x2;
    static final int O_CREAT = 0x40;
    static final int O_EXCL = 0x80;
    static final int O_CLOEXEC = 0x80000;

    static final int AT_FDCWD = -100;
    static final int AT_SYMLINK_NOFOLLOW = 0x100;
    static final int AT_SYMLINK_FOLLOW = 0x400;
    static final int AT_EMPTY_PATH = 0x1000;
    /** {@code renameat2}'s flag that refuses to replace the target. */
    static final int RENAME_NOREPLACE = 1;
    private static final int STATX_BASIC_STATS = 0x7ff;
    private static final long STATX_SIZE = 256;

    static final int LOCK_EX = 2;
    static final int LOCK_NB = 4;
    static final int LOCK_UN = 8;

    /** Where in the scratch segment the first and the second string argument go. */
    private static final long FIRST_STRING = 0;
    private static final long SECOND_STRING = 1024;
    private static final long STAT_BUFFER = 2048;
    private static final int LONGEST_STRING = 1023;

    /** {@code O_DIRECTORY} on this machine. */
    final int oDirectory;
    /** {@code O_NOFOLLOW} on this machine. */
    final int oNoFollow;
    /** {@code O_TMPFILE} on this machine: an unnamed regular file in a directory, gone when closed unless linked. */
    final int oTmpFile;

    private final CallState callState = new CallState();
    private final SystemCalls sys = new SystemCalls(callState);
    /** Whether the kernel refused {@code linkat(AT_EMPTY_PATH)} once (before Linux 6.10, without the capability). */
    private volatile boolean emptyPathLinkRefused;
    private final CLibraryFunctions functions;
    private final MappingCalls mappings;

    /**
     * Looks up the C library functions that are not plain system calls; chooses this architecture's flag values and
     * system call numbers.
     *
     * @throws UnsupportedOperationException on an architecture other than x86-64 and AArch64
     */
    LibC() {
        boolean arm = sys.aarch64();
        oDirectory = arm ? 0x4000 : 0x10000;
        oNoFollow = arm ? 0x8000 : 0x20000;
        oTmpFile = 0x400000 | oDirectory;
        functions = new CLibraryFunctions();
        mappings = new MappingCalls(sys, callState, functions);
    }

    /** The memory-mapping calls, sharing this instance's binding. */
    MappingCalls mappings() {
        return mappings;
    }

    /** A failed call: the function's name and the errno it left. */
    static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;
        final int errno;
        private final String call;
        /** Describes the errno when the message is first asked for: most failures (ENOENT, EEXIST) are answers. */
        private final transient CLibraryFunctions functions;
        private String message;

        Failure(String call, int errno, CLibraryFunctions functions) {
            super(null, null, false, false);   // no stack trace: the caller names the object and the rule
            this.call = call;
            this.errno = errno;
            this.functions = functions;
        }

        @Override
        public synchronized String getMessage() {
            if (message == null) {
                message = call + ": " + (functions == null ? "errno " + errno : functions.describe(errno)) + " (errno "
                        + errno + ")";
            }
            return message;
        }
    }

    /** {@code openat(dirfd, name, flags, mode)}; returns the descriptor. */
    int openat(int dirfd, String name, int flags, int mode) throws Failure {
        long fd = sys.call(OPENAT, dirfd, string(name, FIRST_STRING), flags, mode);
        if (fd < 0) {
            throw failure(OPENAT.label, callState.errno());
        }
        return (int) fd;
    }

    /** {@code close(fd)}; errors are ignored as the descriptor is gone either way. */
    void close(int fd) {
        sys.call(CLOSE, fd);
    }

    /** {@code fchmod(fd, mode)}: the exact mode, whatever the umask. */
    void fchmod(int fd, int mode) throws Failure {
        check(FCHMOD, sys.call(FCHMOD, fd, mode));
    }

    /** {@code ftruncate(fd, length)}. */
    void ftruncate(int fd, long length) throws Failure {
        check(FTRUNCATE, sys.call(FTRUNCATE, fd, length));
    }

    /** {@code posix_fallocate(fd, 0, length)}: reserves every block now, so a full tmpfs fails here. */
    void reserve(int fd, long length) throws Failure {
        int error = functions.posixFallocate(fd, 0L, length);
        if (error != 0) {
            throw failure("posix_fallocate", error);
        }
    }

    /** Writes all of {@code data} (native memory) at {@code offset}. */
    void pwriteFully(int fd, MemorySegment data, long offset) throws Failure {
        long address = nativeAddress(data);
        long done = 0;
        while (done < data.byteSize()) {
            long n = sys.call(PWRITE, fd, address + done, data.byteSize() - done, offset + done);
            if (n < 0) {
                throw failure(PWRITE.label, callState.errno());
            }
            done += n;
        }
    }

    /**
     * Reads into {@code buffer} (native memory) from {@code offset} until it is full or the file ends; returns the
     * bytes read.
     */
    long preadFully(int fd, MemorySegment buffer, long offset) throws Failure {
        long address = nativeAddress(buffer);
        long done = 0;
        while (done < buffer.byteSize()) {
            long n = sys.call(PREAD, fd, address + done, buffer.byteSize() - done, offset + done);
            if (n < 0) {
                throw failure(PREAD.label, callState.errno());
            }
            if (n == 0) {
                break;
            }
            done += n;
        }
        return done;
    }

    /** {@code unlinkat(dirfd, name, 0)}: removes a file (never a directory). */
    void unlinkat(int dirfd, String name) throws Failure {
        check(UNLINKAT, sys.call(UNLINKAT, dirfd, string(name, FIRST_STRING), 0));
    }

    /** {@code linkat(dirfd, from, dirfd, to, 0)}: links an existing file under a new name; EEXIST when taken. */
    void linkat(int dirfd, String from, String to) throws Failure {
        link(dirfd, from, dirfd, to, 0);
    }

    /**
     * Gives the unnamed file open as {@code fd} (made with {@link #oTmpFile}) the name {@code to} in {@code dirfd};
     * EEXIST when taken. First {@code linkat(fd, "", dirfd, to, AT_EMPTY_PATH)}, which Linux 6.10 and later allow the
     * process that opened the file; where the kernel refuses it (ENOENT or EPERM without {@code CAP_DAC_READ_SEARCH}
     * before 6.10), {@code linkat(AT_FDCWD, "/proc/self/fd/<fd>", dirfd, to, AT_SYMLINK_FOLLOW)}, which needs
     * {@code /proc} and a path walk through it, and this instance uses that from then on.
     */
    void linkDescriptor(int fd, int dirfd, String to) throws Failure {
        if (!emptyPathLinkRefused) {
            try {
                link(fd, "", dirfd, to, AT_EMPTY_PATH);
                return;
            } catch (Failure f) {
                if (f.errno != ENOENT && f.errno != EPERM) {
                    throw f;
                }
                emptyPathLinkRefused = true;
            }
        }
        link(AT_FDCWD, "/proc/self/fd/" + fd, dirfd, to, AT_SYMLINK_FOLLOW);
    }

    /** Test hook: {@link #linkDescriptor} as on a kernel that refuses {@code AT_EMPTY_PATH}. */
    void refuseEmptyPathLinks() {
        emptyPathLinkRefused = true;
    }

    private void link(int fromDirfd, String from, int dirfd, String to, int flags) throws Failure {
        check(LINKAT, sys.call(LINKAT, fromDirfd, string(from, FIRST_STRING), dirfd, string(to, SECOND_STRING),
                flags));
    }

    /** {@code renameat(dirfd, from, dirfd, to)}. */
    void renameat(int dirfd, String from, String to) throws Failure {
        check(RENAMEAT, sys.call(RENAMEAT, dirfd, string(from, FIRST_STRING), dirfd, string(to, SECOND_STRING), 0));
    }

    /**
     * {@code renameat2(dirfd, from, dirfd, to, RENAME_NOREPLACE)}: fails with {@code EEXIST} rather than replace a file
     * under {@code to}; {@code EINVAL} where the file system does not offer the flag.
     */
    void renameNoReplace(int dirfd, String from, String to) throws Failure {
        check(RENAMEAT, sys.call(RENAMEAT, dirfd, string(from, FIRST_STRING), dirfd, string(to, SECOND_STRING),
                RENAME_NOREPLACE));
    }

    /**
     * {@code statx(dirfd, name, AT_SYMLINK_NOFOLLOW)}, {@code null} when nothing is under the name: the usual answer
     * of a look before a create costs no exception.
     */
    FileStat statAtOrNull(int dirfd, String name) throws Failure {
        return statx(dirfd, name, AT_SYMLINK_NOFOLLOW, true);
    }

    /** {@code statx(fd, "", AT_EMPTY_PATH)}: what an open descriptor is. */
    FileStat fstat(int fd) throws Failure {
        return statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, false);
    }

    private FileStat statx(int dirfd, String name, int flags, boolean missingIsNull) throws Failure {
        MemorySegment buffer = callState.scratch().asSlice(STAT_BUFFER, STATX_SIZE);
        if (sys.call(STATX, dirfd, string(name, FIRST_STRING), flags, STATX_BASIC_STATS, buffer.address()) != 0) {
            int error = callState.errno();
            if (missingIsNull && error == ENOENT) {
                return null;
            }
            throw failure(STATX.label, error);
        }
        return new FileStat(Short.toUnsignedInt(buffer.get(ValueLayout.JAVA_SHORT, 28)),
                buffer.get(ValueLayout.JAVA_INT, 20), buffer.get(ValueLayout.JAVA_INT, 24),
                buffer.get(ValueLayout.JAVA_LONG, 32), buffer.get(ValueLayout.JAVA_LONG, 40));
    }

    /**
     * {@code flock(fd, LOCK_EX | LOCK_NB)}: takes the exclusive lock of an open file description without waiting.
     * The kernel drops it when the description is closed, including when its process dies.
     *
     * @return {@code true} when taken, {@code false} when another description holds it
     */
    boolean tryLockExclusive(int fd) throws Failure {
        while (true) {
            if (sys.call(FLOCK, fd, LOCK_EX | LOCK_NB) == 0) {
                return true;
            }
            int error = callState.errno();
            if (error == EWOULDBLOCK) {
                return false;
            }
            if (error != EINTR) {
                throw failure(FLOCK.label, error);
            }
        }
    }

    /** {@code flock(fd, LOCK_UN)}. */
    void unlock(int fd) throws Failure {
        check(FLOCK, sys.call(FLOCK, fd, LOCK_UN));
    }

    /** Whether a process with this pid exists ({@code kill(pid, 0)}; a process of another user counts). */
    boolean processExists(long pid) {
        if (pid <= 0 || pid > Integer.MAX_VALUE) {
            return false;
        }
        return sys.call(KILL, pid, 0) == 0 || callState.errno() != ESRCH;
    }

    private void check(SystemCalls.Call call, long result) throws Failure {
        if (result != 0) {
            throw failure(call.label, callState.errno());
        }
    }

    /** The address of a native segment, for a system call that reads or writes its bytes. */
    static long nativeAddress(MemorySegment segment) {
        if (!segment.isNative()) {
            throw new IllegalArgumentException("a system call's buffer must be native memory, not a heap segment");
        }
        return segment.address();
    }

    /**
     * A NUL-terminated copy of {@code text} in this thread's scratch segment at {@code offset}; answers its address,
     * valid until this thread's next call (the scratch segment lives as long as the thread).
     */
    private long string(String text, long offset) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > LONGEST_STRING) {
            throw new IllegalArgumentException("a file name argument is longer than " + LONGEST_STRING + " bytes");
        }
        MemorySegment at = callState.scratch().asSlice(offset, bytes.length + 1L);
        MemorySegment.copy(bytes, 0, at, ValueLayout.JAVA_BYTE, 0, bytes.length);
        at.set(ValueLayout.JAVA_BYTE, bytes.length, (byte) 0);
        return at.address();
    }

    private Failure failure(String call, int errno) {
        return new Failure(call, errno, functions);
    }
}
