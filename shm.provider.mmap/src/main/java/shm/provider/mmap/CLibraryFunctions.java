package shm.provider.mmap;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The two C library functions the store needs that are not system calls: {@code posix_fallocate}, which falls back
 * to writing zeros where the file system cannot reserve and returns its error, and {@code strerror}, a table of the C
 * library. Both are looked up at construction (a C library without one fails at once) and linked only at their first
 * call ({@link Downcall}): at the first reservation and the first failure message, which a command that only lists
 * the store never makes. One instance per {@link LibC}; nothing static, so a stopped bundle leaves no handle behind.
 * Thread-safe.
 */
final class CLibraryFunctions {

    private final Downcall posixFallocate;
    private final Downcall strerror;

    /**
     * Looks up {@code posix_fallocate} and {@code strerror} in the C library.
     *
     * @throws IllegalStateException when the C library has no such symbol
     */
    CLibraryFunctions() {
        SymbolLookup libc = Linker.nativeLinker().defaultLookup();
        ValueLayout.OfInt cInt = ValueLayout.JAVA_INT;
        ValueLayout.OfLong cLong = ValueLayout.JAVA_LONG;
        posixFallocate = lazy(libc, "posix_fallocate", FunctionDescriptor.of(cInt, cInt, cLong, cLong));
        strerror = lazy(libc, "strerror", FunctionDescriptor.of(ValueLayout.ADDRESS, cInt));
    }

    /** A function looked up now (a missing symbol fails here) and linked at its first call. */
    private static Downcall lazy(SymbolLookup lookup, String symbol, FunctionDescriptor descriptor,
                                 Linker.Option... options) {
        return new Downcall(lookup.find(symbol)
                .orElseThrow(() -> new IllegalStateException("libc has no symbol " + symbol)), descriptor, options);
    }

    /**
     * One C function of this instance, linked at its first call and then kept with the instance (nothing static, so a
     * stopped bundle leaves no handle behind).
     */
    private static final class Downcall {

        private final MemorySegment symbol;
        private final FunctionDescriptor descriptor;
        private final Linker.Option[] options;
        /** Linked at the first call; a race links twice, harmlessly (equal handles). */
        private volatile MethodHandle handle;

        Downcall(MemorySegment symbol, FunctionDescriptor descriptor, Linker.Option... options) {
            this.symbol = symbol;
            this.descriptor = descriptor;
            this.options = options;
        }

        /** The linked handle, linked now on the first call. */
        MethodHandle handle() {
            MethodHandle linked = handle;
            if (linked == null) {
                linked = Linker.nativeLinker().downcallHandle(symbol, descriptor, options);
                handle = linked;
            }
            return linked;
        }
    }

    /**
     * {@code posix_fallocate(fd, offset, length)}: reserves every block now.
     *
     * @return 0, or the errno value the function returned (it does not set errno)
     * @throws IllegalStateException when the call could not be made at all
     */
    int posixFallocate(int fd, long offset, long length) {
        try {
            return (int) posixFallocate.handle().invokeExact(fd, offset, length);
        } catch (Throwable t) {
            throw new IllegalStateException("posix_fallocate", t);
        }
    }

    /** The C library's text for an errno value ({@code strerror}); {@code "errno <n>"} when it cannot be had. */
    String describe(int errno) {
        try {
            MemorySegment text = (MemorySegment) strerror.handle().invokeExact(errno);
            return text.reinterpret(256).getString(0);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }
}
