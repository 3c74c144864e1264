package shm.provider.win32;

import static shm.provider.win32.WinTypes.BOOL;
import static shm.provider.win32.WinTypes.DWORD;
import static shm.provider.win32.WinTypes.LONG;
import static shm.provider.win32.WinTypes.POINTER;
import static shm.provider.win32.WinTypes.SIZE_T;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

import shm.api.ErrorReason;
import shm.api.ShmException;

/**
 * The Win32-style object functions of a vendor library (shared memory, event, mutex, semaphore, wait, close) bound
 * through FFM with their documented Windows x64 signatures, plus {@code VirtualQuery} from the system library (the
 * only way a Windows process learns the size of an object it opened). One Java method per C function; each returns
 * the raw result and the captured last error, and translates nothing: {@link Win32Backend} gives the meaning.
 */
public final class Win32ObjectApi {

    /** {@code MEMORY_BASIC_INFORMATION} of Windows x64: 48 bytes; {@code RegionSize} at offset 24. */
    static final long MBI_SIZE = 48;
    static final long MBI_REGION_SIZE = 24;

    private static final FunctionDescriptor HANDLE_OF_HANDLE = FunctionDescriptor.of(BOOL, POINTER);
    private static final FunctionDescriptor OPEN = FunctionDescriptor.of(POINTER, DWORD, BOOL, POINTER);

    private final NativeLibrary library;
    private final NativeLibrary system;
    private final MethodHandle createSharedMemory;
    private final MethodHandle openSharedMemory;
    private final MethodHandle closeHandle;
    private final MethodHandle createEvent;
    private final MethodHandle openEvent;
    private final MethodHandle setEvent;
    private final MethodHandle resetEvent;
    private final MethodHandle pulseEvent;
    private final MethodHandle createMutex;
    private final MethodHandle openMutex;
    private final MethodHandle releaseMutex;
    private final MethodHandle createSemaphore;
    private final MethodHandle openSemaphore;
    private final MethodHandle releaseSemaphore;
    private final MethodHandle waitForSingleObject;
    private final MethodHandle virtualQuery;

    /**
     * Binds every entry point; nothing is called.
     *
     * @param library the vendor library
     * @param system  the library exporting {@code VirtualQuery} ({@code kernel32} on Windows)
     * @throws LibraryUnavailableException naming the first missing symbol
     */
    public Win32ObjectApi(NativeLibrary library, NativeLibrary system, EntryPoints names)
            throws LibraryUnavailableException {
        this.library = library;
        this.system = system;
        createSharedMemory = library.function(names.createSharedMemory(),
                FunctionDescriptor.of(POINTER, DWORD, DWORD, DWORD, POINTER, POINTER), true);
        openSharedMemory = library.function(names.openSharedMemory(),
                FunctionDescriptor.of(POINTER, DWORD, BOOL, POINTER, POINTER), true);
        closeHandle = library.function(names.closeHandle(), HANDLE_OF_HANDLE, true);
        createEvent = library.function(names.createEvent(),
                FunctionDescriptor.of(POINTER, POINTER, BOOL, BOOL, POINTER), true);
        openEvent = library.function(names.openEvent(), OPEN, true);
        setEvent = library.function(names.setEvent(), HANDLE_OF_HANDLE, true);
        resetEvent = library.function(names.resetEvent(), HANDLE_OF_HANDLE, true);
        pulseEvent = library.function(names.pulseEvent(), HANDLE_OF_HANDLE, true);
        createMutex = library.function(names.createMutex(), FunctionDescriptor.of(POINTER, POINTER, BOOL, POINTER),
                true);
        openMutex = library.function(names.openMutex(), OPEN, true);
        releaseMutex = library.function(names.releaseMutex(), HANDLE_OF_HANDLE, true);
        createSemaphore = library.function(names.createSemaphore(),
                FunctionDescriptor.of(POINTER, POINTER, LONG, LONG, POINTER), true);
        openSemaphore = library.function(names.openSemaphore(), OPEN, true);
        releaseSemaphore = library.function(names.releaseSemaphore(),
                FunctionDescriptor.of(BOOL, POINTER, LONG, POINTER), true);
        waitForSingleObject = library.function(names.waitForSingleObject(),
                FunctionDescriptor.of(DWORD, POINTER, DWORD), true);
        virtualQuery = system.function("VirtualQuery", FunctionDescriptor.of(SIZE_T, POINTER, POINTER, SIZE_T), true);
    }

    /** The vendor library. */
    public NativeLibrary library() {
        return library;
    }

    /** Unloads the vendor library and the system library. Idempotent. */
    public void close() {
        library.close();
        system.close();
    }

    /** {@code RtCreateSharedMemory(flProtect, sizeHigh, sizeLow, name, &location)}. */
    public NativeResult createSharedMemory(int protect, long size, String name) {
        return call(name, (arena, capture) -> {
            MemorySegment location = arena.allocate(POINTER);
            MemorySegment h = (MemorySegment) createSharedMemory.invokeExact(capture, protect, WinTypes.high(size),
                    WinTypes.low(size), WinTypes.wide(arena, name), location);
            return new NativeResult(h.address(), location.get(ValueLayout.ADDRESS, 0).address(),
                    NativeLibrary.lastError(capture));
        });
    }

    /** {@code RtOpenSharedMemory(access, FALSE, name, &location)}. */
    public NativeResult openSharedMemory(int access, String name) {
        return call(name, (arena, capture) -> {
            MemorySegment location = arena.allocate(POINTER);
            MemorySegment h = (MemorySegment) openSharedMemory.invokeExact(capture, access, 0,
                    WinTypes.wide(arena, name), location);
            return new NativeResult(h.address(), location.get(ValueLayout.ADDRESS, 0).address(),
                    NativeLibrary.lastError(capture));
        });
    }

    /** {@code RtCloseHandle(handle)}. */
    public NativeResult closeHandle(long handle) {
        return onHandle(closeHandle, handle);
    }

    /** {@code RtCreateEvent(NULL, manualReset, initialState, name)}. */
    public NativeResult createEvent(boolean manualReset, boolean initialState, String name) {
        return call(name, (arena, capture) -> handle((MemorySegment) createEvent.invokeExact(capture,
                MemorySegment.NULL, manualReset ? 1 : 0, initialState ? 1 : 0, WinTypes.wide(arena, name)), capture));
    }

    /** {@code RtOpenEvent(0, FALSE, name)}. */
    public NativeResult openEvent(String name) {
        return open(openEvent, name);
    }

    /** {@code RtSetEvent(handle)}. */
    public NativeResult setEvent(long handle) {
        return onHandle(setEvent, handle);
    }

    /** {@code RtResetEvent(handle)}. */
    public NativeResult resetEvent(long handle) {
        return onHandle(resetEvent, handle);
    }

    /** {@code RtPulseEvent(handle)}. */
    public NativeResult pulseEvent(long handle) {
        return onHandle(pulseEvent, handle);
    }

    /** {@code RtCreateMutex(NULL, initialOwner, name)}. */
    public NativeResult createMutex(boolean initialOwner, String name) {
        return call(name, (arena, capture) -> handle((MemorySegment) createMutex.invokeExact(capture,
                MemorySegment.NULL, initialOwner ? 1 : 0, WinTypes.wide(arena, name)), capture));
    }

    /** {@code RtOpenMutex(0, FALSE, name)}. */
    public NativeResult openMutex(String name) {
        return open(openMutex, name);
    }

    /** {@code RtReleaseMutex(handle)}. */
    public NativeResult releaseMutex(long handle) {
        return onHandle(releaseMutex, handle);
    }

    /** {@code RtCreateSemaphore(NULL, initial, maximum, name)}; the counts must fit a LONG. */
    public NativeResult createSemaphore(int initial, int maximum, String name) {
        return call(name, (arena, capture) -> handle((MemorySegment) createSemaphore.invokeExact(capture,
                MemorySegment.NULL, initial, maximum, WinTypes.wide(arena, name)), capture));
    }

    /** {@code RtOpenSemaphore(0, FALSE, name)}. */
    public NativeResult openSemaphore(String name) {
        return open(openSemaphore, name);
    }

    /** {@code RtReleaseSemaphore(handle, count, &previous)}; {@link NativeResult#out()} is the previous count. */
    public NativeResult releaseSemaphore(long handle, int count) {
        return call(null, (arena, capture) -> {
            MemorySegment previous = arena.allocate(LONG);
            int ok = (int) releaseSemaphore.invokeExact(capture, MemorySegment.ofAddress(handle), count, previous);
            return new NativeResult(Integer.toUnsignedLong(ok), previous.get(LONG, 0),
                    NativeLibrary.lastError(capture));
        });
    }

    /** {@code RtWaitForSingleObject(handle, millis)}; {@link NativeResult#value()} is the DWORD result. */
    public NativeResult waitForSingleObject(long handle, int millis) {
        return call(null, (arena, capture) -> {
            int result = (int) waitForSingleObject.invokeExact(capture, MemorySegment.ofAddress(handle), millis);
            return new NativeResult(Integer.toUnsignedLong(result), 0, NativeLibrary.lastError(capture));
        });
    }

    /** {@code VirtualQuery(address, &mbi, sizeof mbi)}: the size of the region mapped at {@code address}, or 0. */
    public long regionSize(long address) {
        if (!system.enter()) {
            throw closed(null);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = NativeLibrary.captureSegment(arena);
            MemorySegment mbi = arena.allocate(MemoryLayout.sequenceLayout(MBI_SIZE, ValueLayout.JAVA_BYTE), 8);
            long written = (long) virtualQuery.invokeExact(capture, MemorySegment.ofAddress(address), mbi, MBI_SIZE);
            return written < MBI_SIZE ? 0 : mbi.get(ValueLayout.JAVA_LONG, MBI_REGION_SIZE);
        } catch (Throwable t) {
            throw internal(null, "VirtualQuery", t);
        } finally {
            system.leave();
        }
    }

    private NativeResult open(MethodHandle function, String name) {
        return call(name, (arena, capture) -> handle((MemorySegment) function.invokeExact(capture, 0, 0,
                WinTypes.wide(arena, name)), capture));
    }

    private NativeResult onHandle(MethodHandle function, long handle) {
        return call(null, (arena, capture) -> {
            int ok = (int) function.invokeExact(capture, MemorySegment.ofAddress(handle));
            return new NativeResult(Integer.toUnsignedLong(ok), 0, NativeLibrary.lastError(capture));
        });
    }

    private static NativeResult handle(MemorySegment handle, MemorySegment capture) {
        return new NativeResult(handle.address(), 0, NativeLibrary.lastError(capture));
    }

    /** One native call of this library in a confined arena holding its arguments and the capture segment. */
    private NativeResult call(String name, NativeCall body) {
        if (!library.enter()) {
            throw closed(name);
        }
        try (Arena arena = Arena.ofConfined()) {
            return body.invoke(arena, NativeLibrary.captureSegment(arena));
        } catch (IllegalArgumentException e) {
            throw new ShmException(ErrorReason.INVALID_NAME, name, e.getMessage());
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw internal(name, library.name(), t);
        } finally {
            library.leave();
        }
    }

    private ShmException closed(String name) {
        return new ShmException(ErrorReason.CLOSED, name, "the backend over '" + library.name() + "' is closed");
    }

    private static ShmException internal(String name, String what, Throwable t) {
        return new ShmException(ErrorReason.INTERNAL, name, "the call into " + what + " failed: " + t, null, t);
    }

    @FunctionalInterface
    private interface NativeCall {
        NativeResult invoke(Arena arena, MemorySegment capture) throws Throwable;
    }
}
