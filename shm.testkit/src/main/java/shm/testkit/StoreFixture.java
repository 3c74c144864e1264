package shm.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import shm.util.Failures;

/**
 * A real store for a test: a backend over a fresh root on tmpfs, the "processes" (personality instances, services)
 * the test makes over it, and on {@link #close()} all of them closed, newest first, then the backend, then the
 * directory removed. Every close is tried; the first failure is thrown with the others suppressed.
 *
 * <p>Generic in the backend so that the backend's own tests can use it too (this module does not depend on any
 * backend). In a JUnit 5 test it is a field registered as an extension, closed after each test (after the test's own
 * {@code @AfterEach} methods):
 *
 * <pre>{@code
 * @RegisterExtension
 * final StoreFixture<MmapBackend> store = new StoreFixture<>("shm-test", root -> new MmapBackend(MmapSettings.under(root)));
 * }</pre>
 *
 * <p>A module's own fixture (RTX, INtime, NTX "processes" over the store) extends this class and adds only what is
 * its own.
 *
 * @param <B> the backend type
 */
public class StoreFixture<B extends AutoCloseable> implements AutoCloseable, AfterEachCallback {

    private final TmpfsDirectory directory;
    private final Path root;
    private final B backend;
    private final List<AutoCloseable> processes = new ArrayList<>();
    private boolean closed;

    /**
     * A backend made by {@code backend} over the root {@code /dev/shm/<prefix>-<uuid>/ns} (which the backend
     * creates).
     */
    public StoreFixture(String prefix, Function<Path, B> backend) {
        directory = new TmpfsDirectory(prefix);
        root = directory.path().resolve("ns");
        this.backend = backend.apply(root);
    }

    /** The fresh directory on tmpfs that holds the root (and whatever else the test makes beside it). */
    public final Path directory() {
        return directory.path();
    }

    /** The store's root directory. */
    public final Path root() {
        return root;
    }

    /** The backend over the root. */
    public final B backend() {
        return backend;
    }

    /** Keeps {@code process} to be closed before the backend; returns it. */
    public final <P extends AutoCloseable> P track(P process) {
        processes.add(process);
        return process;
    }

    /** The object files in the store: every file but the object table, sorted. */
    public final List<String> objectFiles() {
        return TmpfsDirectory.objectFiles(root);
    }

    /**
     * Closes the processes (newest first) and the backend, and removes the directory; a second call does nothing.
     * Every close is tried; the first failure is thrown with the others suppressed.
     *
     * @throws IOException when the first failure was one (removing the directory); other checked failures come
     *                     wrapped in an {@link IllegalStateException}
     */
    @Override
    public final void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        List<AutoCloseable> order = new ArrayList<>(processes.reversed());
        order.add(backend);
        order.add(directory);
        try {
            Failures.forEach(RuntimeException.class, order, StoreFixture::closeUnchecked);
        } catch (UncheckedIOException e) {
            IOException first = e.getCause();
            for (Throwable later : e.getSuppressed()) {
                first.addSuppressed(later);
            }
            throw first;
        }
    }

    private static void closeUnchecked(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (RuntimeException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot close " + closeable, e);
        }
    }

    /** Closes the store after each test of a class that registered it as an extension. */
    @Override
    public final void afterEach(ExtensionContext context) throws IOException {
        close();
    }
}
