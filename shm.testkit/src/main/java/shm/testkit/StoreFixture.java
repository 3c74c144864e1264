package shm.testkit;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

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
    public Path directory() {
        return directory.path();
    }

    /** The store's root directory. */
    public Path root() {
        return root;
    }

    /** The backend over the root. */
    public B backend() {
        return backend;
    }

    /** Keeps {@code process} to be closed before the backend; returns it. */
    public <P extends AutoCloseable> P track(P process) {
        processes.add(process);
        return process;
    }

    /** The object files in the store: every file but the object table, sorted. */
    public List<String> objectFiles() {
        return TmpfsDirectory.objectFiles(root);
    }

    /** Closes the processes (newest first) and the backend, and removes the directory; a second call does nothing. */
    @Override
    public void close() throws IOException {
        try {
            closeEverything();
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    private void closeEverything() throws Exception {
        if (closed) {
            return;
        }
        closed = true;
        List<AutoCloseable> order = new ArrayList<>(processes.reversed());
        order.add(backend);
        order.add(directory);
        Exception first = null;
        for (AutoCloseable c : order) {
            try {
                c.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** Closes the store after each test of a class that registered it as an extension. */
    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        close();
    }

    /** {@link #close()} for callers that may only throw {@link IOException}. */
    public void closeAll() throws IOException {
        try {
            close();
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }
}
