package shm.provider.mmap;

import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Locale;

import shm.provider.mmap.sync.CallState;
import shm.provider.mmap.sync.Futex;

/**
 * The Linux system calls of the store, all made through the C library's {@code syscall(2)} with one call shape: the
 * call's number and six {@code long} arguments (unused ones 0), a {@code long} result, errno captured into this
 * thread's {@link CallState}. One shape is one downcall to link: the FFM API generates code for every distinct
 * function signature at its first link, about 10 ms of CPU each, with an AOT cache as well (the cache keeps the FFM
 * classes, not the code made for a signature), so binding each C wrapper with its own signature cost a command-line
 * start a hundred milliseconds and more. The futex calls of {@link Futex} use the same shape. The kernel reads every
 * argument as a register-wide value, so an {@code int} passed as a {@code long} of the same value is exact, and the C
 * library's {@code syscall} returns -1 with errno set on failure, like the wrappers.
 *
 * <p>Linux x86-64 and AArch64 (the numbers differ; AArch64 uses the kernel's generic table). The handle is linked at
 * the first call and kept by the instance, never in a static field. Thread-safe.
 */
final class SystemCalls {

    /** The calls, each with its number on x86-64 and on AArch64 (generic table). */
    enum Call {
        OPENAT("openat", 257, 56),
        CLOSE("close", 3, 57),
        FCHMOD("fchmod", 91, 52),
        FTRUNCATE("ftruncate", 77, 46),
        PREAD("pread", 17, 67),
        PWRITE("pwrite", 18, 68),
        UNLINKAT("unlinkat", 263, 35),
        LINKAT("linkat", 265, 37),
        /** {@code renameat2} with flags 0, which is {@code renameat}: AArch64 has no plain {@code renameat}. */
        RENAMEAT("renameat", 316, 276),
        STATX("statx", 332, 291),
        MMAP("mmap", 9, 222),
        MREMAP("mremap", 25, 216),
        MUNMAP("munmap", 11, 215),
        MLOCK("mlock", 149, 228),
        FLOCK("flock", 73, 32),
        KILL("kill", 62, 129);

        /** The name failures are reported with. */
        final String label;
        private final long x86;
        private final long aarch64;

        Call(String label, long x86, long aarch64) {
            this.label = label;
            this.x86 = x86;
            this.aarch64 = aarch64;
        }

        /** The number on x86-64. */
        long x86() {
            return x86;
        }

        /** The number on AArch64. */
        long aarch64() {
            return aarch64;
        }
    }

    private final CallState callState;
    private final MemorySegment symbol;
    /** Whether this machine is AArch64 (otherwise x86-64), decided once here for the whole binding. */
    private final boolean aarch64;
    /** Indexed by {@link Call#ordinal()}: the numbers of this machine's architecture. */
    private final long[] numbers;
    /** Linked at the first call; a race links twice, harmlessly (equal handles). */
    private volatile MethodHandle handle;

    /**
     * Looks up {@code syscall} and chooses the numbers of this architecture.
     *
     * @throws UnsupportedOperationException on an architecture other than x86-64 and AArch64
     * @throws IllegalStateException         when the C library has no {@code syscall}
     */
    SystemCalls(CallState callState) {
        this.callState = callState;
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        aarch64 = switch (arch) {
            case "amd64", "x86_64" -> false;
            case "aarch64", "arm64" -> true;
            default -> throw new UnsupportedOperationException("no system call numbers known for " + arch
                    + " (x86-64 and AArch64 are supported)");
        };
        Call[] calls = Call.values();
        numbers = new long[calls.length];
        for (Call call : calls) {
            numbers[call.ordinal()] = aarch64 ? call.aarch64 : call.x86;
        }
        symbol = Linker.nativeLinker().defaultLookup().find("syscall")
                .orElseThrow(() -> new IllegalStateException("the C library has no symbol syscall"));
    }

    /** Whether this machine is AArch64; otherwise it is x86-64 (the constructor refuses anything else). */
    boolean aarch64() {
        return aarch64;
    }

    /** This architecture's number of {@code call}. */
    long number(Call call) {
        return numbers[call.ordinal()];
    }

    /** {@code call} with one argument; answers the kernel's result, or -1 with {@link CallState#errno()} set. */
    long call(Call call, long a) {
        return call(call, a, 0, 0, 0, 0, 0);
    }

    /** {@code call} with two arguments; answers as {@link #call(Call, long)}. */
    long call(Call call, long a, long b) {
        return call(call, a, b, 0, 0, 0, 0);
    }

    /** {@code call} with three arguments; answers as {@link #call(Call, long)}. */
    long call(Call call, long a, long b, long c) {
        return call(call, a, b, c, 0, 0, 0);
    }

    /** {@code call} with four arguments; answers as {@link #call(Call, long)}. */
    long call(Call call, long a, long b, long c, long d) {
        return call(call, a, b, c, d, 0, 0);
    }

    /** {@code call} with five arguments; answers as {@link #call(Call, long)}. */
    long call(Call call, long a, long b, long c, long d, long e) {
        return call(call, a, b, c, d, e, 0);
    }

    /**
     * {@code call} with six arguments; answers the kernel's result, or -1 with {@link CallState#errno()} set.
     *
     * @throws IllegalStateException when the call could not be made at all (the FFM API refused it)
     */
    long call(Call call, long a, long b, long c, long d, long e, long f) {
        try {
            return (long) handle().invokeExact(callState.segment(), numbers[call.ordinal()], a, b, c, d, e, f);
        } catch (Throwable t) {
            throw new IllegalStateException(call.label, t);
        }
    }

    private MethodHandle handle() {
        MethodHandle linked = handle;
        if (linked == null) {
            // The shape of the futex calls too: the FFM API links a shape once per JVM, whichever symbol it calls.
            linked = Linker.nativeLinker().downcallHandle(symbol, Futex.SYSCALL_SHAPE, CallState.captureErrno(),
                    Linker.Option.firstVariadicArg(1));
            handle = linked;
        }
        return linked;
    }
}
