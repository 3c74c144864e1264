package shm.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static shm.api.intime.IntimeConstants.E_OK;
import static shm.api.intime.IntimeConstants.NULL_RTHANDLE;
import static shm.api.rtx.RtxConstants.PAGE_READWRITE;
import static shm.api.rtx.RtxConstants.SHM_MAP_WRITE;
import static shm.api.win32.Win32Constants.WAIT_OBJECT_0;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.util.List;

import org.junit.After;
import org.junit.Test;

import shm.api.intime.IntimeKernelMemory;
import shm.api.intime.Iwin32SharedMemory;
import shm.api.intime.Iwin32Sync;
import shm.api.ntx.NtxConstants;
import shm.api.ntx.NtxSharedMemory;
import shm.api.rtx.RtxResult;
import shm.api.rtx.RtxSharedMemory;
import shm.api.rtx.RtxSync;
import shm.testkit.Await;

/**
 * Each personality's own bundle is updated (to a second {@code Bundle-Version}), stopped and started, and refreshed
 * while its "process" holds objects (issue 10): after every step the handle values the client kept are valid on the
 * service of the new revision and name the same objects (same inodes, same bytes, same event state), nothing was
 * destroyed, and the state the revision kept in the store is gone once taken. At the end the client's closes are the
 * last holds: every object goes.
 */
public class PersonalityUpdateIT extends ShmTestBase {

    private static final int CYCLES = 20;

    /** RTX: a shared-memory handle and an event handle, held by the RTX "process" only. */
    @Test
    public void rtxHandlesKeepTheirValuesAcrossUpdatesOfTheRtxBundle() throws Exception {
        RtxSharedMemory rtx = services.await(RtxSharedMemory.class, null, Await.DEADLINE);
        RtxResult memory = rtx.RtCreateSharedMemory(PAGE_READWRITE, 0, 4096, "itest.update.rtx");
        memory.location().setString(0, "held by RTX only");
        RtxResult event = services.await(RtxSync.class, null, Await.DEADLINE).RtCreateEvent(true, true,
                "itest.update.rtx.event");
        assertTrue(memory.succeeded() && event.succeeded());
        Object inode = inode("n.itest.update.rtx");
        cycle(Bundles.PERSONALITY_RTX, step -> {
            RtxSharedMemory now = services.await(RtxSharedMemory.class, null, Await.DEADLINE);
            RtxSync sync = services.await(RtxSync.class, null, Await.DEADLINE);
            assertEquals(step + ": the event handle's value names the same, still set event", WAIT_OBJECT_0,
                    sync.RtWaitForSingleObject(event.handle(), 0));
            RtxResult again = now.RtOpenSharedMemory(SHM_MAP_WRITE, false, "itest.update.rtx");
            assertEquals(step, "held by RTX only", again.location().getString(0));
            assertTrue(step, now.RtCloseHandle(again.handle()));
            assertEquals(step + ": the same object", inode, inode("n.itest.update.rtx"));
        });
        RtxSharedMemory last = services.await(RtxSharedMemory.class, null, Await.DEADLINE);
        assertTrue("the first revision's value is still valid", last.RtCloseHandle(memory.handle()));
        assertTrue(last.RtCloseHandle(event.handle()));
        assertEquals("the closes were the last holds", List.of(), root.objectFiles());
    }

    /** INtime: an allocation with a GDT slot cataloged by name, an iwin32 shared-memory handle and an event. */
    @Test
    public void intimeSlotsCatalogAndHandlesSurviveUpdatesOfTheIntimeBundle() throws Exception {
        IntimeKernelMemory kernel = services.await(IntimeKernelMemory.class, null, Await.DEADLINE);
        int self = kernel.GetRtThreadHandles(shm.api.intime.IntimeConstants.THIS_PROCESS).handle();
        List<String> before = root.objectFiles(); // the object that stands for the INtime process, made just now
        MemorySegment block = kernel.AllocateRtMemory(4096).address();
        block.setString(0, "allocated by INtime");
        int slot = kernel.CreateRtMemoryHandle(block, 4096).handle();
        assertTrue(kernel.CatalogRtHandle(NULL_RTHANDLE, slot, "itestupd"));
        Iwin32SharedMemory iwin32 = services.await(Iwin32SharedMemory.class, null, Await.DEADLINE);
        long memory = iwin32.RtCreateSharedMemory(0, 0, 4096, "itest.update.iwin32").handle();
        long event = services.await(Iwin32Sync.class, null, Await.DEADLINE).RtCreateEvent(true, true,
                "itest.update.iwin32.event").handle();
        Object inode = inode("n.itest.update.iwin32");
        cycle(Bundles.PERSONALITY_INTIME, step -> {
            IntimeKernelMemory now = services.await(IntimeKernelMemory.class, null, Await.DEADLINE);
            assertEquals(step + ": the catalog entry", slot, now.LookupRtHandle(NULL_RTHANDLE, "itestupd", 0).handle());
            MemorySegment mapped = now.MapRtSharedMemory(slot).address();
            assertEquals(step + ": the GDT slot names the allocation", "allocated by INtime", mapped.getString(0));
            assertEquals(step, 0, now.FreeRtMemory(mapped));
            assertEquals(step + ": the iwin32 event handle", WAIT_OBJECT_0,
                    services.await(Iwin32Sync.class, null, Await.DEADLINE).WaitForSingleObject(event, 0));
            assertEquals(step + ": the same object", inode, inode("n.itest.update.iwin32"));
        });
        IntimeKernelMemory kernelNow = services.await(IntimeKernelMemory.class, null, Await.DEADLINE);
        Iwin32SharedMemory iwin32Now = services.await(Iwin32SharedMemory.class, null, Await.DEADLINE);
        assertTrue(iwin32Now.CloseHandle(memory));
        assertTrue(iwin32Now.CloseHandle(event));
        assertTrue(kernelNow.UncatalogRtHandle(NULL_RTHANDLE, "itestupd"));
        assertTrue(kernelNow.DeleteRtMemoryHandle(slot));
        assertEquals("the first revision's pointer still frees the allocation", 4096, kernelNow.FreeRtMemory(block));
        assertEquals("the same INtime process", self,
                kernelNow.GetRtThreadHandles(shm.api.intime.IntimeConstants.THIS_PROCESS).handle());
        assertEquals("the closes were the last holds; the process lives on", before, root.objectFiles());
    }

    /**
     * NTX: memory allocated by the Windows process and a cached mapping. The allocation is kept; the cache is not (the
     * choice in docs/behaviour.md): the next revision maps afresh, the old pointer fails cleanly.
     */
    @Test
    public void ntxAllocationsSurviveUpdatesOfTheNtxBundleAndMapsRemap() throws Exception {
        NtxSharedMemory ntx = services.await(NtxSharedMemory.class, null, Await.DEADLINE);
        long segment = ntx.ntxAllocateRtMemory(NtxConstants.NTX_LOCAL, 4096).handle();
        MemorySegment first = ntx.ntxMapRtSharedMemory(segment).address();
        first.setString(0, "allocated by NTX");
        cycle(Bundles.PERSONALITY_NTX, step -> {
            NtxSharedMemory now = services.await(NtxSharedMemory.class, null, Await.DEADLINE);
            var mapped = now.ntxMapRtSharedMemory(segment);
            assertEquals(step + ": " + mapped, E_OK, mapped.status());
            assertEquals(step, "allocated by NTX", mapped.address().getString(0));
            assertEquals(step, E_OK, now.ntxUnmapRtSharedMemory(segment));
        });
        assertFalse("a pointer of the first revision fails cleanly", readable(first));
        NtxSharedMemory last = services.await(NtxSharedMemory.class, null, Await.DEADLINE);
        assertEquals("the process still owns its memory", E_OK, last.ntxFreeRtMemory(segment));
        assertEquals("the free was the last hold", List.of(), root.objectFiles());
    }

    /** Leaves the platform running for the next test, whatever this one did. */
    @After
    public void restartStoppedBundles() throws Exception {
        Bundles.startIfStopped(context, Bundles.PERSONALITY_RTX, Bundles.PERSONALITY_INTIME, Bundles.PERSONALITY_NTX);
    }

    /** One check after a lifecycle step, named by the step. */
    private interface Check {
        void after(String step) throws Exception;
    }

    private void cycle(String symbolicName, Check check) throws Exception {
        Lifecycle bundle = new Lifecycle(context, symbolicName);
        for (int i = 1; i <= CYCLES; i++) {
            String version = bundle.update();
            after(check, "update " + i + " of " + symbolicName + " to " + version);
        }
        for (int i = 1; i <= CYCLES; i++) {
            bundle.restart();
            after(check, "stop/start " + i + " of " + symbolicName);
        }
        bundle.refresh();
        after(check, "refresh of " + symbolicName);
    }

    private void after(Check check, String step) throws Exception {
        check.after(step);
        assertTrue(step + ": the kept state is gone once taken: " + root.objectFiles(),
                root.objectFiles().stream().noneMatch(f -> f.contains("shm.kept")));
    }

    private Object inode(String fileName) throws java.io.IOException {
        return Files.getAttribute(root.path().resolve(fileName), "unix:ino");
    }

    private static boolean readable(MemorySegment segment) {
        try {
            segment.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0);
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }
}
