package shm.personality.ntx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static shm.api.ntx.NtxConstants.*;
import static shm.personality.ntx.NtxFixture.imported;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import shm.api.ntx.NtxMapResult;
import shm.provider.mmap.MmapSettings;
import shm.testkit.LineProcess;

/**
 * NTX across real processes: a child JVM is the RT side ({@link NtxRtChildMain}: the INtime personality allocates
 * memory and creates the RTHANDLE), this JVM is the Windows side mapping it through NTX. Both see each other's
 * writes; when the child deletes the handle, frees the memory or dies, this side sees what the documents say: the
 * GDT slot is gone for new maps (E_EXIST), a mapping made before stays valid (the memory is not returned while
 * mapped, and a remap returns the cached pointer: the documented hazard), and the memory goes when the last user
 * lets go.
 */
class CrossProcessNtxTest {

    @RegisterExtension
    final NtxFixture store = new NtxFixture(MmapSettings.under(Path.of("/dev/shm", "unused")), false);
    private NtxPersonality windows;
    private LineProcess child;

    @BeforeEach
    void open() throws Exception {
        child = ntxRtChild(store.root); // the INtime process opens the system-wide tables, as on INtime
        windows = store.windows();
    }

    @AfterEach
    void close() {
        child.process().destroyForcibly();
    }

    /** Sends {@code alloc} and returns the RTHANDLE the child created. */
    private int allocate(int size, String text) throws Exception {
        String[] answer = child.send("alloc " + size + " " + text).split(" ");
        assertEquals("HANDLE", answer[0]);
        assertEquals("0", answer[2], "E_OK");
        return Integer.parseInt(answer[1]);
    }

    @Test
    void theRtSideAllocatesTheWindowsSideMapsBothSeeEachOthersWrites() throws Exception {
        int rtHandle = allocate(8192, "from-rt");
        long h = imported(windows, rtHandle);
        MemorySegment view = windows.ntxMapRtSharedMemory(h).address();
        assertEquals(8192, view.byteSize());
        assertEquals("from-rt", view.getString(0));
        view.setString(4096, "from-windows");
        assertEquals("DATA from-windows", child.send("read 4096"));
        assertEquals("WROTE", child.send("write 0 again-from-rt"));
        assertEquals("again-from-rt", view.getString(0));
        assertSame(view, windows.ntxMapRtSharedMemory(h).address(), "the same pointer across remaps");
        assertEquals(E_OK, windows.ntxUnmapRtSharedMemory(h));
        child.exit();
    }

    @Test
    void whenTheRtSideDeletesTheHandleTheWindowsSideSeesWhatTheDocumentsSay() throws Exception {
        int rtHandle = allocate(4096, "before-delete");
        long h = imported(windows, rtHandle);
        NtxMapResult mapped = windows.ntxMapRtSharedMemory(h);
        NtxPersonality strict = store.windows(NtxSettings.defaults().withStrictCache(true));
        assertTrue(strict.ntxMapRtSharedMemory(h).succeeded());

        assertEquals("DELETED true 0", child.send("delete " + rtHandle));
        // DeleteRtMemoryHandle returns the GDT slot only: the memory stays, and the mapping made before stays valid.
        assertEquals("WROTE", child.send("write 0 after-delete"));
        assertEquals("after-delete", mapped.address().getString(0));
        // NTX's cache answers a remap without asking the RT side: the stale pointer (the documented hazard).
        assertSame(mapped, windows.ntxMapRtSharedMemory(h));
        // A strict cache, another Windows process, and an import see that the handle names nothing any more.
        assertEquals(E_EXIST, strict.ntxMapRtSharedMemory(h).status());
        NtxPersonality fresh = store.windows();
        assertEquals(E_EXIST, fresh.ntxMapRtSharedMemory(h).status());
        assertEquals(E_EXIST, fresh.ntxImportRtHandle(rtHandle, fresh.ntxGetRootRtProcess().handle()).status());

        // FreeRtMemory does not check users: the Windows mapping keeps its memory valid until it is unmapped.
        assertTrue(child.send("free").startsWith("FREED 4096 "));
        mapped.address().setString(0, "still-mapped");
        assertEquals("still-mapped", mapped.address().getString(0));
        assertEquals(E_OK, windows.ntxUnmapRtSharedMemory(h));
        assertEquals(E_OK, strict.ntxUnmapRtSharedMemory(h));
        assertEquals(List.of(), store.objectFiles(), "unmapped everywhere and freed: the memory is gone");
        assertEquals(E_EXIST, windows.ntxMapRtSharedMemory(h).status(), "after the unmap the cache is clear");
        child.exit();
    }

    @Test
    void whenTheRtProcessDiesItsHandlesGoAndMappingsMadeBeforeStayValid() throws Exception {
        int rtHandle = allocate(4096, "orphan");
        long h = imported(windows, rtHandle);
        MemorySegment view = windows.ntxMapRtSharedMemory(h).address();
        child.process().destroyForcibly();
        assertTrue(child.process().waitFor(30, TimeUnit.SECONDS));
        assertEquals(E_EXIST, store.windows().ntxMapRtSharedMemory(h).status(), "the dead process's handle is gone");
        assertEquals("orphan", view.getString(0), "the mapping made before still holds the memory");
        assertEquals(E_OK, windows.ntxUnmapRtSharedMemory(h));
        assertEquals(List.of(), store.objectFiles(), "the last user let go: nothing is left");
    }

    @Test
    void unalignedAndRemoteHandlesOfAnotherProcessAreRefusedAsDocumented() throws Exception {
        allocate(3 * 4096, "block");
        assertEquals("WROTE", child.send("write 100 inside"));
        String[] answer = child.send("handle 100 4096").split(" ");
        assertEquals("0", answer[2]);
        long unaligned = imported(windows, Integer.parseInt(answer[1]));
        assertEquals(E_ALIGNMENT, windows.ntxMapRtSharedMemory(unaligned).status());
        NtxMapResult allowed = windows.ntxMapRtSharedMemoryEx(unaligned, NTX_MAP_UNALIGNED);
        assertEquals("inside", allowed.address().getString(0));

        NtxPersonality otherHost = store.windows(NtxSettings.defaults().withHostNode(5));
        assertEquals(E_LOCATION, otherHost.ntxMapRtSharedMemory(unaligned).status(),
                "the RT side's memory is on node 0, this host is beside node 5");
        child.exit();
    }

    /** A child JVM running {@link NtxRtChildMain}, ready; its answers are awaited with a deadline. */
    private static LineProcess ntxRtChild(Path root) {
        return LineProcess.startJvm(NtxRtChildMain.class, "", List.of(), root.toString()).awaitReady();
    }
}
