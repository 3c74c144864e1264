package shm.testkit;

import java.nio.file.Path;
import java.util.function.Supplier;

import shm.api.spi.ShmBackend;

/**
 * Which backend a personality test fixture runs over: the fixture's own (the mmap backend) unless the system
 * property {@value #PROPERTY} names a {@link Factory} class, as the vendor backends' test builds do to run the
 * personalities' conformance tests over a vendor library's test double without copying a test.
 */
public final class BackendUnderTest {

    /** The system property naming a {@link Factory} class. */
    public static final String PROPERTY = "shm.test.backend.factory";

    /** Opens a backend whose objects live under a fixture's root directory. */
    @FunctionalInterface
    public interface Factory {
        /** A backend keeping its objects as files under {@code root} (created if missing); AutoCloseable. */
        ShmBackend open(Path root);
    }

    private BackendUnderTest() {
    }

    /** The configured factory's backend for {@code root}, or {@code fixtureDefault}'s when none is configured. */
    public static ShmBackend open(Path root, Supplier<? extends ShmBackend> fixtureDefault) {
        String factory = System.getProperty(PROPERTY, "");
        if (factory.isBlank()) {
            return fixtureDefault.get();
        }
        try {
            return ((Factory) Class.forName(factory.strip()).getDeclaredConstructor().newInstance()).open(root);
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalStateException(PROPERTY + "=" + factory + " does not name a "
                    + Factory.class.getName() + " with a public no-argument constructor", e);
        }
    }

    /** Closes a backend a fixture got from {@link #open}. */
    public static void close(ShmBackend backend) {
        try {
            ((AutoCloseable) backend).close();
        } catch (Exception e) {
            throw new IllegalStateException("closing the backend under test failed", e);
        }
    }
}
