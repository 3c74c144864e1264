package shm.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.lang.ref.WeakReference;
import java.util.List;

import org.junit.After;
import org.junit.Test;

import shm.api.rtx.RtxConstants;
import shm.api.rtx.RtxResult;
import shm.api.rtx.RtxSharedMemory;
import shm.testkit.Await;

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
        cycle(Bundles.PROVIDER_MMAP, "shm.provider.mmap.MmapBackend", true);
    }

    /** The neutral service: its handles find the next revision through the service registry. */
    @Test
    public void theCoreCyclesWithoutLosingAnything() throws Exception {
        // The shell's commands are deactivated and activated again whenever the neutral service goes and comes; each
        // instance used to stay registered as a bundle listener and kept the first core revision's service reachable.
        cycle(Bundles.CORE, "shm.core.NeutralSharedMemoryService", true);
    }

    /**
     * An RTX handle is the only hold on its object: across updates and restarts of the provider the object lives, the
     * value stays valid and names the same object, and the counts stay right (the last RtCloseHandle destroys it).
     */
    @Test
    public void rtxHandlesKeepTheirValuesAndObjectsAcrossProviderCycles() throws Exception {
        RtxSharedMemory rtx = services.await(RtxSharedMemory.class, null, Await.DEADLINE);
        RtxResult created = rtx.RtCreateSharedMemory(RtxConstants.PAGE_READWRITE, 0, 4096, "itest.hot.rtx");
        assertTrue(created.succeeded());
        created.location().setString(0, "held by RTX only");
        Object inode = java.nio.file.Files.getAttribute(root.path().resolve("n.itest.hot.rtx"), "unix:ino");
        Lifecycle provider = new Lifecycle(context, Bundles.PROVIDER_MMAP);
        for (int i = 1; i <= CYCLES / 4; i++) {
            provider.update();
            provider.restart();
        }
        Await.until("the RTX personality is bound again", () -> {
            RtxResult again = rtx.RtOpenSharedMemory(RtxConstants.SHM_MAP_WRITE, false, "itest.hot.rtx");
            if (!again.succeeded()) {
                return false;
            }
            assertEquals("held by RTX only", again.location().getString(0));
            assertTrue(rtx.RtCloseHandle(again.handle()));
            return true;
        });
        assertEquals("the same object", inode,
                java.nio.file.Files.getAttribute(root.path().resolve("n.itest.hot.rtx"), "unix:ino"));
        assertTrue("the value stayed valid", rtx.RtCloseHandle(created.handle()));
        assertEquals("its close was the last hold", List.of(), root.objectFiles());
    }

    private void cycle(String symbolicName, String someClass, boolean checkCollected) throws Exception {
        Lifecycle bundle = new Lifecycle(context, symbolicName);
        WeakReference<Class<?>> firstRevision = new WeakReference<>(bundle.bundle().loadClass(someClass));
        runCycles(bundle, symbolicName);
        assertEquals("every object went with its last handle; no parked hold was left", List.of(),
                root.objectFiles());
        // In a method of its own, after runCycles returned: no stack slot of this frame holds a handle of the first
        // revision (the rig's handles are instances of the revision that made them, until they are closed).
        if (checkCollected) {
            Gc.assertCollected(symbolicName + "'s first revision", firstRevision);
        }
    }

    private void runCycles(Lifecycle bundle, String symbolicName) throws Exception {
        try (SwapRig rig = SwapRig.start(services.shm(), root)) {
            rig.check("start");
            Resources start = Resources.now(root);
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
            Await.until(() -> "descriptors, threads, mappings and files back to " + start + "; now "
                    + Resources.now(root), Await.DEADLINE, () -> Resources.now(root).noMoreThan(start));
        }
        services.close();
    }

    /** Leaves the platform running for the next test, whatever this one did. */
    @After
    public void restartStoppedBundles() throws Exception {
        Bundles.startIfStopped(context, Bundles.PROVIDER_MMAP, Bundles.CORE);
    }
}
