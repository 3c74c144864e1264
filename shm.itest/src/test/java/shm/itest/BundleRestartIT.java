package shm.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static shm.itest.ShmAssert.assertFreshObjectWorks;
import static shm.testkit.Reasons.assertReason;

import java.util.List;
import java.util.Set;

import org.junit.After;
import org.junit.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.framework.ServiceReference;

import shm.api.ErrorReason;
import shm.api.SharedMemoryService;
import shm.api.spi.ShmBackend;
import shm.testkit.Await;

/**
 * Stopping a bundle of the platform with handles open releases everything it held (handles, files, mappings,
 * threads), and starting it again brings the services back.
 */
public class BundleRestartIT extends ShmTestBase {

    /** Stopping the backend closes the handles, deletes the files and unmaps everything under the root. */
    @Test
    public void stopAndStartOfTheBackend() throws Exception {
        SharedMemoryService shm = services.shm();
        long backendId = services.ids(ShmBackend.class, Services.MMAP).getFirst();
        Workload workload = Workload.open(shm, "itest.provider");
        assertEquals(3, root.objectFiles().size());
        assertFalse(ProcMaps.objectsUnder(root.path()).isEmpty());

        Bundle provider = Bundles.named(context, Bundles.PROVIDER_MMAP);
        provider.stop();

        assertBackendLeftNothing();
        workload.assertAllClosed();
        assertEquals(List.of(), services.references(ShmBackend.class, Services.MMAP));
        assertServiceGoneOrClosed(shm);

        Set<Long> threadsWhileStopped = Threads.ids();
        provider.start();
        services.mmap();
        assertNotEquals("a new backend service", backendId,
                (long) services.ids(ShmBackend.class, Services.MMAP).getFirst());
        assertFreshObjectWorks(services.shm(), root, "itest.provider.after");

        provider.stop();
        assertBackendLeftNothing();
        assertNoThreadLeft(provider, threadsWhileStopped);
        provider.start();
        assertFreshObjectWorks(services.shm(), root, "itest.provider.again");
    }

    /** Stopping the service bundle closes its handles and unregisters it; the backend is left clean and running. */
    @Test
    public void stopAndStartOfTheCore() throws Exception {
        SharedMemoryService shm = services.shm();
        long backendId = services.ids(ShmBackend.class, Services.MMAP).getFirst();
        Workload workload = Workload.open(shm, "itest.core");

        Bundle core = Bundles.named(context, Bundles.CORE);
        core.stop();

        assertEquals("object files left in the root", List.of(), root.objectFiles());
        assertEquals("object mappings left", List.of(), ProcMaps.objectsUnder(root.path()));
        workload.assertAllClosed();
        assertEquals(List.of(), services.references(SharedMemoryService.class, null));
        assertReason(ErrorReason.CLOSED, shm::list);
        assertReason(ErrorReason.CLOSED, () -> shm.createOrOpen("itest.core.late", 4096));
        assertEquals("the backend stays", List.of(backendId), services.ids(ShmBackend.class, Services.MMAP));
        assertEquals(List.of(), services.mmap().list());

        Set<Long> threadsWhileStopped = Threads.ids();
        core.start();
        assertFreshObjectWorks(services.shm(), root, "itest.core.after");

        core.stop();
        assertNoThreadLeft(core, threadsWhileStopped);
        core.start();
        assertFreshObjectWorks(services.shm(), root, "itest.core.again");
    }

    /** Leaves the platform running for the next test, whatever this one did. */
    @After
    public void restartStoppedBundles() throws BundleException {
        Bundles.startIfStopped(context, Bundles.PROVIDER_MMAP, Bundles.CORE);
    }

    /** With the backend stopped, its root holds no file at all and nothing under it is mapped. */
    private void assertBackendLeftNothing() {
        assertEquals("files left in the root", List.of(), root.entries());
        assertEquals("mappings left under the root", List.of(), ProcMaps.under(root.path()));
    }

    /** Threads started while {@code bundle} ran end once it has stopped. */
    private static void assertNoThreadLeft(Bundle bundle, Set<Long> before) {
        Await.until(() -> "threads left running by " + bundle.getSymbolicName() + ": " + Threads.startedSince(before),
                Await.DEADLINE, () -> Threads.startedSince(before).isEmpty());
    }

    /** Without a backend the neutral service is either unregistered (its old object then says CLOSED) or says so. */
    private void assertServiceGoneOrClosed(SharedMemoryService old) {
        List<ServiceReference<SharedMemoryService>> registered = services.references(SharedMemoryService.class, null);
        if (registered.isEmpty()) {
            assertReason(ErrorReason.CLOSED, old::list);
            return;
        }
        SharedMemoryService current = context.getService(registered.getFirst());
        try {
            assertReason(ErrorReason.CLOSED, () -> current.createOrOpen("itest.nobackend", 4096));
        } finally {
            context.ungetService(registered.getFirst());
        }
    }
}
