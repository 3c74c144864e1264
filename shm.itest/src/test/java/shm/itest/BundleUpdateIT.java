package shm.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static shm.itest.ShmAssert.assertFreshObjectWorks;

import java.util.List;

import org.junit.After;
import org.junit.Test;
import org.osgi.framework.Bundle;

import shm.api.SharedMemoryService;
import shm.api.spi.ShmBackend;

/**
 * {@link Bundle#update()} of a platform bundle in the running framework, with handles open: the old revision leaves
 * no file and no mapping behind, and the services come back from the new revision.
 */
public class BundleUpdateIT extends ShmTestBase {

    /** Updating the backend bundle releases everything at its stop and registers a new backend after it. */
    @Test
    public void updateOfTheBackend() throws Exception {
        SharedMemoryService shm = services.shm();
        long backendId = services.ids(ShmBackend.class, Services.MMAP).getFirst();
        Workload workload = Workload.open(shm, "itest.update.provider");
        Bundle provider = Bundles.named(context, Bundles.PROVIDER_MMAP);

        try (StopSnapshot snapshot = StopSnapshot.watch(context, provider, root)) {
            provider.update();
            assertEquals("files left at the stop", List.of(), snapshot.leftovers().files());
            assertEquals("mappings left at the stop", List.of(), snapshot.leftovers().mappings());
        }

        assertEquals(Bundles.state(provider), Bundle.ACTIVE, provider.getState());
        workload.assertAllClosed();
        services.mmap();
        long newBackendId = services.ids(ShmBackend.class, Services.MMAP).getFirst();
        assertNotEquals("a backend of the new revision", backendId, newBackendId);
        assertFreshObjectWorks(services.shm(), root, "itest.update.provider.after");
    }

    /** Updating the service bundle closes its handles at its stop and registers a new service after it. */
    @Test
    public void updateOfTheCore() throws Exception {
        SharedMemoryService shm = services.shm();
        long serviceId = services.ids(SharedMemoryService.class, null).getFirst();
        Workload workload = Workload.open(shm, "itest.update.core");
        Bundle core = Bundles.named(context, Bundles.CORE);

        try (StopSnapshot snapshot = StopSnapshot.watch(context, core, root)) {
            core.update();
            assertEquals("object files left at the stop", List.of(), snapshot.leftovers().objectFiles());
            assertEquals("object mappings left at the stop", List.of(), snapshot.leftovers().objectMappings());
        }

        workload.assertAllClosed();
        SharedMemoryService updated = services.shm();
        assertNotEquals("a service of the new revision", serviceId,
                (long) services.ids(SharedMemoryService.class, null).getFirst());
        assertFreshObjectWorks(updated, root, "itest.update.core.after");
    }

    /** Leaves the platform running for the next test, whatever this one did. */
    @After
    public void restartStoppedBundles() throws Exception {
        Bundles.startIfStopped(context, Bundles.PROVIDER_MMAP, Bundles.CORE);
    }
}
