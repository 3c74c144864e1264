package shm.provider.intime;

import static shm.provider.win32.WinTypes.DWORD;
import static shm.provider.win32.WinTypes.POINTER;
import static shm.provider.win32.WinTypes.WORD;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import shm.api.ErrorReason;
import shm.api.ShmException;
import shm.provider.win32.LibraryUnavailableException;
import shm.provider.win32.NativeLibrary;
import shm.provider.win32.WinTypes;

/**
 * The NTX calls of INtime's Windows-side library ({@code ntx.h}) bound through FFM. NTX reports failures through
 * {@code ntxGetLastRtError} (a 16-bit INtime status, per Windows thread), which each method reads right after a
 * failed call on the same thread. Types: NTXHANDLE is pointer-sized, RTHANDLE and NTXSTATUS are WORDs.
 */
final class NtxApi {

    /** NTX_MAP_WRITE. */
    static final int NTX_MAP_WRITE = 0x4;
    /** NTX_MAP_UNALIGNED. */
    static final int NTX_MAP_UNALIGNED = 0x10000;
    /** NTX_BAD_NTXHANDLE. */
    static final long BAD_NTXHANDLE = -1L;
    /** NTX_BAD_SIZE. */
    static final long BAD_SIZE = 0xFFFF_FFFFL;
    /** E_OK. */
    static final int E_OK = 0;

    /** The names bound, for the capability check and the "missing symbol" line. */
    static final String GET_ROOT = "ntxGetRootRtProcess";
    static final String LOOKUP = "ntxLookupNtxHandle";
    static final String IMPORT = "ntxImportRtHandle";
    static final String MAP_EX = "ntxMapRtSharedMemoryEx";
    static final String UNMAP = "ntxUnmapRtSharedMemory";
    static final String GET_SIZE = "ntxGetRtSize";
    static final String LAST_ERROR = "ntxGetLastRtError";

    /** One NTX call's result: a handle, pointer or size, and the status when it failed. */
    record Result(long value, int status) {
    }

    private final NativeLibrary library;
    private final MethodHandle getRoot;
    private final MethodHandle lookup;
    private final MethodHandle importRtHandle;
    private final MethodHandle mapEx;
    private final MethodHandle unmap;
    private final MethodHandle getSize;
    private final MethodHandle lastError;

    NtxApi(NativeLibrary library) throws LibraryUnavailableException {
        this.library = library;
        getRoot = library.function(GET_ROOT, FunctionDescriptor.of(POINTER), false);
        lookup = library.function(LOOKUP, FunctionDescriptor.of(POINTER, POINTER, POINTER, DWORD), false);
        importRtHandle = library.function(IMPORT, FunctionDescriptor.of(POINTER, WORD, POINTER), false);
        mapEx = library.function(MAP_EX, FunctionDescriptor.of(POINTER, POINTER, DWORD), false);
        unmap = library.function(UNMAP, FunctionDescriptor.of(WORD, POINTER), false);
        getSize = library.function(GET_SIZE, FunctionDescriptor.of(DWORD, POINTER), false);
        lastError = library.function(LAST_ERROR, FunctionDescriptor.of(WORD), false);
    }

    NativeLibrary library() {
        return library;
    }

    /** {@code ntxGetRootRtProcess()}. */
    Result rootProcess() {
        return call(null, arena -> handle((MemorySegment) getRoot.invokeExact()));
    }

    /** {@code ntxLookupNtxHandle(directory, name, timeoutMillis)}; the name in the 8-bit encoding NTX takes. */
    Result lookup(long directory, String name, int timeoutMillis) {
        return call(name, arena -> handle((MemorySegment) lookup.invokeExact(MemorySegment.ofAddress(directory),
                WinTypes.narrow(arena, name), timeoutMillis)));
    }

    /** {@code ntxImportRtHandle(rtHandle, source)}. */
    Result importRtHandle(int rtHandle, long source) {
        return call(null, arena -> handle((MemorySegment) importRtHandle.invokeExact((short) rtHandle,
                MemorySegment.ofAddress(source))));
    }

    /** {@code ntxMapRtSharedMemoryEx(segment, flags)}: the address, or 0 and the status. */
    Result map(long segment, int flags) {
        return call(null, arena -> {
            MemorySegment p = (MemorySegment) mapEx.invokeExact(MemorySegment.ofAddress(segment), flags);
            return p.address() == 0 ? new Result(0, status()) : new Result(p.address(), E_OK);
        });
    }

    /** {@code ntxUnmapRtSharedMemory(segment)}: the status it returns. */
    int unmap(long segment) {
        return (int) call(null, arena -> new Result(WinTypes.unsigned((short) unmap.invokeExact(
                MemorySegment.ofAddress(segment))), 0)).value();
    }

    /** {@code ntxGetRtSize(segment)}: the size, or NTX_BAD_SIZE and the status. */
    Result size(long segment) {
        return call(null, arena -> {
            long size = WinTypes.unsigned((int) getSize.invokeExact(MemorySegment.ofAddress(segment)));
            return size == BAD_SIZE ? new Result(size, status()) : new Result(size, E_OK);
        });
    }

    private Result handle(MemorySegment h) throws Throwable {
        long v = h.address();
        return v == BAD_NTXHANDLE || v == 0 ? new Result(BAD_NTXHANDLE, status()) : new Result(v, E_OK);
    }

    private int status() throws Throwable {
        return WinTypes.unsigned((short) lastError.invokeExact());
    }

    private Result call(String name, NtxCall body) {
        if (!library.enter()) {
            throw new ShmException(ErrorReason.CLOSED, name, "the backend over '" + library.name() + "' is closed");
        }
        try (Arena arena = Arena.ofConfined()) {
            return body.invoke(arena);
        } catch (IllegalArgumentException e) {
            throw new ShmException(ErrorReason.INVALID_NAME, name, e.getMessage());
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new ShmException(ErrorReason.INTERNAL, name, "the call into " + library.name() + " failed: " + t,
                    null, t);
        } finally {
            library.leave();
        }
    }

    @FunctionalInterface
    private interface NtxCall {
        Result invoke(Arena arena) throws Throwable;
    }
}
