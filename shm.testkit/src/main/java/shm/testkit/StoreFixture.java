package shm.testkit;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A real store for a test: a backend over a fresh root on tmpfs, the "processes" (personality instances, services)
 * the test makes over it, and on {@link #close()} all of them closed, newest first, then the backend, then the
 * directory removed. Every close is tried; the first failure is thrown with the others suppressed.
 *
 * <p>Generic in the backend so that the backend's own tests can use it too (this module does not depend on any
 * backend): {@code new StoreFixture<>("rtx", root -> new MmapBackend(MmapSettings.under(root)))}.
 *
 * @param <B> the backend type
 */
public final class StoreFixture<B extends AutoCloseable> implements AutoCloseable {

    private final TmpfsDirectory directory;
    private final Path root;
    private final B backend;
    private final List<AutoCloseable> processes = new ArrayList<>();

    /**
     * A backend made by {@code backend} over the root {@code /dev/shm/<prefix>-<uuid>/ns} (which the backend
     * creates).
     */
    public StoreFixture(String prefix, Function<Path, B> backend) {
        directory = new TmpfsDirectory(prefix);
        root = directory.path().resolve("ns");
        this.backend = backend.apply(root);
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

    /** Closes the processes (newest first) and the backend, and removes the directory. */
    @Override
    public void close() throws Exception {
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
