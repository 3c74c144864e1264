package shm.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A private store of a vendor-API <b>test double</b> (the C libraries in the test sources of shm.provider.rtx and
 * shm.provider.intime, built by the test build): a fresh directory on tmpfs that this JVM's double uses (through the
 * double's test-only {@code TestDouble_SetRoot}) and that child processes get through {@link #environment()}, plus
 * the double's other test-only probes. Closing it deletes the directory. The double is not vendor software.
 */
public final class TestDoubleStore implements AutoCloseable {

    /** The directory holding the double's object table and objects. */
    public final Path root;
    private final Path library;
    private final Arena arena = Arena.ofShared();
    private final MethodHandle handleCount;
    private final MethodHandle nameOf;
    private final MethodHandle lastCreate;

    /** A new store for the double at {@code library}, made the store of this JVM's double. */
    public TestDoubleStore(Path library) {
        this.library = library;
        this.root = Path.of("/dev/shm", "shm-testdouble-" + UUID.randomUUID());
        SymbolLookup lookup = SymbolLookup.libraryLookup(library, arena);
        Linker linker = Linker.nativeLinker();
        MethodHandle setRoot = linker.downcallHandle(lookup.findOrThrow("TestDouble_SetRoot"),
                FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));
        handleCount = linker.downcallHandle(lookup.findOrThrow("TestDouble_HandleCount"),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
        nameOf = linker.downcallHandle(lookup.findOrThrow("TestDouble_NameOf"),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                        ValueLayout.JAVA_LONG));
        lastCreate = linker.downcallHandle(lookup.findOrThrow("TestDouble_LastCreate"),
                FunctionDescriptor.ofVoid(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
        try (Arena call = Arena.ofConfined()) {
            setRoot.invokeExact(call.allocateFrom(root.toString()));
        } catch (Throwable t) {
            throw new IllegalStateException("TestDouble_SetRoot failed", t);
        }
    }

    /**
     * Makes {@code root} the store of this JVM's double at {@code library} (for a fixture that owns and deletes the
     * directory itself) and lets go of this handle on the library; the caller's own handle keeps it loaded.
     */
    public static void useRoot(Path library, Path root) {
        try (Arena arena = Arena.ofConfined()) {
            MethodHandle setRoot = Linker.nativeLinker().downcallHandle(SymbolLookup.libraryLookup(library, arena)
                    .findOrThrow("TestDouble_SetRoot"), FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));
            setRoot.invokeExact(arena.allocateFrom(root.toString()));
        } catch (Throwable t) {
            throw new IllegalStateException("TestDouble_SetRoot failed", t);
        }
    }

    /**
     * A backend made by {@code opener} over the double at {@code library}, whose objects the double keeps under
     * {@code root} (created if missing): what a {@link BackendUnderTest.Factory} over a vendor double answers.
     */
    public static <B> B backendUnder(Path root, Path library, java.util.function.Supplier<B> opener) {
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        B backend = opener.get();
        useRoot(library, root);
        return backend;
    }

    /** The test double's library path given by a system property the test build sets. */
    public static Path libraryFromProperty(String property) {
        String value = System.getProperty(property);
        if (value == null || !Files.isRegularFile(Path.of(value))) {
            throw new IllegalStateException("system property " + property + " must name the test double built by"
                    + " the test build (mvn verify), not " + value);
        }
        return Path.of(value);
    }

    /** The library this store's double is. */
    public Path library() {
        return library;
    }

    /** The environment a child process needs to use this store. */
    public Map<String, String> environment() {
        return Map.of("SHM_TESTDOUBLE_ROOT", root.toString());
    }

    /** How many handles all live processes hold to the named object; -1 when none has the name. */
    public int handleCount(String name) {
        try (Arena call = Arena.ofConfined()) {
            return (int) handleCount.invokeExact(call.allocateFrom(name));
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** The name (UTF-8) the double stored for the object of a vendor handle; null when the handle is not live. */
    public String nameOf(long handle) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment out = call.allocate(2048);
            int n = (int) nameOf.invokeExact(MemorySegment.ofAddress(handle), out, 2048L);
            return n < 0 ? null : out.getString(0);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** {@code {flProtect, MaximumSizeHigh, MaximumSizeLow}} of this process's last shared-memory create. */
    public long[] lastCreate() {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment p = call.allocate(ValueLayout.JAVA_INT);
            MemorySegment h = call.allocate(ValueLayout.JAVA_INT);
            MemorySegment l = call.allocate(ValueLayout.JAVA_INT);
            lastCreate.invokeExact(p, h, l);
            return new long[] {Integer.toUnsignedLong(p.get(ValueLayout.JAVA_INT, 0)),
                Integer.toUnsignedLong(h.get(ValueLayout.JAVA_INT, 0)),
                Integer.toUnsignedLong(l.get(ValueLayout.JAVA_INT, 0))};
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** The object files in the store (everything but the object table). */
    public long objectFiles() {
        if (!Files.isDirectory(root)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(root)) {
            return files.filter(p -> !p.getFileName().toString().equals("table")).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes the store and lets go of this handle on the library. */
    @Override
    public void close() {
        arena.close();
        if (Files.exists(root)) {
            try (Stream<Path> all = Files.walk(root)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
