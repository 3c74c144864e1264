package shm.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * What linking C functions costs a fresh JVM: links the twelve C library functions the mmap provider used to bind one
 * by one, each with its own signature ({@code signatures}), or the same twelve as {@code syscall(2)} in one shape
 * ({@code one-shape}, what the provider does now), then makes one call. Prints the milliseconds from the first
 * use of the FFM API to the call done (the first link loads the FFM machinery too); run it with
 * {@code /usr/bin/time} for the process's CPU, and with {@code -XX:AOTCache=} to see what an AOT cache keeps (the FFM
 * classes) and what it does not (the code made for each signature).
 *
 * <pre>
 *   java --enable-native-access=ALL-UNNAMED -cp ... shm.bench.LinkCost signatures|one-shape
 * </pre>
 */
public final class LinkCost {

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    private static final ValueLayout ADDRESS = ValueLayout.ADDRESS;
    private static final String[] FUNCTIONS = {"flock", "openat", "close", "mmap", "munmap", "ftruncate", "statx",
        "pwrite", "linkat", "unlinkat", "renameat", "kill"};
    private static final FunctionDescriptor[] SIGNATURES = {
        FunctionDescriptor.of(INT, INT, INT),
        FunctionDescriptor.of(INT, INT, ADDRESS, INT, INT),
        FunctionDescriptor.of(INT, INT),
        FunctionDescriptor.of(ADDRESS, ADDRESS, LONG, INT, INT, INT, LONG),
        FunctionDescriptor.of(INT, ADDRESS, LONG),
        FunctionDescriptor.of(INT, INT, LONG),
        FunctionDescriptor.of(INT, INT, ADDRESS, INT, INT, ADDRESS),
        FunctionDescriptor.of(LONG, INT, ADDRESS, LONG, LONG),
        FunctionDescriptor.of(INT, INT, ADDRESS, INT, ADDRESS, INT),
        FunctionDescriptor.of(INT, INT, ADDRESS, INT),
        FunctionDescriptor.of(INT, INT, ADDRESS, INT, ADDRESS),
        FunctionDescriptor.of(INT, INT, INT, INT),
    };
    private static final FunctionDescriptor ONE_SHAPE = FunctionDescriptor.of(LONG, LONG, LONG, LONG, LONG, LONG, LONG,
            LONG);
    /** {@code SYS_flock} on x86-64; the call is made on descriptor -1, so it only fails (EBADF). */
    private static final long SYS_FLOCK_X86_64 = 73;

    private LinkCost() {
    }

    /** {@code signatures} or {@code one-shape}. */
    public static void main(String[] args) throws Throwable {
        boolean oneShape = args.length == 1 && args[0].equals("one-shape");
        if (!oneShape && !(args.length == 1 && args[0].equals("signatures"))) {
            throw new IllegalArgumentException("usage: LinkCost signatures|one-shape");
        }
        long start = System.nanoTime();
        Linker linker = Linker.nativeLinker();
        SymbolLookup libc = linker.defaultLookup();
        Linker.Option errno = Linker.Option.captureCallState("errno");
        MemorySegment state = Arena.global().allocate(Linker.Option.captureStateLayout());
        MethodHandle[] handles = new MethodHandle[FUNCTIONS.length];
        for (int i = 0; i < FUNCTIONS.length; i++) {
            handles[i] = oneShape
                    ? linker.downcallHandle(libc.find("syscall").orElseThrow(), ONE_SHAPE, errno,
                            Linker.Option.firstVariadicArg(1))
                    : linker.downcallHandle(libc.find(FUNCTIONS[i]).orElseThrow(), SIGNATURES[i], errno);
        }
        long result = oneShape
                ? (long) handles[0].invokeExact(state, SYS_FLOCK_X86_64, -1L, 0L, 0L, 0L, 0L, 0L)
                : (int) handles[0].invokeExact(state, -1, 0);
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("RESULT linkcost.%s functions=%d link_and_first_call_ms=%d (flock(-1) answered %d)%n",
                oneShape ? "one-shape" : "signatures", FUNCTIONS.length, millis, result);
    }
}
