package shm.personality.ntx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import shm.api.ntx.NtxHandleResult;
import shm.api.ntx.NtxMapResult;
import shm.provider.mmap.MmapSettings;

/**
 * The rows of the vendor survey's behaviour matrix (§4) for the NTX column: mapping RT memory, and the rows about
 * {@code ntxAllocateRtMemory}, {@code ntxCatalogNtxHandle}, {@code ntxLookupNtxHandle} and {@code ntxFreeRtMemory}.
 * Each test is one row.
 */
class VendorSemanticsNtxMatrixTest {

    @RegisterExtension
    final NtxFixture store = new NtxFixture();
    private final NtxPersonality ntx = store.windows();

    /** "create new": memory allocated by the RT side, its handle mapped with the Ex form. */
    @Test
    void createNewThenMapWithTheExForm() {
        RtSide.Memory memory = store.rt().allocate(8192);
        long h = imported(ntx, store.rt().createHandle(memory, 0, 8192));
        NtxMapResult mapped = ntx.ntxMapRtSharedMemoryEx(h, NTX_MAP_WRITE);
        assertTrue(mapped.succeeded());
        assertEquals(8192, mapped.address().byteSize());
        mapped.address().set(ValueLayout.JAVA_INT, 8188, 42);
        assertEquals(42, memory.segment().get(ValueLayout.JAVA_INT, 8188));
    }

    /** "map twice": the same pointer is returned (cached). */
    @Test
    void mapTwiceReturnsTheSamePointer() {
        long h = imported(ntx, store.rt().allocateWithHandle(4096));
        MemorySegment first = ntx.ntxMapRtSharedMemoryEx(h, NTX_MAP_WRITE).address();
        MemorySegment second = ntx.ntxMapRtSharedMemoryEx(h, NTX_MAP_WRITE).address();
        assertSame(first, second);
        assertEquals(first.address(), second.address());
        assertEquals(1, ntx.mappedHandles());
        // Another Windows process has its own cache and its own mapping of the same memory.
        NtxPersonality other = store.windows();
        MemorySegment elsewhere = other.ntxMapRtSharedMemory(h).address();
        elsewhere.setString(0, "coherent");
        assertEquals("coherent", first.getString(0));
        assertEquals(E_OK, other.ntxUnmapRtSharedMemory(h));
        assertEquals("coherent", first.getString(0), "another process's unmap does not touch this one's pointer");
    }

    /** "unmap then use": the first unmap invalidates the pointer for every mapper; a second unmap gives E_STATE. */
    @Test
    void unmapThenUse() {
        long h = imported(ntx, store.rt().allocateWithHandle(4096));
        MemorySegment a = ntx.ntxMapRtSharedMemory(h).address();
        MemorySegment b = ntx.ntxMapRtSharedMemoryEx(h, 0).address();
        assertEquals(E_OK, ntx.ntxUnmapRtSharedMemory(h));
        assertFalse(a.scope().isAlive());
        assertThrows(IllegalStateException.class, () -> a.get(ValueLayout.JAVA_BYTE, 0));
        assertThrows(IllegalStateException.class, () -> b.get(ValueLayout.JAVA_BYTE, 0));
        assertEquals(E_STATE, ntx.ntxUnmapRtSharedMemory(h));
        assertEquals(E_STATE, ntx.ntxGetLastRtError());
    }

    /** "Ex map without write, then ntxMapRtSharedMemory": fails with E_STATE. */
    @Test
    void exMapWithoutWriteThenMapFailsWithEState() {
        long h = imported(ntx, store.rt().allocateWithHandle(4096));
        assertTrue(ntx.ntxMapRtSharedMemoryEx(h, 0).succeeded());
        NtxMapResult refused = ntx.ntxMapRtSharedMemory(h);
        assertEquals(E_STATE, refused.status());
        assertEquals(MemorySegment.NULL, refused.address());
        // Windows (reference) would allow independent views; NTX does not, and another process is not affected.
        assertTrue(store.windows().ntxMapRtSharedMemory(h).succeeded());
    }

    /** "non-page-aligned map": E_ALIGNMENT without NTX_MAP_UNALIGNED, allowed with it. */
    @Test
    void nonPageAlignedMap() {
        long h = imported(ntx, store.rt().createHandle(store.rt().allocate(4096), 8, 4000));
        assertEquals(E_ALIGNMENT, ntx.ntxMapRtSharedMemory(h).status());
        assertEquals(E_ALIGNMENT, ntx.ntxMapRtSharedMemoryEx(h, NTX_MAP_WRITE).status());
        NtxMapResult allowed = ntx.ntxMapRtSharedMemoryEx(h, NTX_MAP_WRITE | NTX_MAP_UNALIGNED);
        assertTrue(allowed.succeeded());
        assertEquals(4000, allowed.address().byteSize());
    }

    /** "map > 0xfffff000": refused (the status is undocumented: E_VMEM). */
    @Test
    void mapAboveTheCapIsRefused() throws IOException {
        try (NtxFixture sparse = new NtxFixture(MmapSettings.under(Path.of("/dev/shm", "unused"))
                .withReserveSpace(false))) {
            NtxPersonality windows = sparse.windows();
            RtSide.Memory huge = sparse.rt().allocate(0x1_0000_1000L);
            long h = imported(windows, sparse.rt().createHandle(huge, 0, 0x1_0000_1000L));
            assertEquals(E_VMEM, windows.ntxMapRtSharedMemory(h).status());
            assertEquals(E_VMEM, windows.ntxMapRtSharedMemoryEx(h, NTX_MAP_UNALIGNED).status());
            assertEquals(0, windows.mappedHandles());
        }
    }

    /** "close last handle": ntxUnmapRtSharedMemory, then the RT side frees the memory (unmap first). */
    @Test
    void unmapThenFreeReleasesTheMemory() {
        RtSide.Memory memory = store.rt().allocate(4096);
        long h = imported(ntx, store.rt().createHandle(memory, 0, 4096));
        ntx.ntxMapRtSharedMemory(h);
        assertEquals(E_OK, ntx.ntxUnmapRtSharedMemory(h));
        assertEquals(1, store.objectFiles().size());
        store.rt().free(memory);
        assertEquals(List.of(), store.objectFiles(), "unmapped and freed: the memory is gone");
    }

    /** "close last handle", the wrong order: memory freed while mapped stays valid until the unmap, never a crash. */
    @Test
    void memoryFreedWhileMappedStaysValidUntilTheUnmap() {
        RtSide.Memory memory = store.rt().allocate(4096);
        long h = imported(ntx, store.rt().createHandle(memory, 0, 4096));
        MemorySegment view = ntx.ntxMapRtSharedMemory(h).address();
        store.rt().free(memory);
        view.setString(0, "still mapped");
        assertEquals("still mapped", view.getString(0));
        assertEquals(E_OK, ntx.ntxUnmapRtSharedMemory(h));
        assertEquals(List.of(), store.objectFiles());
    }

    /** "process exit with a handle open" (unknown for NTX): the end of the Windows process unmaps everything. */
    @Test
    void theEndOfTheWindowsProcessUnmapsItsMappings() {
        RtSide.Memory memory = store.rt().allocate(4096);
        long h = imported(ntx, store.rt().createHandle(memory, 0, 4096));
        MemorySegment view = ntx.ntxMapRtSharedMemory(h).address();
        store.rt().free(memory);
        ntx.close();
        assertThrows(IllegalStateException.class, () -> view.get(ValueLayout.JAVA_BYTE, 0));
        assertEquals(List.of(), store.objectFiles(), "nothing of the ended process holds the memory");
        assertEquals(E_NTX_INTERNAL_ERROR, ntx.ntxMapRtSharedMemory(h).status(), "an ended process maps nothing");
    }

    /** "create new" (the NTX way): ntxAllocateRtMemory gives an NTXHANDLE, mapped with the Ex form. */
    @Test
    void createNewWithNtxAllocateRtMemoryThenMapWithTheExForm() {
        NtxHandleResult segment = ntx.ntxAllocateRtMemory(NTX_LOCAL, 8192);
        assertEquals(E_OK, segment.status());
        NtxMapResult mapped = ntx.ntxMapRtSharedMemoryEx(segment.handle(), NTX_MAP_WRITE);
        assertTrue(mapped.succeeded());
        assertEquals(8192, mapped.address().byteSize());
    }

    /** "create existing" and "name collides with an event": the directory is type-agnostic, a taken name E_CONTEXT. */
    @Test
    void catalogingATakenNameFailsWithEContextWhateverHoldsIt() {
        long root = ntx.ntxGetRootRtProcess().handle();
        long memory = ntx.ntxAllocateRtMemory(NTX_LOCAL, 4096).handle();
        assertEquals(E_OK, ntx.ntxCatalogNtxHandle(root, memory, "taken"));
        assertEquals(E_CONTEXT, ntx.ntxCatalogNtxHandle(root, memory, "taken"));
        assertEquals(E_CONTEXT, ntx.ntxCatalogNtxHandle(root, root, "taken"), "a process's handle collides too");
    }

    /** "open missing name": ntxLookupNtxHandle waits, then NTX_BAD_NTXHANDLE with E_TIME. */
    @Test
    void lookupOfAMissingNameWaitsThenFailsWithETime() {
        long root = ntx.ntxGetRootRtProcess().handle();
        NtxHandleResult missing = ntx.ntxLookupNtxHandle(root, "missing", 30);
        assertEquals(NTX_BAD_NTXHANDLE, missing.handle());
        assertEquals(E_TIME, missing.status());
    }

    /** "name with backslash": allowed; "name too long": more than 12 bytes is E_PARAM. */
    @Test
    void aBackslashIsAllowedAndMoreThanTwelveBytesIsEParam() {
        long root = ntx.ntxGetRootRtProcess().handle();
        long memory = ntx.ntxAllocateRtMemory(NTX_LOCAL, 4096).handle();
        assertEquals(E_OK, ntx.ntxCatalogNtxHandle(root, memory, "a\\b"));
        assertEquals(memory, ntx.ntxLookupNtxHandle(root, "a\\b", NO_WAIT).handle());
        assertEquals(E_PARAM, ntx.ntxCatalogNtxHandle(root, memory, "thirteen-char"));
    }

    /** "size zero": ntxAllocateRtMemory(0) gives E_PARAM. "unnamed create": an allocation is unnamed. */
    @Test
    void sizeZeroIsEParamAndAnAllocationIsUnnamed() {
        assertEquals(E_PARAM, ntx.ntxAllocateRtMemory(NTX_LOCAL, 0).status());
        int before = store.backend.list().size();
        assertEquals(E_OK, ntx.ntxAllocateRtMemory(NTX_LOCAL, 4096).status());
        assertEquals(before, store.backend.list().size(), "no named object appeared");
    }

    /** "close last handle" (NTX): ntxUnmapRtSharedMemory, then ntxFreeRtMemory; not the other way round. */
    @Test
    void closeIsUnmapThenFree() {
        long memory = ntx.ntxAllocateRtMemory(NTX_LOCAL, 4096).handle();
        MemorySegment view = ntx.ntxMapRtSharedMemory(memory).address();
        assertEquals(E_STATE, ntx.ntxFreeRtMemory(memory), "unmap first");
        assertEquals(E_OK, ntx.ntxUnmapRtSharedMemory(memory));
        assertEquals(E_OK, ntx.ntxFreeRtMemory(memory));
        assertFalse(view.scope().isAlive());
        assertEquals(NTX_ERROR, ntx.ntxGetType(memory), "the handle is gone");
    }
}
