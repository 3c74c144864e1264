package shm.personality.ntx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static shm.api.ntx.NtxConstants.*;

import java.lang.foreign.ValueLayout;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import shm.api.ErrorReason;
import shm.api.intime.IntimeTables;
import shm.api.ntx.NtxHandleResult;
import shm.api.ntx.NtxMapResult;

/**
 * The NTX name and memory calls (issue 15): {@code ntxCatalogNtxHandle}, {@code ntxLookupNtxHandle},
 * {@code ntxUncatalogNtxHandle}, {@code ntxAllocateRtMemory}, {@code ntxFreeRtMemory}, {@code ntxGetType},
 * {@code ntxGetRtSize}, with their documented results and the statuses the platform chose (behaviour table, NTX).
 */
class NtxNamesAndMemoryTest {

    @RegisterExtension
    final NtxFixture store = new NtxFixture();
    private NtxPersonality ntx;
    private long root;

    @BeforeEach
    void open() {
        ntx = store.windows();
        root = ntx.ntxGetRootRtProcess().handle();
    }

    @Test
    void theWindowsSidePatternAllocateCatalogLookupMapWorksBetweenTwoProcesses() {
        NtxHandleResult segment = ntx.ntxAllocateRtMemory(NTX_LOCAL, 100);
        assertEquals(E_OK, segment.status());
        assertEquals(NTX_TYPE_RT_SHARED_MEMORY, ntx.ntxGetType(segment.handle()));
        assertEquals(PAGE_SIZE, ntx.ntxGetRtSize(segment.handle()), "rounded up to whole pages");
        assertEquals(E_OK, ntx.ntxCatalogNtxHandle(root, segment.handle(), "plcImage"));

        NtxPersonality other = store.windows();
        long otherRoot = other.ntxGetRootRtProcess().handle();
        NtxHandleResult found = other.ntxLookupNtxHandle(otherRoot, "plcImage", NO_WAIT);
        assertEquals(E_OK, found.status());
        assertEquals(segment.handle(), found.handle());
        NtxMapResult writer = ntx.ntxMapRtSharedMemory(segment.handle());
        NtxMapResult reader = other.ntxMapRtSharedMemory(found.handle());
        writer.address().set(ValueLayout.JAVA_INT, 8, 0xC0FFEE);
        assertEquals(0xC0FFEE, reader.address().get(ValueLayout.JAVA_INT, 8));

        assertEquals(E_OK, other.ntxUncatalogNtxHandle(otherRoot, found.handle(), "plcImage"));
        assertEquals(E_TIME, other.ntxLookupNtxHandle(otherRoot, "plcImage", NO_WAIT).status());
        assertEquals(E_CONTEXT, ntx.ntxUncatalogNtxHandle(root, segment.handle(), "plcImage"));
    }

    @Test
    void aLookupWaitsForTheNameAndAnInterruptEndsItWithETime() throws Exception {
        long segment = ntx.ntxAllocateRtMemory(NTX_LOCAL, PAGE_SIZE).handle();
        CompletableFuture<NtxHandleResult> waiting = CompletableFuture.supplyAsync(
                () -> store.windows().ntxLookupNtxHandle(root, "late", WAIT_FOREVER));
        Thread.sleep(50);
        assertFalse(waiting.isDone(), "the lookup waits for the name");
        assertEquals(E_OK, ntx.ntxCatalogNtxHandle(root, segment, "late"));
        assertEquals(segment, waiting.get(10, TimeUnit.SECONDS).handle());

        Thread.currentThread().interrupt();
        NtxHandleResult interrupted = ntx.ntxLookupNtxHandle(root, "never", WAIT_FOREVER);
        assertTrue(Thread.interrupted(), "the thread keeps its interrupt");
        assertEquals(NTX_BAD_NTXHANDLE, interrupted.handle());
        assertEquals(E_TIME, interrupted.status());
        assertEquals(E_TIME, ntx.ntxLookupNtxHandle(root, "never", 20).status());
    }

    @Test
    void catalogRefusesBadNamesTakenNamesAndHandlesOfNothing() {
        long segment = ntx.ntxAllocateRtMemory(NTX_LOCAL, PAGE_SIZE).handle();
        assertEquals(E_PARAM, ntx.ntxCatalogNtxHandle(root, segment, ""));
        assertEquals(E_PARAM, ntx.ntxCatalogNtxHandle(root, segment, "thirteen-byte"));
        assertEquals(E_PARAM, ntx.ntxCatalogNtxHandle(root, segment, null));
        assertEquals(E_OK, ntx.ntxCatalogNtxHandle(root, segment, "twelve-bytes"));
        assertEquals(E_CONTEXT, ntx.ntxCatalogNtxHandle(root, segment, "twelve-bytes"));
        assertEquals(E_EXIST, ntx.ntxCatalogNtxHandle(root, ntxHandleOf(0x0FF8), "nothing"));
        assertEquals(E_TYPE, ntx.ntxCatalogNtxHandle(segment, segment, "in-memory"), "a segment has no directory");
        assertEquals(E_EXIST, ntx.ntxCatalogNtxHandle(0x1234, segment, "raw"), "not an NTXHANDLE");
        ntx.ntxCatalogNtxHandle(root, segment, "");
        assertEquals(ErrorReason.INVALID_NAME, ntx.lastFailure().orElseThrow().reason());
        assertTrue(ntx.lastFailure().orElseThrow().getMessage().contains("1 to 12 bytes"));
    }

    @Test
    void theRtSideSeesANameCatalogedFromWindowsUnderTheRootDirectory() {
        long segment = ntx.ntxAllocateRtMemory(NTX_LOCAL, PAGE_SIZE).handle();
        assertEquals(E_OK, ntx.ntxCatalogNtxHandle(root, segment, "shared"));
        assertEquals(exportRtHandle(segment),
                store.backend.directory().lookup(IntimeTables.ROOT_DIRECTORY, "shared").orElseThrow());
        int process = store.rt().createProcess();
        long processHandle = ntxHandleOf(process);
        assertEquals(NTX_TYPE_RT_PROCESS, ntx.ntxGetType(processHandle));
        assertEquals(NTX_TYPE_RT_PROCESS, ntx.ntxGetType(root));
        assertEquals(E_OK, ntx.ntxCatalogNtxHandle(processHandle, segment, "mine"));
        assertEquals(E_TIME, ntx.ntxLookupNtxHandle(root, "mine", NO_WAIT).status(), "another directory");
        assertEquals(segment, ntx.ntxLookupNtxHandle(processHandle, "mine", NO_WAIT).handle());
    }

    @Test
    void allocateRefusesSizesAndNodesWithTheDocumentedStatuses() {
        assertEquals(E_PARAM, ntx.ntxAllocateRtMemory(NTX_LOCAL, 0).status());
        assertEquals(NTX_BAD_NTXHANDLE, ntx.ntxAllocateRtMemory(NTX_LOCAL, 0).handle());
        assertEquals(E_PARAM, ntx.ntxAllocateRtMemory(NTX_LOCAL, -1).status(), "0xFFFFFFFF is beyond one mapping");
        assertEquals(E_LOCATION, ntx.ntxAllocateRtMemory(7, PAGE_SIZE).status());
        NtxPersonality sharing = store.windows(new NtxSettings(0, java.util.Set.of(7L), false));
        assertEquals(E_OK, sharing.ntxAllocateRtMemory(7, PAGE_SIZE).status());
        for (int i = 0; i < NtxFixture.GDT_SLOTS; i++) {
            ntx.ntxAllocateRtMemory(NTX_LOCAL, PAGE_SIZE);
        }
        assertEquals(E_SLOT, ntx.ntxAllocateRtMemory(NTX_LOCAL, PAGE_SIZE).status(), "the GDT is full");
    }

    @Test
    void freeNeedsTheMappingGoneAndOnlyFreesThisProcesssMemory() {
        long segment = ntx.ntxAllocateRtMemory(NTX_LOCAL, PAGE_SIZE).handle();
        assertTrue(ntx.ntxMapRtSharedMemory(segment).succeeded());
        int files = store.objectFiles().size();
        assertEquals(E_STATE, ntx.ntxFreeRtMemory(segment), "free the mapping before freeing the memory");
        assertEquals(files, store.objectFiles().size(), "nothing was freed");
        assertEquals(E_CONTEXT, store.windows().ntxFreeRtMemory(segment), "another process's memory");
        int rtHandle = store.rt().allocateWithHandle(PAGE_SIZE);
        assertEquals(E_CONTEXT, ntx.ntxFreeRtMemory(ntxHandleOf(rtHandle)), "RT memory is freed by its process");

        assertEquals(E_OK, ntx.ntxUnmapRtSharedMemory(segment));
        assertEquals(E_OK, ntx.ntxFreeRtMemory(segment));
        assertEquals(E_EXIST, ntx.ntxFreeRtMemory(segment), "the handle is gone");
        assertEquals(NTX_ERROR, ntx.ntxGetType(segment));
        assertEquals(E_EXIST, ntx.ntxGetLastRtError());
        assertEquals(NTX_BAD_SIZE, ntx.ntxGetRtSize(segment));
        assertEquals(E_TYPE, testSizeOfRoot());
    }

    @Test
    void theEndOfTheWindowsProcessFreesItsMemoryAndRemovesItsNames() {
        NtxPersonality ending = store.windows();
        long segment = ending.ntxAllocateRtMemory(NTX_LOCAL, PAGE_SIZE).handle();
        assertEquals(E_OK, ending.ntxCatalogNtxHandle(root, segment, "temporary"));
        int files = store.objectFiles().size();
        ending.close();
        assertEquals(files - 1, store.objectFiles().size(), "the memory was freed");
        assertEquals(NTX_ERROR, ntx.ntxGetType(segment));
        assertEquals(E_TIME, ntx.ntxLookupNtxHandle(root, "temporary", NO_WAIT).status());
        assertEquals(E_NTX_INTERNAL_ERROR, ending.ntxAllocateRtMemory(NTX_LOCAL, PAGE_SIZE).status());
    }

    private int testSizeOfRoot() {
        assertEquals(NTX_BAD_SIZE, ntx.ntxGetRtSize(root));
        return ntx.ntxGetLastRtError();
    }
}
