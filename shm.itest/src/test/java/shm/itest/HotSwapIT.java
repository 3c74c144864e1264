package shm.itest;

import static org.junit.Assert.assertEquals;

import java.lang.ref.WeakReference;
import java.util.List;

import org.junit.After;
import org.junit.Test;

/**
 * The operator's promise: update (to a second bundle version), stop/start and refresh of the platform's bundles, 20
 * times each, while a child process writes a counter into an object it shares with the framework and the framework
 * alone holds a second object: after every step both objects are the same files, the framework's handles read the
 * current counter and the intact bytes, no write is lost; afterwards descriptors, threads, mappings and files are back
 * to their starting counts and no class of the first revision stays reachable.
 */
public class HotSwapIT extends ShmTestBase {

    private static final int CYCLES = 20;

    /** The mmap backend: its holds are parked at each stop and taken over by the next revision. */
    @Test
    public void theProviderCyclesWithoutLosingAnything() throws Exception {
        cycle(Bundles.PROVIDER_MMAP, "shm.provider.mmap.MmapBackend");
    }

    /** The neutral service: its handles find the next revision through the service registry. */
    @Test
    public void theCoreCyclesWithoutLosingAnything() throws Exception {
        cycle(Bundles.CORE, "shm.core.NeutralSharedMemoryService");
    }

    private void cycle(String symbolicName, String someClass) throws Exception {
        Lifecycle bundle = new Lifecycle(context, symbolicName);
        WeakReference<Class<?>> firstRevision = new WeakReference<>(bundle.bundle().loadClass(someClass));
        Resources start;
        try (SwapRig rig = SwapRig.start(services.shm(), root)) {
            rig.check("start");
            start = Resources.now(root);
            for (int i = 1; i <= CYCLES; i++) {
                String version = bundle.update();
                rig.check("update " + i + " of " + symbolicName + " to " + version);
            }
            for (int i = 1; i <= CYCLES; i++) {
                bundle.restart();
                rig.check("stop/start " + i + " of " + symbolicName);
            }
            bundle.refresh();
            rig.check("refresh of " + symbolicName);
            rig.finish();
            Resources atStart = start;
            Await.until(() -> "descriptors, threads, mappings and files back to " + atStart + "; now "
                    + Resources.now(root), Await.DEFAULT, () -> Resources.now(root).noMoreThan(atStart));
        }
        assertEquals("every object went with its last handle; no parked hold was left", List.of(),
                root.objectFiles());
        Gc.assertCollected(symbolicName + "'s first revision", firstRevision);
    }

    /** Leaves the platform running for the next test, whatever this one did. */
    @After
    public void restartStoppedBundles() throws Exception {
        Bundles.startIfStopped(context, Bundles.PROVIDER_MMAP, Bundles.CORE);
    }
}
