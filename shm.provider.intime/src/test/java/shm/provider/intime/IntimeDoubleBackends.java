package shm.provider.intime;

import java.nio.file.Path;

import shm.api.spi.ShmBackend;
import shm.testkit.BackendUnderTest;
import shm.testkit.TestDoubleStore;

/**
 * Gives the RTX personality's conformance fixture an INtime backend over the iwin32x / NTX test double, its objects
 * under the fixture's root (named by {@code shm.test.backend.factory} in this module's test build).
 */
public final class IntimeDoubleBackends implements BackendUnderTest.Factory {

    @Override
    public ShmBackend open(Path root) {
        return TestDoubleStore.backendUnder(root, IntimeDouble.library(), IntimeDouble::backend);
    }
}
