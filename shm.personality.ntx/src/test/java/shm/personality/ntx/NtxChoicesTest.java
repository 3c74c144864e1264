package shm.personality.ntx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static shm.api.ntx.NtxConstants.*;
import static shm.personality.ntx.NtxFixture.imported;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import shm.api.ErrorReason;
import shm.api.intime.IntimeTables;
import shm.api.ntx.NtxConstants;
import shm.api.ntx.NtxHandleResult;
import shm.provider.mmap.MmapBackend;
import shm.provider.mmap.MmapSettings;

/**
 * The NTX rules where the documents leave the choice to the platform (kind C and X rows of the behaviour table):
 * handle encoding and import, flags, the thread's last status, backend changes.
 */
class NtxChoicesTest {

    @RegisterExtension
    final NtxFixture store = new NtxFixture();
    private final NtxPersonality ntx = store.windows();

    @Test
    void anNtxHandleIsTheTaggedRtHandleAndExportIsTheLow16Bits() {
        int rtHandle = store.rt().allocateWithHandle(4096);
        long h = imported(ntx, rtHandle);
        assertEquals(NTX_HANDLE_TAG | rtHandle, h);
        assertEquals(rtHandle, ntx.ntxExportRtHandle(h));
        assertEquals(rtHandle, NtxConstants.exportRtHandle(h));
        assertEquals(NTX_HANDLE_TAG | IntimeTables.ROOT_PROCESS_HANDLE, ntx.ntxGetRootRtProcess().handle());
    }

    @Test
    void importRefusesHandlesThatNameNothingWithEExist() {
        long root = ntx.ntxGetRootRtProcess().handle();
        int rtHandle = store.rt().allocateWithHandle(4096);
        int unused = rtHandle == 0x0008 ? 0x0010 : 0x0008;
        assertImportFails(ntx.ntxImportRtHandle(unused, root), E_EXIST, "a free GDT slot");
        assertImportFails(ntx.ntxImportRtHandle(0x0009, root), E_EXIST, "a value of no handle's shape");
        assertImportFails(ntx.ntxImportRtHandle(0x1_0008, root), E_EXIST, "more than 16 bits");
        assertImportFails(ntx.ntxImportRtHandle(rtHandle, rtHandle), E_EXIST, "a source that is no NTXHANDLE");
        assertImportFails(ntx.ntxImportRtHandle(rtHandle, NTX_HANDLE_TAG | unused), E_EXIST, "a deleted source");
        store.rt().deleteHandle(rtHandle);
        assertImportFails(ntx.ntxImportRtHandle(rtHandle, root), E_EXIST, "a deleted handle");
        assertEquals(E_EXIST, ntx.ntxGetLastRtError());
    }

    @Test
    void importAcceptsProcessHandlesAndHandlesFromMemorySources() {
        long root = ntx.ntxGetRootRtProcess().handle();
        int process = store.rt().createProcess();
        assertEquals(NTX_HANDLE_TAG | process, ntx.ntxImportRtHandle(process, root).handle());
        long source = imported(ntx, store.rt().allocateWithHandle(4096));
        int payload = store.rt().allocateWithHandle(4096);
        assertEquals(NTX_HANDLE_TAG | payload, ntx.ntxImportRtHandle(payload, source).handle());
    }

    @Test
    void importFromASourceOnANodeThatDoesNotShareMemoryFailsWithELocation() {
        long remoteSource = NTX_HANDLE_TAG | store.rt().createHandle(store.rt().allocate(4096), 0, 4096, 3);
        int payload = store.rt().allocateWithHandle(4096);
        NtxHandleResult refused = ntx.ntxImportRtHandle(payload, remoteSource);
        assertImportFails(refused, E_LOCATION, "source on node 3");
        assertEquals(ErrorReason.LOCATION, refused.failure().reason());
    }

    private static void assertImportFails(NtxHandleResult result, int status, String why) {
        assertEquals(NTX_BAD_NTXHANDLE, result.handle(), why);
        assertEquals(status, result.status(), why);
        assertEquals(status, result.failure().vendorError().orElseThrow().value(), why);
    }

    @Test
    void aRawRtHandleOrAnIwin32HandleIsNotAnNtxHandle() {
        int rtHandle = store.rt().allocateWithHandle(4096);
        assertEquals(E_EXIST, ntx.ntxMapRtSharedMemory(rtHandle).status(), "not converted with ntxImportRtHandle");
        assertEquals(E_EXIST, ntx.ntxMapRtSharedMemory(0x10000L | rtHandle).status(), "an iwin32 handle value");
        assertEquals(E_EXIST, ntx.ntxMapRtSharedMemory(NTX_NULL_NTXHANDLE).status());
        assertEquals(E_EXIST, ntx.ntxMapRtSharedMemory(NTX_HANDLE_TAG | 0x0009).status());
    }

    @Test
    void aHandleWhoseSlotIsFreeFailsWithEExist() {
        int rtHandle = store.rt().allocateWithHandle(4096);
        long h = imported(ntx, rtHandle);
        store.rt().deleteHandle(rtHandle);
        assertEquals(E_EXIST, ntx.ntxMapRtSharedMemory(h).status());
        assertEquals(ErrorReason.NOT_FOUND, ntx.lastFailure().orElseThrow().reason());
    }

    @Test
    void aHandleWhoseMemoryWasFreedFailsWithEExist() {
        RtSide.Memory memory = store.rt().allocate(4096);
        int rtHandle = store.rt().createHandle(memory, 0, 4096);
        long h = imported(ntx, rtHandle);
        store.rt().free(memory); // FreeRtMemory without DeleteRtMemoryHandle: the slot still names the freed block
        assertEquals(E_EXIST, ntx.ntxMapRtSharedMemory(h).status());
        assertEquals(ErrorReason.NOT_FOUND, ntx.lastFailure().orElseThrow().reason());
        assertTrue(ntx.lastFailure().orElseThrow().getMessage().contains("freed"));
        assertEquals(0, ntx.mappedHandles());
    }

    @Test
    void undefinedFlagBitsFailWithEParam() {
        long h = imported(ntx, store.rt().allocateWithHandle(4096));
        assertEquals(E_PARAM, ntx.ntxMapRtSharedMemoryEx(h, 0x2).status(), "SHM_MAP_WRITE of RTX is not NTX's");
        assertEquals(E_PARAM, ntx.ntxMapRtSharedMemoryEx(h, NTX_MAP_WRITE | 0x100).status());
        assertEquals(0, ntx.mappedHandles());
        assertTrue(ntx.ntxMapRtSharedMemory(h).succeeded());
        assertEquals(E_PARAM, ntx.ntxMapRtSharedMemoryEx(h, 0x2).status(), "also when the handle is mapped");
    }

    @Test
    void theLastStatusIsPerThreadAndNotClearedBySuccess() throws Exception {
        long h = imported(ntx, store.rt().allocateWithHandle(4096));
        assertEquals(E_OK, ntx.ntxGetLastRtError(), "no call of this thread failed yet");
        assertEquals(E_STATE, ntx.ntxUnmapRtSharedMemory(h));
        assertTrue(ntx.ntxMapRtSharedMemory(h).succeeded());
        assertEquals(E_STATE, ntx.ntxGetLastRtError(), "a success does not clear it");
        int otherThread = CompletableFuture.supplyAsync(ntx::ntxGetLastRtError).get(30, TimeUnit.SECONDS);
        assertEquals(E_OK, otherThread, "per thread");
        assertTrue(ntx.lastFailure().orElseThrow().getMessage().contains("not mapped"));
    }

    @Test
    void anUnmapOfAValueThatIsNoHandleGivesEState() {
        assertEquals(E_STATE, ntx.ntxUnmapRtSharedMemory(NTX_BAD_NTXHANDLE));
        assertEquals(E_STATE, ntx.ntxUnmapRtSharedMemory(0x0008));
        assertEquals(ErrorReason.WRONG_STATE, ntx.lastFailure().orElseThrow().reason());
    }

    @Test
    void aBackendGoingAwayUnmapsWhatWasMappedThroughIt() throws IOException {
        long h = imported(ntx, store.rt().allocateWithHandle(4096));
        MemorySegment view = ntx.ntxMapRtSharedMemory(h).address();
        ntx.backendGone(store.backend);
        assertThrows(IllegalStateException.class, () -> view.get(ValueLayout.JAVA_BYTE, 0));
        assertEquals(0, ntx.mappedHandles());
        assertEquals(E_NTX_INTERNAL_ERROR, ntx.ntxMapRtSharedMemory(h).status());
        assertEquals(E_STATE, ntx.ntxUnmapRtSharedMemory(h), "nothing is mapped any more");

        ntx.useBackend(store.backend);
        assertTrue(ntx.ntxMapRtSharedMemory(h).succeeded(), "a backend bound again serves maps");
    }

    @Test
    void aReplacementBackendServesNewMapsWhileEarlierMappingsStay() throws IOException {
        long h = imported(ntx, store.rt().allocateWithHandle(4096));
        MemorySegment view = ntx.ntxMapRtSharedMemory(h).address();
        try (MmapBackend sameStore = new MmapBackend(MmapSettings.under(store.root))) {
            ntx.useBackend(sameStore);
            assertSame(view, ntx.ntxMapRtSharedMemory(h).address(), "the cached mapping stays");
            long h2 = imported(ntx, store.rt().allocateWithHandle(4096));
            assertTrue(ntx.ntxMapRtSharedMemory(h2).succeeded());
            ntx.backendGone(sameStore);
            assertEquals(1, ntx.mappedHandles(), "only the mapping made through the replacement went");
            view.setString(0, "still valid");
        }
    }

    @Test
    void anEndedWindowsProcessMapsNothing() {
        long h = imported(ntx, store.rt().allocateWithHandle(4096));
        ntx.close();
        assertEquals(E_NTX_INTERNAL_ERROR, ntx.ntxMapRtSharedMemory(h).status());
        assertEquals(ErrorReason.CLOSED, ntx.lastFailure().orElseThrow().reason());
        assertEquals(0, ntx.mappedHandles());
    }

    /**
     * A backend swap while the Windows process lives (issue 10): the memory it allocated is not freed; its hold parks
     * and the next backend of the same store takes it over, so the handle names the same bytes and frees once.
     */
    @Test
    void memoryThisProcessAllocatedOutlivesABackendSwap() {
        String store = this.store.root.toString();
        MmapBackend first = parkingBackend();
        NtxPersonality windows = windowsOn(first);
        long segment = windows.ntxAllocateRtMemory(NTX_LOCAL, PAGE_SIZE).handle();
        MemorySegment view = windows.ntxMapRtSharedMemory(segment).address();
        view.setString(0, "allocated before the swap");
        assertEquals(E_OK, windows.ntxUnmapRtSharedMemory(segment));

        windows.backendGone(first);
        first.park();
        assertEquals(1, windows.allocations(), "the allocation is kept, parked");
        assertEquals(NTX_TYPE_RT_SHARED_MEMORY, ntx.ntxGetType(segment), "its GDT slot still names it");

        try (MmapBackend next = new MmapBackend(MmapSettings.under(this.store.root))) {
            windows.useBackend(next, store);
            assertEquals("allocated before the swap",
                    windows.ntxMapRtSharedMemory(segment).address().getString(0), "the same memory");
            assertEquals(E_OK, windows.ntxUnmapRtSharedMemory(segment));
            assertEquals(E_OK, windows.ntxFreeRtMemory(segment), "the process still owns it and frees it once");
            assertEquals(E_EXIST, windows.ntxFreeRtMemory(segment));
            assertEquals(0, windows.allocations());
        }
    }

    /**
     * A mapping cached when its backend leaves parks its hold (issue 10); the handle's first map on the next backend
     * of the store takes that hold back instead of adding one, so no hold is left to linger until the park deadline,
     * and the memory goes with its free and unmap as before the swap.
     */
    @Test
    void theFirstMapAfterASwapTakesBackTheHoldItsParkedMappingLeft() {
        String store = this.store.root.toString();
        MmapBackend first = parkingBackend();
        NtxPersonality windows = windowsOn(first);
        long segment = windows.ntxAllocateRtMemory(NTX_LOCAL, PAGE_SIZE).handle();
        windows.ntxMapRtSharedMemory(segment).address().setString(0, "mapped before the swap");

        windows.backendGone(first);
        first.park();

        try (MmapBackend next = new MmapBackend(MmapSettings.under(this.store.root))) {
            windows.useBackend(next, store);
            assertEquals(1, next.parkedHolds().stream().mapToLong(p -> p.holds()).sum(),
                    "the mapping's hold; the allocation's was taken back when the backend was bound");
            assertEquals("mapped before the swap", windows.ntxMapRtSharedMemory(segment).address().getString(0));
            assertEquals(java.util.List.of(), next.parkedHolds(), "the map took the mapping's parked hold back");
            assertEquals(E_OK, windows.ntxUnmapRtSharedMemory(segment));
            assertEquals(E_OK, windows.ntxFreeRtMemory(segment));
            assertEquals(java.util.List.of(), this.store.objectFiles(), "freed and unmapped: the memory is gone at once");
        }
    }

    /** A backend over the fixture's store that parks holds for a minute. */
    private MmapBackend parkingBackend() {
        MmapBackend backend = new MmapBackend(MmapSettings.under(store.root));
        backend.parkHoldsFor(java.time.Duration.ofMinutes(1));
        return backend;
    }

    /** A Windows process of its own, bound to {@code backend} over the fixture's store. */
    private NtxPersonality windowsOn(MmapBackend backend) {
        NtxPersonality windows = store.track(new NtxPersonality(NtxSettings.defaults()));
        windows.useBackend(backend, store.root.toString());
        return windows;
    }
}
