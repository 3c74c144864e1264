package shm.provider.win32;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * One vendor library loaded with {@link SymbolLookup#libraryLookup} into an {@link Arena} this object owns: closing
 * it unloads the library (nothing static, no {@code System.loadLibrary}), so a component that deactivates lets go of
 * the DLL and a bundle update can load a changed one.
 *
 * <p>Functions bound with {@link #function(String, FunctionDescriptor, boolean)} and {@code captureLastError} capture
 * the thread's last error in the same native call, so no Java code runs between the call and the read: Windows'
 * {@code GetLastError} on Windows, {@code errno} elsewhere (where only a test double can be bound). Calls go through
 * {@link #enter()}/{@link #leave()} so that {@link #close()} does not unload the library under a running call.
 */
public final class NativeLibrary implements AutoCloseable {

    /** Whether this JVM runs on Windows, where the vendor libraries really are. */
    public static final boolean WINDOWS = System.getProperty("os.name", "").toLowerCase(Locale.ROOT)
            .startsWith("windows");
    /** The call state a captured function reports: the vendor's last-error slot of this operating system. */
    public static final String LAST_ERROR_STATE = WINDOWS ? "GetLastError" : "errno";

    private static final VarHandle LAST_ERROR = Linker.Option.captureStateLayout()
            .varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement(LAST_ERROR_STATE));

    private final String name;
    private final Arena arena;
    private final SymbolLookup lookup;
    private final ReentrantReadWriteLock calls = new ReentrantReadWriteLock();
    private volatile boolean closed;

    private NativeLibrary(String name, Arena arena, SymbolLookup lookup) {
        this.name = name;
        this.arena = arena;
        this.lookup = lookup;
    }

    /**
     * Loads a library by path (when {@code nameOrPath} names a file that exists or holds a path separator) or by
     * name, as the operating system's loader finds it.
     *
     * @throws LibraryUnavailableException when the loader cannot load it
     */
    public static NativeLibrary load(String nameOrPath) throws LibraryUnavailableException {
        if (nameOrPath == null || nameOrPath.isBlank()) {
            throw new LibraryUnavailableException(String.valueOf(nameOrPath), null, "no library is configured");
        }
        String configured = nameOrPath.strip();
        Arena arena = Arena.ofShared();
        try {
            SymbolLookup lookup = isPath(configured)
                    ? SymbolLookup.libraryLookup(Path.of(configured), arena)
                    : SymbolLookup.libraryLookup(configured, arena);
            return new NativeLibrary(configured, arena, lookup);
        } catch (IllegalArgumentException | IllegalCallerException e) {
            arena.close();
            throw new LibraryUnavailableException(configured, null, e.getMessage() == null
                    ? e.getClass().getSimpleName() : e.getMessage());
        }
    }

    private static boolean isPath(String configured) {
        return configured.contains("/") || configured.contains("\\") || Files.exists(Path.of(configured));
    }

    /** The configured name or path. */
    public String name() {
        return name;
    }

    /**
     * A downcall handle for {@code symbol}. With {@code captureLastError} the handle takes a capture segment from
     * {@link #captureSegment(Arena)} as its first argument and {@link #lastError(MemorySegment)} reads it.
     *
     * @throws LibraryUnavailableException when the library does not export {@code symbol}
     */
    public MethodHandle function(String symbol, FunctionDescriptor descriptor, boolean captureLastError)
            throws LibraryUnavailableException {
        MemorySegment address = lookup.find(symbol).orElseThrow(() -> new LibraryUnavailableException(name, symbol,
                "the symbol is not exported (wrong library or version?)"));
        Linker linker = Linker.nativeLinker();
        return captureLastError
                ? linker.downcallHandle(address, descriptor, Linker.Option.captureCallState(LAST_ERROR_STATE))
                : linker.downcallHandle(address, descriptor);
    }

    /** A segment to capture one call's last error in. */
    public static MemorySegment captureSegment(Arena callArena) {
        return callArena.allocate(Linker.Option.captureStateLayout());
    }

    /** The last error a captured call left in {@code capture}, as the unsigned DWORD it is. */
    public static long lastError(MemorySegment capture) {
        return Integer.toUnsignedLong((int) LAST_ERROR.get(capture, 0L));
    }

    /**
     * Marks a call as running; the library stays loaded until {@link #leave()}.
     *
     * @return {@code false} when the library is closed (then do not call and do not leave)
     */
    public boolean enter() {
        calls.readLock().lock();
        if (closed) {
            calls.readLock().unlock();
            return false;
        }
        return true;
    }

    /** Ends a call begun with {@link #enter()}. */
    public void leave() {
        calls.readLock().unlock();
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Unloads the library once no call is running; a call that blocks in the library for more than 10 s keeps it
     * loaded (unloading under it would crash the JVM) and this returns {@code false}. Idempotent.
     */
    @Override
    public void close() {
        closeWithin(10, TimeUnit.SECONDS);
    }

    /** {@link #close()} with another bound on the wait for running calls. */
    public boolean closeWithin(long timeout, TimeUnit unit) {
        closed = true;
        try {
            if (!calls.writeLock().tryLock(timeout, unit)) {
                return false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        try {
            if (arena.scope().isAlive()) {
                arena.close();
            }
            return true;
        } finally {
            calls.writeLock().unlock();
        }
    }
}
