package shm.provider.mmap;

import static shm.provider.mmap.SystemCalls.Call.MLOCK;
import static shm.provider.mmap.SystemCalls.Call.MMAP;
import static shm.provider.mmap.SystemCalls.Call.MREMAP;
import static shm.provider.mmap.SystemCalls.Call.MUNMAP;

import java.lang.foreign.MemorySegment;

import shm.provider.mmap.sync.CallState;

/**
 * The memory-mapping calls of the store, for {@link Mapper}: mapping an open file shared ({@code mmap}), mapping the
 * pages of a mapping a second time ({@code mremap}), unmapping ({@code munmap}) and locking the pages of a mapping in
 * RAM ({@code mlock}). Made by a {@link LibC} and sharing its {@link SystemCalls} binding, its per-thread
 * {@link CallState} and its {@link CLibraryFunctions} (for the text of a failure), so nothing is linked twice.
 * Failures are {@link LibC.Failure}s. Thread-safe.
 */
final class MappingCalls {

    private static final int PROT_READ = 1;
    private static final int PROT_WRITE = 2;
    private static final int MAP_SHARED = 1;
    private static final int MREMAP_MAYMOVE = 1;

    private final SystemCalls sys;
    private final CallState callState;
    private final CLibraryFunctions functions;

    MappingCalls(SystemCalls sys, CallState callState, CLibraryFunctions functions) {
        this.sys = sys;
        this.callState = callState;
        this.functions = functions;
    }

    /** {@code mmap(NULL, length, prot, MAP_SHARED, fd, offset)}; returns the address of the mapping. */
    long mmap(int fd, long offset, long length, boolean writable) throws LibC.Failure {
        long address = sys.call(MMAP, 0, length, writable ? PROT_READ | PROT_WRITE : PROT_READ, MAP_SHARED, fd, offset);
        if (address == -1L) {
            throw failure(MMAP, callState.errno());
        }
        return address;
    }

    /**
     * {@code mremap(address, 0, length, MREMAP_MAYMOVE)}: a new mapping, at an address of its own, of the same pages as
     * the shared mapping at {@code address}, with its protection; no descriptor needed.
     *
     * @return the address of the new mapping
     */
    long duplicateMapping(long address, long length) throws LibC.Failure {
        long copy = sys.call(MREMAP, address, 0, length, MREMAP_MAYMOVE);
        if (copy == -1L) {
            throw failure(MREMAP, callState.errno());
        }
        return copy;
    }

    /** {@code munmap(address, length)}; a failure here means a bug, reported as such. */
    void munmap(long address, long length) {
        if (sys.call(MUNMAP, address, length) != 0) {
            throw new IllegalStateException("munmap: " + functions.describe(callState.errno()));
        }
    }

    /** {@code mlock(address, length)}: keeps the pages of a mapping in RAM until it is unmapped. */
    void mlock(MemorySegment mapping) throws LibC.Failure {
        if (sys.call(MLOCK, LibC.nativeAddress(mapping), mapping.byteSize()) != 0) {
            throw failure(MLOCK, callState.errno());
        }
    }

    private LibC.Failure failure(SystemCalls.Call call, int errno) {
        return new LibC.Failure(call.label, errno, functions);
    }
}
