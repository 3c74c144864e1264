package shm.personality.rtx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static shm.api.rtx.RtxConstants.*;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import shm.api.MapOptions;
import shm.api.ObjectType;
import shm.api.rtx.RtxResult;
import shm.api.spi.BackendHandle;

/**
 * The rows of {@code vendor-semantics.md} §4 for the RTX columns: Rtk (legacy and RTX64), Rt from an RTSS process,
 * Rt from a Windows process. Each test is one row.
 */
class VendorSemanticsRtxMatrixTest {

    @RegisterExtension
    final RtxFixture store = new RtxFixture();
    private final RtxPersonality rtss = store.rtss();
    private final RtxPersonality windows = store.windows();
    private final RtxPersonality legacyKernel = store.process(CallerContext.RTSS_PROCESS, Flavour.LEGACY_RTX);
    private final RtxPersonality rtx64Kernel = store.process(CallerContext.RTSS_PROCESS, Flavour.RTX64);
    private final long legacyInst = legacyKernel.RtkRtssAttach(1).value();
    private final long rtx64Inst = rtx64Kernel.RtkRtssAttach(1).value();

    @Test
    void createNew() {
        assertEquals(ERROR_SUCCESS, rtss.RtCreateSharedMemory(0, 0, 64, "a").errorCode());
        assertEquals(ERROR_SUCCESS, rtss.RtGetLastError());
        assertEquals(ERROR_SUCCESS, windows.RtCreateSharedMemory(PAGE_READWRITE, 0, 64, "b").errorCode());
        assertEquals(ERROR_SUCCESS, legacyKernel.RtkCreateSharedMemory(legacyInst, 0, 0, 64, "c").errorCode());
        assertEquals(STATUS_SUCCESS, rtx64Kernel.RtkCreateSharedMemory(rtx64Inst, 0, 0, 64, "d").errorCode());
    }

    @Test
    void createExistingSameSize() {
        rtss.RtCreateSharedMemory(0, 0, 64, "same");
        assertEquals(ERROR_ALREADY_EXISTS, rtss.RtCreateSharedMemory(0, 0, 64, "same").errorCode());
        assertEquals(ERROR_ALREADY_EXISTS, rtss.RtGetLastError());
        assertEquals(ERROR_ALREADY_EXISTS, windows.RtCreateSharedMemory(PAGE_READWRITE, 0, 64, "same").errorCode());
        assertEquals(ERROR_ALREADY_EXISTS, legacyKernel.RtkCreateSharedMemory(legacyInst, 0, 0, 64, "same")
                .errorCode());
        RtxResult rtx64 = rtx64Kernel.RtkCreateSharedMemory(rtx64Inst, 0, 0, 64, "same");
        assertTrue(rtx64.succeeded());
        assertEquals(STATUS_OBJECT_NAME_EXISTS, rtx64.errorCode(), "the documented guess: an informational status");
    }

    @Test
    void createExistingSmallerSize() {
        rtss.RtCreateSharedMemory(0, 0, 4096, "smaller");
        assertEquals(4096, legacyKernel.RtkCreateSharedMemory(legacyInst, 0, 0, 10, "smaller").location().byteSize());
        assertEquals(4096, rtx64Kernel.RtkCreateSharedMemory(rtx64Inst, 0, 0, 10, "smaller").location().byteSize());
        assertEquals(ERROR_INVALID_PARAMETER, windows.RtCreateSharedMemory(PAGE_READWRITE, 0, 10, "smaller")
                .errorCode());
        assertEquals(10, rtss.RtCreateSharedMemory(0, 0, 10, "smaller").location().byteSize());
    }

    @Test
    void createExistingLargerSize() {
        rtss.RtCreateSharedMemory(0, 0, 4096, "larger");
        assertEquals(ERROR_INVALID_PARAMETER, rtss.RtCreateSharedMemory(0, 0, 8192, "larger").errorCode());
        assertEquals(ERROR_INVALID_PARAMETER, windows.RtCreateSharedMemory(PAGE_READWRITE, 0, 8192, "larger")
                .errorCode());
        assertEquals(4096, legacyKernel.RtkCreateSharedMemory(legacyInst, 0, 0, 8192, "larger").location().byteSize());
        assertEquals(4096, rtx64Kernel.RtkCreateSharedMemory(rtx64Inst, 0, 0, 8192, "larger").location().byteSize());
    }

    @Test
    void openMissingName() {
        assertEquals(ERROR_FILE_NOT_FOUND, rtss.RtOpenSharedMemory(SHM_MAP_WRITE, false, "none").errorCode());
        assertEquals(ERROR_FILE_NOT_FOUND, windows.RtOpenSharedMemory(SHM_MAP_WRITE, false, "none").errorCode());
        assertEquals(ERROR_FILE_NOT_FOUND, legacyKernel.RtkOpenSharedMemory(legacyInst, SHM_MAP_WRITE, false, "none")
                .errorCode());
        RtxResult rtx64 = rtx64Kernel.RtkOpenSharedMemory(rtx64Inst, SHM_MAP_WRITE, false, "none");
        assertFalse(rtx64.succeeded());
        assertEquals(STATUS_UNSUCCESSFUL, rtx64.errorCode());
    }

    @Test
    void nameWithBackslash() {
        assertEquals(ERROR_INVALID_PARAMETER, rtss.RtCreateSharedMemory(0, 0, 8, "a\\b").errorCode());
        assertEquals(ERROR_INVALID_PARAMETER, windows.RtOpenSharedMemory(SHM_MAP_WRITE, false, "a\\b").errorCode());
        assertEquals(ERROR_INVALID_PARAMETER, legacyKernel.RtkCreateSharedMemory(legacyInst, 0, 0, 8, "a\\b")
                .errorCode());
        assertEquals(STATUS_INVALID_PARAMETER, rtx64Kernel.RtkCreateSharedMemory(rtx64Inst, 0, 0, 8, "a\\b")
                .errorCode());
    }

    @Test
    void nameTooLong() {
        String tooLong = "x".repeat(RTX_MAX_PATH + 1);
        assertEquals(ERROR_INVALID_PARAMETER, rtss.RtCreateSharedMemory(0, 0, 8, tooLong).errorCode());
        assertEquals(STATUS_INVALID_PARAMETER, rtx64Kernel.RtkCreateSharedMemory(rtx64Inst, 0, 0, 8, tooLong)
                .errorCode());
        assertTrue(store.backend.list().isEmpty());
    }

    @Test
    void nameCollidesWithAnEventMutexOrSemaphore() {
        for (ObjectType other : new ObjectType[] {ObjectType.EVENT, ObjectType.MUTEX, ObjectType.SEMAPHORE}) {
            String name = "sync-" + other;
            try (BackendHandle sync = store.backend.createOrOpen(other, name, 64, MapOptions.DEFAULT)) {
                RtxResult rt = rtss.RtCreateSharedMemory(0, 0, 64, name);
                assertEquals(ERROR_INVALID_HANDLE, rt.errorCode(), other.toString());
                assertEquals(ERROR_INVALID_HANDLE, windows.RtOpenSharedMemory(SHM_MAP_WRITE, false, name).errorCode());
                assertEquals(ERROR_INVALID_HANDLE, legacyKernel.RtkCreateSharedMemory(legacyInst, 0, 0, 64, name)
                        .errorCode());
                assertEquals(STATUS_INVALID_HANDLE, rtx64Kernel.RtkCreateSharedMemory(rtx64Inst, 0, 0, 64, name)
                        .errorCode());
                assertEquals(other, store.backend.lookup(name).orElseThrow().type());
            }
        }
    }

    @Test
    void emptyNamesAndNamesWithNulAreRefused() {
        assertEquals(ERROR_INVALID_PARAMETER, rtss.RtCreateSharedMemory(0, 0, 8, "").errorCode());
        assertEquals(ERROR_INVALID_PARAMETER, rtss.RtCreateSharedMemory(0, 0, 8, "ab\0cd").errorCode());
        assertEquals(ERROR_INVALID_PARAMETER, windows.RtOpenSharedMemory(SHM_MAP_WRITE, false, "").errorCode());
        assertTrue(store.backend.list().isEmpty());
    }

    @Test
    void sizeZero() {
        assertEquals(ERROR_INVALID_PARAMETER, rtss.RtCreateSharedMemory(0, 0, 0, "zero").errorCode());
        assertEquals(ERROR_INVALID_PARAMETER, windows.RtCreateSharedMemory(PAGE_READWRITE, 0, 0, "zero").errorCode());
        assertEquals(STATUS_INVALID_PARAMETER, rtx64Kernel.RtkCreateSharedMemory(rtx64Inst, 0, 0, 0, "zero")
                .errorCode());
    }

    @Test
    void unnamedCreate() {
        RtxResult a = rtss.RtCreateSharedMemory(0, 0, 64, null);
        RtxResult b = rtss.RtCreateSharedMemory(0, 0, 64, null);
        assertTrue(a.succeeded() && b.succeeded());
        assertFalse(b.alreadyExisted(), "two unnamed creates are two objects");
        a.location().set(ValueLayout.JAVA_INT, 0, 1);
        assertEquals(0, b.location().get(ValueLayout.JAVA_INT, 0));
        assertTrue(rtx64Kernel.RtkCreateSharedMemory(rtx64Inst, 0, 0, 64, null).succeeded());
        assertTrue(store.backend.list().isEmpty(), "unnamed objects are not in the namespace");
    }

    @Test
    void closeLastHandle() {
        RtxResult h = windows.RtCreateSharedMemory(PAGE_READWRITE, 0, 64, "closed");
        assertTrue(windows.RtCloseHandle(h.handle()));
        assertTrue(store.backend.lookup("closed").isEmpty());
        assertFalse(windows.RtCloseHandle(h.handle()));
        assertEquals(ERROR_INVALID_HANDLE, windows.RtGetLastError());
        RtxResult k = rtx64Kernel.RtkCreateSharedMemory(rtx64Inst, 0, 0, 64, "closed");
        assertEquals(STATUS_SUCCESS, rtx64Kernel.RtkCloseHandle(rtx64Inst, k.handle()));
        assertEquals(STATUS_UNSUCCESSFUL, rtx64Kernel.RtkCloseHandle(rtx64Inst, k.handle()),
                "STATUS_UNSUCCESSFUL means the handle was already invalidated");
    }

    @Test
    void processExitWithAHandleOpen() {
        RtxPersonality exiting = store.rtss();
        RtxResult h = exiting.RtCreateSharedMemory(0, 0, 64, "exiting");
        RtxResult other = windows.RtOpenSharedMemory(SHM_MAP_WRITE, false, "exiting");
        exiting.close();
        assertEquals(1, store.backend.lookup("exiting").orElseThrow().handleCount(), "the system closed its handle");
        assertFalse(exiting.RtCloseHandle(h.handle()));
        windows.RtCloseHandle(other.handle());
        assertTrue(store.backend.lookup("exiting").isEmpty());
    }

    @Test
    void mapTwiceGivesSeparateCoherentMappings() {
        RtxResult first = rtss.RtCreateSharedMemory(0, 0, 4096, "twice");
        RtxResult second = rtss.RtOpenSharedMemory(SHM_MAP_WRITE, false, "twice");
        assertNotEquals(first.location().address(), second.location().address(),
                "separate RtOpenSharedMemory calls may return different locations");
        first.location().setString(0, "coherent");
        assertEquals("coherent", second.location().getString(0));
        assertTrue(rtss.RtCloseHandle(first.handle()));
        assertEquals("coherent", second.location().getString(0), "the second handle's location outlives the first");
    }

    @Test
    void mapAbove32BitsNeedsMaximumSizeHighAndThatMustBeZero() {
        assertEquals(ERROR_INVALID_PARAMETER, rtss.RtCreateSharedMemory(0, 1, 0, "huge").errorCode());
        assertEquals(STATUS_INVALID_PARAMETER, rtx64Kernel.RtkCreateSharedMemory(rtx64Inst, 0, 1, 0, "huge")
                .errorCode());
    }

    @Test
    void windowsProtectionAndAccessDecideTheView() {
        rtss.RtCreateSharedMemory(0, 0, 64, "view");
        MemorySegment readOnly = windows.RtOpenSharedMemory(SHM_MAP_READ, false, "view").location();
        assertTrue(readOnly.isReadOnly());
        assertThrows(IllegalArgumentException.class, () -> readOnly.set(ValueLayout.JAVA_BYTE, 0, (byte) 1));
        assertFalse(windows.RtOpenSharedMemory(PAGE_READWRITE, false, "view").location().isReadOnly(),
                "PAGE_READWRITE, as public RTX code passes it, gives read/write");
        assertFalse(rtss.RtOpenSharedMemory(SHM_MAP_READ, false, "view").location().isReadOnly(),
                "the RTSS environment always grants read and write access");
        assertEquals(ERROR_INVALID_PARAMETER, windows.RtOpenSharedMemory(0x40, false, "view").errorCode());
        assertEquals(ERROR_INVALID_PARAMETER, windows.RtCreateSharedMemory(0x40, 0, 64, "view2").errorCode());
        assertTrue(windows.RtCreateSharedMemory(SHM_MAP_READ, 0, 64, "view3").location().isReadOnly());
    }
}
