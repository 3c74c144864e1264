package shm.provider.rtx;

import java.nio.file.Path;

import shm.api.spi.ShmBackend;
import shm.testkit.BackendUnderTest;
import shm.testkit.TestDoubleStore;

/**
 * Gives the RTX personality's conformance fixture an RTX backend over the RtApi.dll test double, its objects under
 * the fixture's root (named by {@code shm.test.backend.factory} in this module's test build).
 */
public final class RtxDoubleBackends implements BackendUnderTest.Factory {

    @Override
    public ShmBackend open(Path root) {
        return TestDoubleStore.backendUnder(root, RtxDouble.library(), RtxDouble::backend);
    }
}
