package shm.personality.rtx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static shm.api.rtx.RtxConstants.*;

import java.lang.foreign.MemorySegment;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import shm.api.ErrorReason;
import shm.api.rtx.RtxResult;
import shm.provider.mmap.MmapSettings;
import shm.testkit.SmallTmpfs;
import shm.testkit.TmpfsDirectory;

/**
 * Seed 002, the wRTOS "Shared Memory Functions" page: one test per sentence that states behaviour, named after it.
 * Two RTX "processes" share one store: an RTSS process and a Windows process.
 */
class Seed002SharedMemoryFunctionsTest {

    @RegisterExtension
    final RtxFixture store = new RtxFixture();
    private final RtxPersonality rtss = store.rtss();
    private final RtxPersonality windows = store.windows();

    @Test
    void sharedMemoryObjectsShareDataAmongRtssAndWindowsProcesses() {
        rtss.RtCreateSharedMemory(PAGE_READWRITE, 0, 4096, "plant").location().setString(0, "from RTSS");
        RtxResult view = windows.RtOpenSharedMemory(SHM_MAP_WRITE, false, "plant");
        assertEquals("from RTSS", view.location().getString(0));
        view.location().setString(100, "from Windows");
        assertEquals("from Windows", rtss.RtOpenSharedMemory(SHM_MAP_READ, false, "plant").location().getString(100));
    }

    @Test
    void eachProcessHasItsOwnProcessRelativeHandle() {
        RtxResult mine = rtss.RtCreateSharedMemory(0, 0, 64, "relative");
        assertFalse(windows.RtCloseHandle(mine.handle()), "another process's handle value means nothing here");
        assertEquals(ERROR_INVALID_HANDLE, windows.RtGetLastError());
        assertTrue(rtss.RtCloseHandle(mine.handle()));
    }

    @Test
    void theObjectMustFirstBeCreatedThenOtherProcessesMapItByName() {
        assertFalse(windows.RtOpenSharedMemory(SHM_MAP_WRITE, false, "later").succeeded());
        rtss.RtCreateSharedMemory(0, 0, 64, "later");
        assertTrue(windows.RtOpenSharedMemory(SHM_MAP_WRITE, false, "later").succeeded());
    }

    @Test
    void rtCreateSharedMemoryReturnsAHandleAndTheBaseAddressToWriteTo() {
        RtxResult r = rtss.RtCreateSharedMemory(0, 0, 8192, "base");
        assertNotEquals(0, r.handle());
        assertEquals(8192, r.location().byteSize());
        r.location().setString(8000, "written directly");
        assertEquals("written directly", windows.RtOpenSharedMemory(SHM_MAP_READ, false, "base")
                .location().getString(8000));
    }

    @Test
    void rtCreateSharedMemoryFailsIfTheMemoryCannotBeAllocatedAndThenMapsNothingAndReturnsNoHandle()
            throws Exception {
        try (SmallTmpfs small = SmallTmpfs.mount(8);
             shm.provider.mmap.MmapBackend backend = new shm.provider.mmap.MmapBackend(
                     MmapSettings.under(small.path().resolve("ns")));
             RtxPersonality process = new RtxPersonality(backend, RtxSettings.defaults())) {
            RtxResult r = process.RtCreateSharedMemory(0, 0, 16 << 20, "too-big");
            assertEquals(0, r.handle());
            assertEquals(MemorySegment.NULL, r.location());
            assertEquals(ERROR_NOT_ENOUGH_MEMORY, r.errorCode());
            assertEquals(ERROR_NOT_ENOUGH_MEMORY, process.RtGetLastError());
            assertEquals(ErrorReason.NO_MEMORY, r.failure().reason());
            assertTrue(backend.list().isEmpty());
            assertEquals(List.of("table"), TmpfsDirectory.fileNames(small.path().resolve("ns")));
        }
    }

    @Test
    void rtCreateSharedMemoryDefaultsToRtOpenSharedMemoryIfTheNameExists() {
        rtss.RtCreateSharedMemory(0, 0, 64, "twice").location().setString(0, "first");
        RtxResult second = rtss.RtCreateSharedMemory(0, 0, 64, "twice");
        assertTrue(second.alreadyExisted());
        assertEquals(ERROR_ALREADY_EXISTS, second.errorCode());
        assertEquals("first", second.location().getString(0));
    }

    @Test
    void fromAnRtssProcessASmallerSizeDecreasesTheObjectAndReturnsThatAmount() {
        RtxResult original = rtss.RtCreateSharedMemory(0, 0, 8192, "shrinking");
        RtxResult smaller = rtss.RtCreateSharedMemory(0, 0, 1000, "shrinking");
        assertTrue(smaller.succeeded());
        assertEquals(ERROR_ALREADY_EXISTS, smaller.errorCode());
        assertEquals(1000, smaller.location().byteSize(), "that amount of memory is returned");
        assertEquals(1000, windows.RtOpenSharedMemory(SHM_MAP_READ, false, "shrinking").location().byteSize(),
                "the object's size is decreased");
        assertEquals(8192, original.location().byteSize(), "a mapping made before keeps working");
    }

    @Test
    void fromAnRtssProcessALargerSizeDoesNotExpandAndFailsWithInvalidParameter() {
        rtss.RtCreateSharedMemory(0, 0, 4096, "fixed");
        RtxResult larger = rtss.RtCreateSharedMemory(0, 0, 4097, "fixed");
        assertFalse(larger.succeeded());
        assertEquals(ERROR_INVALID_PARAMETER, larger.errorCode());
        assertEquals(MemorySegment.NULL, larger.location());
        assertEquals(4096, store.backend.lookup("fixed").orElseThrow().logicalSize());
        assertEquals(1, store.backend.lookup("fixed").orElseThrow().handleCount(), "the failed call holds nothing");
    }

    @Test
    void fromAWindowsProcessADifferentSizeFailsWithInvalidParameter() {
        rtss.RtCreateSharedMemory(0, 0, 4096, "exact");
        assertEquals(ERROR_INVALID_PARAMETER, windows.RtCreateSharedMemory(PAGE_READWRITE, 0, 100, "exact").errorCode());
        assertEquals(ERROR_INVALID_PARAMETER,
                windows.RtCreateSharedMemory(PAGE_READWRITE, 0, 8192, "exact").errorCode());
        RtxResult same = windows.RtCreateSharedMemory(PAGE_READWRITE, 0, 4096, "exact");
        assertTrue(same.succeeded());
        assertEquals(ERROR_ALREADY_EXISTS, same.errorCode());
        assertEquals(2, store.backend.lookup("exact").orElseThrow().handleCount());
    }

    @Test
    void rtOpenSharedMemoryMapsAnAlreadyCreatedObjectIntoAnotherProcess() {
        rtss.RtCreateSharedMemory(0, 0, 64, "mapped");
        RtxResult view = windows.RtOpenSharedMemory(SHM_MAP_WRITE, false, "mapped");
        assertTrue(view.succeeded());
        assertEquals(ERROR_SUCCESS, view.errorCode());
        assertEquals(2, store.backend.lookup("mapped").orElseThrow().handleCount());
    }

    @Test
    void rtOpenSharedMemoryFailsIfTheNamedObjectDoesNotExist() {
        RtxResult r = windows.RtOpenSharedMemory(SHM_MAP_WRITE, false, "missing");
        assertEquals(0, r.handle());
        assertEquals(ERROR_FILE_NOT_FOUND, r.errorCode());
        assertEquals(ErrorReason.NOT_FOUND, r.failure().reason());
    }

    @Test
    void rtOpenSharedMemoryReturnsAHandleAndTheBaseAddress() {
        rtss.RtCreateSharedMemory(0, 0, 64, "addr").location().setString(0, "seen");
        RtxResult r = rtss.RtOpenSharedMemory(SHM_MAP_WRITE, false, "addr");
        assertNotEquals(0, r.handle());
        assertEquals("seen", r.location().getString(0));
    }

    @Test
    void whenAProcessIsFinishedTheHandleShouldBeClosedAndTheLastCloseDestroys() {
        RtxResult a = rtss.RtCreateSharedMemory(0, 0, 64, "done");
        RtxResult b = windows.RtOpenSharedMemory(SHM_MAP_WRITE, false, "done");
        assertTrue(rtss.RtCloseHandle(a.handle()));
        assertEquals(List.of("n.done"), store.objectFiles());
        assertTrue(windows.RtCloseHandle(b.handle()));
        assertEquals(List.of(), store.objectFiles());
    }
}
