package shm.testkit;

import java.nio.file.Path;
import java.util.function.Supplier;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A vendor backend over a fresh {@link TestDoubleStore}, for one test: register it as a field with
 * {@code @RegisterExtension}; the store is made first (it points this JVM's double at a new directory), then the
 * backend; after the test the backend is closed, then the store (its directory deleted), the first failure kept.
 *
 * @param <B> the backend type
 */
public final class TestDoubleFixture<B extends AutoCloseable> implements AfterEachCallback {

    /** The double's private store of this test. */
    public final TestDoubleStore store;
    /** The backend under test, bound to the double's library. */
    public final B backend;

    /**
     * Makes the store for the double at {@code library}, then the backend.
     *
     * @param library the test double's library
     * @param backend makes the backend once the store is in place
     */
    public TestDoubleFixture(Path library, Supplier<B> backend) {
        this.store = new TestDoubleStore(library);
        try {
            this.backend = backend.get();
        } catch (RuntimeException | Error e) {
            store.close();
            throw e;
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        try (TestDoubleStore closedLast = store) {
            backend.close();
        }
    }
}
