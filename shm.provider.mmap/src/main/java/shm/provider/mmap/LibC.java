package shm.provider.mmap;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The few Linux libc calls the JDK does not offer: creating a file with an exact mode, reserving its blocks
 * ({@code posix_fallocate}) and locking pages ({@code mlock}). One instance per backend, made when the backend is
 * created, never in a static initializer, so a bundle that is stopped leaves nothing bound behind.
 *
 * <p>Linux only (x86-64 and AArch64 share the {@code O_*} values used here). Needs native access
 * ({@code --enable-native-access=ALL-UNNAMED}); without it the JDK warns once and proceeds.
 */
final class LibC {

    static final int O_RDWR = 0x2;
    static final int O_CREAT = 0x40;
    static final int O_EXCL = 0x80;
    static final int O_CLOEXEC = 0x80000;

    static final int LOCK_EX = 2;
    static final int LOCK_NB = 4;

    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int ESRCH = 3;
    static final int EINTR = 4;
    static final int EWOULDBLOCK = 11;
    static final int ENOMEM = 12;
    static final int EACCES = 13;
    static final int EEXIST = 17;
    static final int ENOTDIR = 20;
    static final int EISDIR = 21;
    static final int ENFILE = 23;
    static final int EMFILE = 24;
    static final int EFBIG = 27;
    static final int ENOSPC = 28;
    static final int ENOTEMPTY = 39;
    static final int ELOOP = 40;
    static final int EDQUOT = 122;

    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CALL_STATE.varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));

    private final MethodHandle open;
    private final MethodHandle close;
    private final MethodHandle fchmod;
    private final MethodHandle ftruncate;
    private final MethodHandle posixFallocate;
    private final MethodHandle pwrite;
    private final MethodHandle mlock;
    private final MethodHandle strerror;
    private final MethodHandle flock;
    private final MethodHandle kill;

    /** Looks the symbols up in the C library the JVM already links. */
    LibC() {
        Linker linker = Linker.nativeLinker();
        SymbolLookup libc = linker.defaultLookup();
        Linker.Option errno = Linker.Option.captureCallState("errno");
        ValueLayout.OfInt cInt = ValueLayout.JAVA_INT;
        ValueLayout.OfLong cLong = ValueLayout.JAVA_LONG;
        open = linker.downcallHandle(find(libc, "open"),
                FunctionDescriptor.of(cInt, ValueLayout.ADDRESS, cInt, cInt), errno, Linker.Option.firstVariadicArg(2));
        close = linker.downcallHandle(find(libc, "close"), FunctionDescriptor.of(cInt, cInt), errno);
        fchmod = linker.downcallHandle(find(libc, "fchmod"), FunctionDescriptor.of(cInt, cInt, cInt), errno);
        ftruncate = linker.downcallHandle(find(libc, "ftruncate"), FunctionDescriptor.of(cInt, cInt, cLong), errno);
        posixFallocate = linker.downcallHandle(find(libc, "posix_fallocate"),
                FunctionDescriptor.of(cInt, cInt, cLong, cLong));
        pwrite = linker.downcallHandle(find(libc, "pwrite"),
                FunctionDescriptor.of(cLong, cInt, ValueLayout.ADDRESS, cLong, cLong), errno);
        mlock = linker.downcallHandle(find(libc, "mlock"), FunctionDescriptor.of(cInt, ValueLayout.ADDRESS, cLong),
                errno);
        strerror = linker.downcallHandle(find(libc, "strerror"), FunctionDescriptor.of(ValueLayout.ADDRESS, cInt));
        flock = linker.downcallHandle(find(libc, "flock"), FunctionDescriptor.of(cInt, cInt, cInt), errno);
        kill = linker.downcallHandle(find(libc, "kill"), FunctionDescriptor.of(cInt, cInt, cInt), errno);
    }

    private static MemorySegment find(SymbolLookup lookup, String symbol) {
        return lookup.find(symbol).orElseThrow(() -> new IllegalStateException("libc has no symbol " + symbol));
    }

    /** A failed call: the function's name and the errno it left. */
    static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;
        final int errno;

        Failure(String call, int errno, String description) {
            super(call + ": " + description + " (errno " + errno + ")");
            this.errno = errno;
        }
    }

    /** {@code open(path, flags, mode)}; returns the descriptor. */
    int open(String path, int flags, int mode) throws Failure {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int fd = (int) open.invokeExact(state, arena.allocateFrom(path), flags, mode);
            if (fd < 0) {
                throw failure("open", errno(state));
            }
            return fd;
        } catch (Failure f) {
            throw f;
        } catch (Throwable t) {
            throw new IllegalStateException("open", t);
        }
    }

    /** {@code close(fd)}; errors are ignored as the descriptor is gone either way. */
    void close(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            int ignored = (int) close.invokeExact(arena.allocate(CALL_STATE), fd);
        } catch (Throwable t) {
            throw new IllegalStateException("close", t);
        }
    }

    /** {@code fchmod(fd, mode)}: the exact mode, whatever the umask. */
    void fchmod(int fd, int mode) throws Failure {
        callInt("fchmod", fchmod, fd, mode);
    }

    /** {@code ftruncate(fd, length)}. */
    void ftruncate(int fd, long length) throws Failure {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            if ((int) ftruncate.invokeExact(state, fd, length) != 0) {
                throw failure("ftruncate", errno(state));
            }
        } catch (Failure f) {
            throw f;
        } catch (Throwable t) {
            throw new IllegalStateException("ftruncate", t);
        }
    }

    /** {@code posix_fallocate(fd, 0, length)}: reserves every block now, so a full tmpfs fails here. */
    void reserve(int fd, long length) throws Failure {
        int error;
        try {
            error = (int) posixFallocate.invokeExact(fd, 0L, length);
        } catch (Throwable t) {
            throw new IllegalStateException("posix_fallocate", t);
        }
        if (error != 0) {
            throw failure("posix_fallocate", error);
        }
    }

    /** Writes all of {@code data} at {@code offset}. */
    void pwriteFully(int fd, MemorySegment data, long offset) throws Failure {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            long done = 0;
            while (done < data.byteSize()) {
                long n = (long) pwrite.invokeExact(state, fd, data.asSlice(done), data.byteSize() - done,
                        offset + done);
                if (n < 0) {
                    throw failure("pwrite", errno(state));
                }
                done += n;
            }
        } catch (Failure f) {
            throw f;
        } catch (Throwable t) {
            throw new IllegalStateException("pwrite", t);
        }
    }

    /** {@code mlock(address, length)}: keeps the pages of a mapping in RAM until it is unmapped. */
    void mlock(MemorySegment mapping) throws Failure {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            if ((int) mlock.invokeExact(state, mapping, mapping.byteSize()) != 0) {
                throw failure("mlock", errno(state));
            }
        } catch (Failure f) {
            throw f;
        } catch (Throwable t) {
            throw new IllegalStateException("mlock", t);
        }
    }

    /**
     * {@code flock(fd, LOCK_EX | LOCK_NB)}: takes the exclusive lock of an open file description without waiting.
     * The kernel drops it when the description is closed, including when its process dies.
     *
     * @return {@code true} when taken, {@code false} when another description holds it
     */
    boolean tryLockExclusive(int fd) throws Failure {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            while (true) {
                if ((int) flock.invokeExact(state, fd, LOCK_EX | LOCK_NB) == 0) {
                    return true;
                }
                int error = errno(state);
                if (error == EWOULDBLOCK) {
                    return false;
                }
                if (error != EINTR) {
                    throw failure("flock", error);
                }
            }
        } catch (Failure f) {
            throw f;
        } catch (Throwable t) {
            throw new IllegalStateException("flock", t);
        }
    }

    /** {@code flock(fd, LOCK_UN)}. */
    void unlock(int fd) throws Failure {
        callInt("flock", flock, fd, 8);
    }

    /** Whether a process with this pid exists ({@code kill(pid, 0)}; a process of another user counts). */
    boolean processExists(long pid) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            if ((int) kill.invokeExact(state, (int) pid, 0) == 0) {
                return true;
            }
            return errno(state) != ESRCH;
        } catch (Throwable t) {
            throw new IllegalStateException("kill", t);
        }
    }

    private void callInt(String name, MethodHandle handle, int a, int b) throws Failure {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            if ((int) handle.invokeExact(state, a, b) != 0) {
                throw failure(name, errno(state));
            }
        } catch (Failure f) {
            throw f;
        } catch (Throwable t) {
            throw new IllegalStateException(name, t);
        }
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    private Failure failure(String call, int errno) {
        return new Failure(call, errno, describe(errno));
    }

    /** The C library's text for an errno value. */
    String describe(int errno) {
        try {
            MemorySegment text = (MemorySegment) strerror.invokeExact(errno);
            return text.reinterpret(256).getString(0);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }
}
