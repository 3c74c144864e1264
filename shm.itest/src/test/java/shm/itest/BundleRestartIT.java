package shm.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.assertNotEquals;

import java.util.List;
import java.util.Set;

import org.junit.After;
import org.junit.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;

import shm.api.SharedMemoryService;
import shm.api.spi.ShmBackend;
import shm.testkit.Await;

/**
 * Stopping a bundle of the platform with handles open loses nothing: its holds are parked (the files stay, nothing
 * stays mapped, no thread stays) and starting it again takes them over; the services come back. Until issue 10 a stop
 * closed every handle and deleted every object only this JVM held.
 */
public class BundleRestartIT extends ShmTestBase {

    /** Stopping the backend parks the holds and unmaps everything; starting it again gives every handle back. */
    @Test
    public void stopAndStartOfTheBackend() throws Exception {
        SharedMemoryService shm = services.shm();
        long backendId = services.ids(ShmBackend.class, Services.MMAP).getFirst();
        List<String> before = root.objectFiles();
        Workload workload = Workload.open(shm, "itest.provider");
        List<String> withWorkload = root.objectFiles();
        assertEquals(before.size() + 3, withWorkload.size());
        assertFalse(ProcMaps.objectsUnder(root.path()).isEmpty());

        Bundle provider = Bundles.named(context, Bundles.PROVIDER_MMAP);
        Set<Long> threadsBefore = Threads.ids();
        provider.stop();

        assertEquals("the files stay while their holds are parked", withWorkload, root.objectFiles());
        assertEquals("nothing stays mapped", List.of(), ProcMaps.objectsUnder(root.path()));
        assertEquals(List.of(), services.references(ShmBackend.class, Services.MMAP));
        assertNoThreadLeft(provider, threadsBefore);

        provider.start();
        services.mmap();
        assertNotEquals("a new backend service", backendId,
                (long) services.ids(ShmBackend.class, Services.MMAP).getFirst());
        workload.assertKept(workload.handles());
        workload.closeAll();
        assertEquals(before, root.objectFiles());
    }

    /** Stopping the service bundle parks its handles' holds; started again, the named handles go on. */
    @Test
    public void stopAndStartOfTheCore() throws Exception {
        SharedMemoryService shm = services.shm();
        long backendId = services.ids(ShmBackend.class, Services.MMAP).getFirst();
        Workload workload = Workload.open(shm, "itest.core");

        Bundle core = Bundles.named(context, Bundles.CORE);
        Set<Long> threadsBefore = Threads.ids();
        core.stop();

        assertTrue("the named objects stay", root.objectFiles().containsAll(List.of("n.itest.core.a",
                "n.itest.core.b")));
        assertEquals(List.of(), services.references(SharedMemoryService.class, null));
        assertEquals("the backend stays", List.of(backendId), services.ids(ShmBackend.class, Services.MMAP));
        assertNoThreadLeft(core, threadsBefore);

        core.start();
        workload.assertKept(workload.named());
        workload.closeAll();
        assertTrue(services.mmap().lookup("itest.core.a").isEmpty());
        assertTrue(services.mmap().lookup("itest.core.b").isEmpty());
    }

    /** Leaves the platform running for the next test, whatever this one did. */
    @After
    public void restartStoppedBundles() throws BundleException {
        Bundles.startIfStopped(context, Bundles.PROVIDER_MMAP, Bundles.CORE);
    }

    /** Threads started while {@code bundle} ran end once it has stopped. */
    private static void assertNoThreadLeft(Bundle bundle, Set<Long> before) {
        Await.until(() -> "threads left running by " + bundle.getSymbolicName() + ": " + Threads.startedSince(before),
                Await.DEADLINE, () -> Threads.startedSince(before).isEmpty());
    }
}
