package shm.provider.mmap;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * A C function whose downcall handle is linked at its first call. The symbol is looked up at once, so a missing
 * function still fails when the backend is made; linking (which generates code, and the first link in a JVM loads the
 * FFM machinery) waits until the function is needed, so a process that only lists a store links only what listing
 * calls. Thread-safe: two threads may link the same function at once, and either handle serves.
 */
final class Downcall {

    private final MemorySegment symbol;
    private final FunctionDescriptor descriptor;
    private final Linker.Option[] options;
    private volatile MethodHandle handle;

    /**
     * @param lookup     where the symbol is
     * @param name       the C function's name
     * @param descriptor its signature
     * @param options    the linker's options (errno capture, variadic arguments)
     * @throws IllegalStateException when the library has no such function
     */
    Downcall(SymbolLookup lookup, String name, FunctionDescriptor descriptor, Linker.Option... options) {
        this.symbol = lookup.find(name).orElseThrow(() -> new IllegalStateException("libc has no symbol " + name));
        this.descriptor = descriptor;
        this.options = options.clone();
    }

    /** The downcall handle, linked on the first call. */
    MethodHandle handle() {
        MethodHandle linked = handle;
        if (linked == null) {
            linked = Linker.nativeLinker().downcallHandle(symbol, descriptor, options);
            handle = linked;
        }
        return linked;
    }
}
