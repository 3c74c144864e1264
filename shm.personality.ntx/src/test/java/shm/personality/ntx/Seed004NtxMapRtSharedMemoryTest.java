package shm.personality.ntx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static shm.api.ntx.NtxConstants.*;
import static shm.personality.ntx.NtxFixture.imported;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import shm.api.ErrorReason;
import shm.api.ShmException;
import shm.api.VendorError;
import shm.api.ntx.NtxMapResult;
import shm.provider.mmap.MmapSettings;

/**
 * Seed 004, the INtime {@code ntxMapRtSharedMemory} page: one test per sentence that states behaviour, named after
 * it. The RT side allocates memory and creates handles as the INtime kernel calls do ({@link RtSide}); the Windows
 * side is the NTX personality, its handles converted with {@code ntxImportRtHandle}.
 */
class Seed004NtxMapRtSharedMemoryTest {

    @RegisterExtension
    final NtxFixture store = new NtxFixture();
    private final NtxPersonality ntx = store.windows();

    private static void assertFailed(NtxMapResult result, int status, ErrorReason reason) {
        assertFalse(result.succeeded());
        assertEquals(MemorySegment.NULL, result.address(), "NULL: function failed");
        assertEquals(status, result.status());
        ShmException failure = result.failure();
        assertEquals(reason, failure.reason());
        VendorError vendor = failure.vendorError().orElseThrow();
        assertEquals(VendorError.Space.INTIME, vendor.space());
        assertEquals(status, vendor.value());
    }

    @Test
    void obtainsAPointerToASharedMemoryObject() {
        RtSide.Memory memory = store.rt().allocate(4096);
        memory.segment().setString(0, "from the RT side");
        long h = imported(ntx, store.rt().createHandle(memory, 0, 4096));
        NtxMapResult mapped = ntx.ntxMapRtSharedMemory(h);
        assertTrue(mapped.succeeded());
        assertEquals(E_OK, mapped.status());
        assertEquals("from the RT side", mapped.address().getString(0));
        mapped.address().setString(0, "from Windows");
        assertEquals("from Windows", memory.segment().getString(0), "one object, seen by both sides");
    }

    @Test
    void hSegmentIsAHandleToTheMemoryAreaAllocatedByTheRtApplication() {
        RtSide.Memory memory = store.rt().allocate(3 * 4096);
        memory.segment().set(ValueLayout.JAVA_LONG, 4096, 0x1122334455667788L);
        long h = imported(ntx, store.rt().createHandle(memory, 4096, 4096));
        MemorySegment area = ntx.ntxMapRtSharedMemory(h).address();
        assertEquals(4096, area.byteSize(), "the handle's area, not the whole allocation");
        assertEquals(0x1122334455667788L, area.get(ValueLayout.JAVA_LONG, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> area.get(ValueLayout.JAVA_BYTE, 4096));
    }

    @Test
    void thisCallIsIdenticalToNtxMapRtSharedMemoryExWithTheNtxMapWriteFlagSet() {
        long h = imported(ntx, store.rt().allocateWithHandle(4096));
        NtxMapResult plain = ntx.ntxMapRtSharedMemory(h);
        assertSame(plain, ntx.ntxMapRtSharedMemoryEx(h, NTX_MAP_WRITE));
        assertFalse(plain.address().isReadOnly());

        NtxPersonality other = store.windows();
        long h2 = imported(other, store.rt().allocateWithHandle(4096));
        NtxMapResult ex = other.ntxMapRtSharedMemoryEx(h2, NTX_MAP_WRITE);
        assertSame(ex, other.ntxMapRtSharedMemory(h2), "either order, one mapping");

        // Failures are identical too.
        long unaligned = imported(ntx, store.rt().createHandle(store.rt().allocate(8192), 100, 4096));
        assertFailed(ntx.ntxMapRtSharedMemory(unaligned), E_ALIGNMENT, ErrorReason.ALIGNMENT);
        assertFailed(ntx.ntxMapRtSharedMemoryEx(unaligned, NTX_MAP_WRITE), E_ALIGNMENT, ErrorReason.ALIGNMENT);
    }

    @Test
    void mappingConsumesResourcesInTheWindowsProcessAndUnmapReturnsThem() {
        RtSide.Memory memory = store.rt().allocate(4096);
        long h = imported(ntx, store.rt().createHandle(memory, 0, 4096));
        assertEquals(0, ntx.mappedHandles());
        ntx.ntxMapRtSharedMemory(h);
        assertEquals(1, ntx.mappedHandles());
        store.rt().free(memory);
        assertEquals(1, store.objectFiles().size(), "the mapping holds the memory while it is mapped");
        assertEquals(E_OK, ntx.ntxUnmapRtSharedMemory(h));
        assertEquals(0, ntx.mappedHandles());
        assertEquals(List.of(), store.objectFiles(), "the unmap returned the mapping's resources");
    }

    @Test
    void youCanMapAnAddressSpaceMultipleTimesEachOperationReturnsTheSamePointerValue() throws Exception {
        long h = imported(ntx, store.rt().allocateWithHandle(4096));
        NtxMapResult first = ntx.ntxMapRtSharedMemory(h);
        for (int i = 0; i < 100; i++) {
            NtxMapResult again = ntx.ntxMapRtSharedMemory(h);
            assertEquals(first.address().address(), again.address().address(), "same pointer value");
            assertSame(first.address(), again.address(), "the same segment instance");
        }
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<MemorySegment>> others = threads.invokeAll(List.of(
                    () -> ntx.ntxMapRtSharedMemory(h).address(), () -> ntx.ntxMapRtSharedMemory(h).address(),
                    () -> ntx.ntxMapRtSharedMemoryEx(h, 0).address(), () -> ntx.ntxMapRtSharedMemory(h).address()));
            for (Future<MemorySegment> other : others) {
                assertSame(first.address(), other.get(30, TimeUnit.SECONDS), "every thread of the process");
            }
        } finally {
            threads.shutdownNow();
        }
        assertEquals(1, ntx.mappedHandles());
    }

    @Test
    void concurrentFirstMapsOfOneHandleAgreeOnOnePointer() throws Exception {
        long h = imported(ntx, store.rt().allocateWithHandle(4096));
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<MemorySegment>> maps = threads.invokeAll(java.util.Collections.nCopies(16,
                    () -> ntx.ntxMapRtSharedMemory(h).address()));
            MemorySegment one = maps.getFirst().get(30, TimeUnit.SECONDS);
            for (Future<MemorySegment> map : maps) {
                assertSame(one, map.get(30, TimeUnit.SECONDS));
            }
        } finally {
            threads.shutdownNow();
        }
        assertEquals(1, store.objectFiles().size());
        assertEquals(E_OK, ntx.ntxUnmapRtSharedMemory(h));
        assertEquals(E_STATE, ntx.ntxUnmapRtSharedMemory(h), "one mapping, unmapped once");
    }

    @Test
    void theFirstUnmapInvalidatesThisPointer() {
        long h = imported(ntx, store.rt().allocateWithHandle(4096));
        MemorySegment alias1 = ntx.ntxMapRtSharedMemory(h).address();
        MemorySegment alias2 = ntx.ntxMapRtSharedMemory(h).address();
        alias1.setString(0, "before");
        assertEquals(E_OK, ntx.ntxUnmapRtSharedMemory(h));
        assertThrows(IllegalStateException.class, () -> alias1.getString(0), "the pointer is invalid");
        assertThrows(IllegalStateException.class, () -> alias2.set(ValueLayout.JAVA_BYTE, 0, (byte) 1),
                "for every alias at once");
        assertEquals(E_STATE, ntx.ntxUnmapRtSharedMemory(h), "a second unmap: not mapped");
        MemorySegment fresh = ntx.ntxMapRtSharedMemory(h).address();
        assertEquals("before", fresh.getString(0), "a new map is a new, valid pointer to the same memory");
    }

    @Test
    void dataContainingRtHandlesMustBeConvertedWithNtxImportRtHandle() {
        RtSide.Memory directory = store.rt().allocate(4096);
        int directoryHandle = store.rt().createHandle(directory, 0, 4096);
        RtSide.Memory payload = store.rt().allocate(4096);
        payload.segment().setString(0, "payload");
        int payloadHandle = store.rt().createHandle(payload, 0, 4096);
        directory.segment().set(ValueLayout.JAVA_SHORT, 0, (short) payloadHandle); // an RTHANDLE in data

        long hDirectory = imported(ntx, directoryHandle);
        MemorySegment data = ntx.ntxMapRtSharedMemory(hDirectory).address();
        int incoming = Short.toUnsignedInt(data.get(ValueLayout.JAVA_SHORT, 0));
        assertEquals(payloadHandle, incoming);
        assertFailed(ntx.ntxMapRtSharedMemory(incoming), E_EXIST, ErrorReason.NOT_FOUND);
        long converted = ntx.ntxImportRtHandle(incoming, hDirectory).handle();
        assertEquals(incoming, ntx.ntxExportRtHandle(converted));
        assertEquals("payload", ntx.ntxMapRtSharedMemory(converted).address().getString(0));
    }

    @Test
    void theMaximumSizeYouCanMapInASingleCallIs0xfffff000Bytes() throws IOException {
        try (NtxFixture sparse = new NtxFixture(MmapSettings.under(Path.of("/dev/shm", "unused"))
                .withReserveSpace(false))) {
            NtxPersonality windows = sparse.windows();
            RtSide.Memory huge = sparse.rt().allocate(0x1_0000_0000L);
            long atCap = imported(windows, sparse.rt().createHandle(huge, 0, NTX_MAX_MAP_SIZE));
            long aboveCap = imported(windows, sparse.rt().createHandle(huge, 0, NTX_MAX_MAP_SIZE + 4096));
            NtxMapResult largest = windows.ntxMapRtSharedMemory(atCap);
            assertTrue(largest.succeeded());
            assertEquals(0xFFFFF000L, largest.address().byteSize());
            NtxMapResult tooLarge = windows.ntxMapRtSharedMemory(aboveCap);
            assertFailed(tooLarge, E_VMEM, ErrorReason.LIMIT);
            assertTrue(tooLarge.failure().getMessage().contains("0xFFFFF000"), tooLarge.failure().getMessage());
            assertEquals(1, windows.mappedHandles(), "nothing was mapped for the refused handle");
        }
    }

    @Test
    void ntxCachesMappedHandlesARemapReturnsTheCachedValueRatherThanRecalculatingTheMapping() {
        RtSide.Memory first = store.rt().allocate(4096);
        first.segment().setString(0, "first");
        int rtHandle = store.rt().createHandle(first, 0, 4096);
        long h = imported(ntx, rtHandle);
        NtxMapResult mapped = ntx.ntxMapRtSharedMemory(h);

        // The RT side deletes the handle without the Windows side unmapping it: the cache still answers.
        store.rt().deleteHandle(rtHandle);
        assertSame(mapped, ntx.ntxMapRtSharedMemory(h), "the cached value, not a recalculated mapping");
        assertFailed(store.windows().ntxMapRtSharedMemory(h), E_EXIST, ErrorReason.NOT_FOUND);

        // The handle value is reused for other memory: the results are "unpredictable"; here, the stale mapping.
        RtSide.Memory second = store.rt().allocate(4096);
        second.segment().setString(0, "second");
        assertEquals(rtHandle, reuse(rtHandle, second));
        NtxMapResult stale = ntx.ntxMapRtSharedMemory(h);
        assertSame(mapped, stale);
        assertEquals("first", stale.address().getString(0), "the old memory, still valid while mapped");

        // Unmapping, as the warning asks, ends the hazard.
        assertEquals(E_OK, ntx.ntxUnmapRtSharedMemory(h));
        assertEquals("second", ntx.ntxMapRtSharedMemory(h).address().getString(0));
    }

    @Test
    void strictModeRefusesTheStaleCachedValueInstead() {
        NtxPersonality strict = store.windows(NtxSettings.defaults().withStrictCache(true));
        RtSide.Memory first = store.rt().allocate(4096);
        int rtHandle = store.rt().createHandle(first, 0, 4096);
        long h = imported(strict, rtHandle);
        NtxMapResult mapped = strict.ntxMapRtSharedMemory(h);
        assertSame(mapped, strict.ntxMapRtSharedMemory(h), "a hit that is still current is returned");

        store.rt().deleteHandle(rtHandle);
        assertFailed(strict.ntxMapRtSharedMemory(h), E_EXIST, ErrorReason.NOT_FOUND);
        assertEquals(E_EXIST, strict.ntxGetLastRtError());

        RtSide.Memory second = store.rt().allocate(4096);
        second.segment().setString(0, "second");
        reuse(rtHandle, second);
        assertFailed(strict.ntxMapRtSharedMemory(h), E_STATE, ErrorReason.WRONG_STATE);
        assertTrue(strict.lastFailure().orElseThrow().getMessage().contains("reused"));

        assertEquals(E_OK, strict.ntxUnmapRtSharedMemory(h), "the stale mapping is unmapped as usual");
        assertEquals("second", strict.ntxMapRtSharedMemory(h).address().getString(0));
    }

    /** Creates handles over {@code memory} until one gets the value {@code rtHandle} again (the GDT is small). */
    private int reuse(int rtHandle, RtSide.Memory memory) {
        for (int i = 0; i <= NtxFixture.GDT_SLOTS; i++) {
            int h = store.rt().createHandle(memory, 0, 4096);
            if (h == rtHandle) {
                return h;
            }
            store.rt().deleteHandle(h);
        }
        throw new AssertionError("the GDT never reused 0x" + Integer.toHexString(rtHandle));
    }

    @Test
    void returnsAPointerOnSuccessAndNullWhenTheFunctionFailed() {
        NtxMapResult ok = ntx.ntxMapRtSharedMemory(imported(ntx, store.rt().allocateWithHandle(4096)));
        assertTrue(ok.succeeded());
        assertNotEquals(MemorySegment.NULL, ok.address());
        assertNotEquals(0, ok.address().address());
        NtxMapResult failed = ntx.ntxMapRtSharedMemory(NTX_BAD_NTXHANDLE);
        assertFailed(failed, E_EXIST, ErrorReason.NOT_FOUND);
        assertEquals(E_EXIST, ntx.ntxGetLastRtError());
    }

    @Test
    void eTypeHSegmentIsNotAnAddressSpace() {
        long root = ntx.ntxGetRootRtProcess().handle();
        assertFailed(ntx.ntxMapRtSharedMemory(root), E_TYPE, ErrorReason.WRONG_TYPE);
        long process = imported(ntx, store.rt().createProcess());
        assertFailed(ntx.ntxMapRtSharedMemory(process), E_TYPE, ErrorReason.WRONG_TYPE);
        assertEquals(E_TYPE, ntx.ntxGetLastRtError());
    }

    @Test
    void eAlignmentHSegmentIsNotPageAlignedOnBothEndsUseTheExFormToMapIt() {
        RtSide.Memory memory = store.rt().allocate(4 * 4096);
        memory.segment().setString(4096 + 100, "unaligned start");
        long startOff = imported(ntx, store.rt().createHandle(memory, 4096 + 100, 4096));
        long endOff = imported(ntx, store.rt().createHandle(memory, 4096, 4096 + 1));
        long aligned = imported(ntx, store.rt().createHandle(memory, 2 * 4096, 2 * 4096));
        assertFailed(ntx.ntxMapRtSharedMemory(startOff), E_ALIGNMENT, ErrorReason.ALIGNMENT);
        assertFailed(ntx.ntxMapRtSharedMemory(endOff), E_ALIGNMENT, ErrorReason.ALIGNMENT);
        assertFailed(ntx.ntxMapRtSharedMemoryEx(startOff, 0), E_ALIGNMENT, ErrorReason.ALIGNMENT);
        assertTrue(ntx.ntxMapRtSharedMemory(aligned).succeeded());

        NtxMapResult unaligned = ntx.ntxMapRtSharedMemoryEx(startOff, NTX_MAP_WRITE | NTX_MAP_UNALIGNED);
        assertTrue(unaligned.succeeded());
        assertEquals(100, unaligned.address().address() % 4096, "the pointer is the area's own address");
        assertEquals("unaligned start", unaligned.address().getString(0));
        assertTrue(ntx.ntxMapRtSharedMemoryEx(endOff, NTX_MAP_UNALIGNED).succeeded());
        // A hit answers as a fresh map would: without the flag the unaligned area is still refused.
        assertFailed(ntx.ntxMapRtSharedMemory(startOff), E_ALIGNMENT, ErrorReason.ALIGNMENT);
        assertSame(unaligned, ntx.ntxMapRtSharedMemoryEx(startOff, NTX_MAP_WRITE | NTX_MAP_UNALIGNED));
    }

    @Test
    void eLocationHSegmentIsInAnRtKernelThatDoesNotShareMemoryWithTheHost() {
        RtSide.Memory memory = store.rt().allocate(4096);
        int remote = store.rt().createHandle(memory, 0, 4096, 7);
        NtxMapResult refused = ntx.ntxMapRtSharedMemory(imported(ntx, remote));
        assertFailed(refused, E_LOCATION, ErrorReason.LOCATION);
        assertTrue(refused.failure().getMessage().contains("node 7"), refused.failure().getMessage());
        assertEquals(0, ntx.mappedHandles());

        NtxPersonality onNode7 = store.windows(NtxSettings.defaults().withHostNode(7));
        assertTrue(onNode7.ntxMapRtSharedMemory(imported(onNode7, remote)).succeeded(), "the host of node 7");
        NtxPersonality sharing = store.windows(NtxSettings.defaults().withSharedNodes(Set.of(7L)));
        assertTrue(sharing.ntxMapRtSharedMemory(imported(sharing, remote)).succeeded(), "node 7 shares memory");
        assertFailed(onNode7.ntxMapRtSharedMemory(imported(onNode7, store.rt().allocateWithHandle(4096))),
                E_LOCATION, ErrorReason.LOCATION);
    }

    @Test
    void eStateACallToTheExFormWasPreviouslyMadeWithoutNtxMapWrite() {
        RtSide.Memory memory = store.rt().allocate(4096);
        memory.segment().setString(0, "read me");
        long h = imported(ntx, store.rt().createHandle(memory, 0, 4096));
        NtxMapResult readOnly = ntx.ntxMapRtSharedMemoryEx(h, 0);
        assertTrue(readOnly.succeeded());
        assertTrue(readOnly.address().isReadOnly());
        assertEquals("read me", readOnly.address().getString(0), "views are always readable");
        assertThrows(IllegalArgumentException.class, () -> readOnly.address().setString(0, "no"),
                "a read-only view really refuses writes");
        assertThrows(IllegalArgumentException.class, () -> readOnly.address().set(ValueLayout.JAVA_INT, 0, 1));
        assertEquals("read me", memory.segment().getString(0), "nothing was written");

        assertFailed(ntx.ntxMapRtSharedMemory(h), E_STATE, ErrorReason.WRONG_STATE);
        assertFailed(ntx.ntxMapRtSharedMemoryEx(h, NTX_MAP_WRITE), E_STATE, ErrorReason.WRONG_STATE);
        assertSame(readOnly, ntx.ntxMapRtSharedMemoryEx(h, 0), "the read-only mapping itself is still cached");
        assertEquals("read me", memory.segment().getString(0));

        assertEquals(E_OK, ntx.ntxUnmapRtSharedMemory(h));
        NtxMapResult writable = ntx.ntxMapRtSharedMemory(h);
        writable.address().setString(0, "written");
        assertEquals("written", memory.segment().getString(0), "after the unmap a writable map works");
        assertSame(writable, ntx.ntxMapRtSharedMemoryEx(h, 0), "a read-only request is served by the writable one");
    }

    @Test
    void eNtxInternalErrorTheDllCouldNotContactTheRtKernel() {
        long h = imported(ntx, store.rt().allocateWithHandle(4096));
        NtxPersonality unbound = store.windows();
        unbound.backendGone(store.backend);
        assertFailed(unbound.ntxMapRtSharedMemory(h), E_NTX_INTERNAL_ERROR, ErrorReason.INTERNAL);
        assertEquals(E_NTX_INTERNAL_ERROR, unbound.ntxGetLastRtError());
        assertEquals(E_NTX_INTERNAL_ERROR, unbound.ntxGetRootRtProcess().status());
        assertEquals(E_NTX_INTERNAL_ERROR, unbound.ntxImportRtHandle(0x0008, h).status());
        assertTrue(unbound.lastFailure().orElseThrow().getMessage().contains("no shared memory backend is bound"));
    }
}
