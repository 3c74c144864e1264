package shm.personality.intime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static shm.api.intime.IntimeConstants.*;
import static shm.api.intime.IntimeTables.ROOT_PROCESS_HANDLE;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import shm.api.NamedEvent;
import shm.api.ObjectType;
import shm.api.intime.Iwin32Result;
import shm.api.intime.RtHandleResult;
import shm.api.intime.RtMemoryResult;

/**
 * The rows of {@code vendor-semantics.md} §4 for the two INtime columns: iwin32 / iwin32x, and the kernel calls
 * (AllocateRtMemory / CreateRtMemoryHandle / Catalog / Map). Each test is one row; rows that are "n/a" for both
 * columns have no test.
 */
class VendorSemanticsIntimeMatrixTest {

    @RegisterExtension
    final IntimeFixture store = new IntimeFixture();
    private final IntimePersonality a = store.process();
    private final IntimePersonality b = store.process();

    /** Allocate, create a handle for the whole block: the kernel's "create". */
    private int kernelCreate(IntimePersonality process, int bytes) {
        MemorySegment block = process.AllocateRtMemory(bytes).address();
        RtHandleResult h = process.CreateRtMemoryHandle(block, bytes);
        assertTrue(h.succeeded(), () -> h.failure().getMessage());
        return h.handle();
    }

    @Test
    void createNew() {
        Iwin32Result iwin32 = a.RtCreateSharedMemory(0, 0, 64, "new");
        assertTrue(iwin32.succeeded());
        assertEquals(64, iwin32.location().byteSize());
        RtMemoryResult block = a.AllocateRtMemory(100);
        assertEquals(PAGE_SIZE, block.address().byteSize(), "AllocateRtMemory rounds up to 4 KiB");
        assertEquals(0, block.address().address() % PAGE_SIZE, "and starts on a 4 KiB boundary");
        RtHandleResult h = a.CreateRtMemoryHandle(block.address(), 100);
        assertEquals(E_OK, h.status());
        assertNotEquals(BAD_RTHANDLE, h.handle());
    }

    @Test
    void createExistingSameSize() {
        a.RtCreateSharedMemory(0, 0, 64, "same");
        assertEquals(ERROR_ALREADY_EXISTS, b.RtCreateSharedMemory(0, 0, 64, "same").errorCode());
        int h = kernelCreate(a, 64);
        assertTrue(a.CatalogRtHandle(ROOT_PROCESS_HANDLE, h, "same"));
        assertFalse(b.CatalogRtHandle(ROOT_PROCESS_HANDLE, kernelCreate(b, 64), "same"),
                "the kernel has no named create: cataloging the name again fails");
        assertEquals(E_CONTEXT, b.GetLastRtError());
    }

    @Test
    void createExistingSmallerSize() {
        a.RtCreateSharedMemory(0, 0, 8192, "smaller");
        Iwin32Result r = b.RtCreateSharedMemory(0, 0, 100, "smaller");
        assertEquals(ERROR_ALREADY_EXISTS, r.errorCode());
        assertEquals(8192, r.location().byteSize(), "the original size");
    }

    @Test
    void createExistingLargerSize() {
        a.RtCreateSharedMemory(0, 0, 4096, "larger");
        Iwin32Result r = b.RtCreateSharedMemory(0, 0, 1 << 20, "larger");
        assertEquals(ERROR_ALREADY_EXISTS, r.errorCode());
        assertEquals(4096, r.location().byteSize(), "the size is ignored");
        assertEquals(4096, store.iwin32Pool().used(), "opening charges nothing to the pool");
    }

    @Test
    void openMissingName() {
        Iwin32Result iwin32 = a.RtOpenSharedMemory(0, false, "missing");
        assertEquals(0, iwin32.handle());
        assertEquals(ERROR_FILE_NOT_FOUND, iwin32.errorCode());
        RtHandleResult noWait = a.LookupRtHandle(ROOT_PROCESS_HANDLE, "missing", NO_WAIT);
        assertEquals(BAD_RTHANDLE, noWait.handle());
        assertEquals(E_TIME, noWait.status());
        assertEquals(E_TIME, a.LookupRtHandle(ROOT_PROCESS_HANDLE, "missing", 30).status(),
                "a lookup waits up to the timeout, then gives E_TIME");
    }

    @Test
    void nameWithBackslash() {
        assertEquals(ERROR_INVALID_PARAMETER, a.RtCreateSharedMemory(0, 0, 64, "a\\b").errorCode());
        assertEquals(ERROR_INVALID_PARAMETER, a.RtOpenSharedMemory(0, false, "a\\b").errorCode());
        int h = kernelCreate(a, 64);
        assertTrue(a.CatalogRtHandle(ROOT_PROCESS_HANDLE, h, "dir\\name"), "any byte except NUL");
        assertEquals(h, b.LookupRtHandle(ROOT_PROCESS_HANDLE, "dir\\name", NO_WAIT).handle());
    }

    @Test
    void nameTooLong() {
        assertEquals(ERROR_INVALID_PARAMETER, a.RtCreateSharedMemory(0, 0, 64, "x".repeat(MAX_PATH + 1))
                .errorCode());
        int h = kernelCreate(a, 64);
        assertTrue(a.CatalogRtHandle(ROOT_PROCESS_HANDLE, h, "x".repeat(CATALOG_NAME_MAX)));
        assertFalse(a.CatalogRtHandle(ROOT_PROCESS_HANDLE, h, "x".repeat(CATALOG_NAME_MAX + 1)));
        assertEquals(E_PARAM, a.GetLastRtError());
        assertFalse(a.CatalogRtHandle(ROOT_PROCESS_HANDLE, h, "ééééééé"), "12 bytes, counted in UTF-8: 14");
        assertEquals(E_PARAM, a.GetLastRtError());
        assertTrue(a.CatalogRtHandleLong(ROOT_PROCESS_HANDLE, h, "y".repeat(MAX_PATH - 1)),
                "long names: MAX_PATH including the NUL");
        assertFalse(a.CatalogRtHandleLong(ROOT_PROCESS_HANDLE, h, "y".repeat(MAX_PATH)));
        assertEquals(E_PARAM, a.GetLastRtError());
    }

    /**
     * A real named event of the platform ({@link shm.api.SyncObjectService}) holds the name in the one namespace it
     * shares with shared memory. Object directories are another namespace, type-agnostic.
     */
    @Test
    void nameCollidesWithAnEvent() {
        try (NamedEvent event = store.backend.createOrOpenEvent("signal", false, false)) {
            assertEquals(ERROR_INVALID_HANDLE, a.RtCreateSharedMemory(0, 0, 64, "signal").errorCode());
            assertEquals(ObjectType.EVENT, store.backend.lookup(event.name().orElseThrow()).orElseThrow().type());
        }
        int process = a.GetRtThreadHandles(THIS_PROCESS).handle();
        assertTrue(a.CatalogRtHandle(ROOT_PROCESS_HANDLE, process, "taken"));
        assertFalse(b.CatalogRtHandle(ROOT_PROCESS_HANDLE, kernelCreate(b, 64), "taken"),
                "a directory name collides whatever type of object holds it");
        assertEquals(E_CONTEXT, b.GetLastRtError());
    }

    @Test
    void emptyNamesAndNamesWithNulAreRefused() {
        assertEquals(ERROR_INVALID_PARAMETER, a.RtCreateSharedMemory(0, 0, 64, "").errorCode());
        assertEquals(ERROR_INVALID_PARAMETER, a.RtCreateSharedMemory(0, 0, 64, "ab\0cd").errorCode());
        assertEquals(ERROR_INVALID_PARAMETER, a.RtOpenSharedMemory(0, false, "").errorCode());
        assertEquals(ERROR_INVALID_PARAMETER, a.RtOpenSharedMemory(0, false, null).errorCode());
        assertTrue(store.backend.list().isEmpty());
    }

    @Test
    void sizeZero() {
        assertEquals(ERROR_INVALID_PARAMETER, a.RtCreateSharedMemory(0, 0, 0, "zero").errorCode());
        RtMemoryResult zero = a.AllocateRtMemory(0);
        assertEquals(MemorySegment.NULL, zero.address());
        assertEquals(E_PARAM, zero.status());
        assertEquals(E_PARAM, a.GetLastRtError());
    }

    @Test
    void unnamedCreate() {
        assertTrue(a.RtCreateSharedMemory(0, 0, 64, null).succeeded());
        int h = kernelCreate(a, 64);
        assertEquals(E_TIME, b.LookupRtHandle(ROOT_PROCESS_HANDLE, "unnamed", NO_WAIT).status(),
                "a memory handle is unnamed until cataloged");
        assertTrue(a.CatalogRtHandle(ROOT_PROCESS_HANDLE, h, "unnamed"));
        assertEquals(h, b.LookupRtHandle(ROOT_PROCESS_HANDLE, "unnamed", NO_WAIT).handle());
        assertTrue(store.backend.list().isEmpty(), "neither is in the object namespace");
    }

    @Test
    void closeLastHandle() {
        Iwin32Result iwin32 = a.RtCreateSharedMemory(0, 0, 64, "closing");
        assertTrue(a.CloseHandle(iwin32.handle()));
        assertTrue(store.backend.lookup("closing").isEmpty(), "the object is destroyed at the last close");

        MemorySegment block = a.AllocateRtMemory(PAGE_SIZE).address();
        int h = a.CreateRtMemoryHandle(block, PAGE_SIZE).handle();
        MemorySegment view = b.MapRtSharedMemory(h).address();
        List<String> files = store.objectFiles();
        assertTrue(a.DeleteRtMemoryHandle(h), "DeleteRtMemoryHandle frees only the slot...");
        assertEquals(files, store.objectFiles(), "...the memory stays");
        block.setString(0, "after delete");
        assertEquals("after delete", view.getString(0), "and a user is not checked: it keeps using it");
        assertEquals(PAGE_SIZE, a.FreeRtMemory(block), "FreeRtMemory frees the memory, users or not");
        assertEquals("after delete", view.getString(0),
                "the platform keeps a mapped view readable (INtime would leave it pointing at freed memory)");
        assertEquals(0, b.FreeRtMemory(view), "removing a mapping frees no physical memory");
        assertEquals(List.of(), store.objectFiles());
    }

    @Test
    void processExitWithAHandleOpen() {
        IntimePersonality ending = store.process();
        Iwin32Result iwin32 = ending.RtCreateSharedMemory(0, 0, 64, "exit");
        Iwin32Result kept = a.RtOpenSharedMemory(0, false, "exit");
        MemorySegment block = ending.AllocateRtMemory(PAGE_SIZE).address();
        block.setString(0, "owned by the ending process");
        int h = ending.CreateRtMemoryHandle(block, PAGE_SIZE).handle();
        assertTrue(ending.CatalogRtHandle(ROOT_PROCESS_HANDLE, h, "exit-mem"));
        MemorySegment view = a.MapRtSharedMemory(h).address();
        int gdtBefore = store.gdtUsed();

        ending.close();

        assertEquals(1, store.backend.lookup("exit").orElseThrow().handleCount(), "iwin32: the handle was closed");
        assertFalse(ending.CloseHandle(iwin32.handle()));
        assertEquals(gdtBefore - 1, store.gdtUsed(), "kernel: the process's handle was deleted with it");
        assertEquals(E_EXIST, a.MapRtSharedMemory(h).status());
        assertEquals(E_TIME, a.LookupRtHandle(ROOT_PROCESS_HANDLE, "exit-mem", NO_WAIT).status(),
                "its catalog entries went with it");
        assertEquals("owned by the ending process", view.getString(0), "a mapping another process made stays");
        assertEquals(0, a.FreeRtMemory(view));
        assertTrue(a.CloseHandle(kept.handle()));
        assertEquals(List.of(), store.objectFiles());
    }

    @Test
    void mapTwice() {
        a.RtCreateSharedMemory(0, 0, 4096, "twice");
        Iwin32Result first = b.RtOpenSharedMemory(0, false, "twice");
        Iwin32Result second = b.RtOpenSharedMemory(0, false, "twice");
        assertNotEquals(first.location().address(), second.location().address(), "two opens, two addresses");
        first.location().setString(0, "coherent");
        assertEquals("coherent", second.location().getString(0));

        int h = kernelCreate(a, PAGE_SIZE);
        MemorySegment one = b.MapRtSharedMemory(h).address();
        MemorySegment two = b.MapRtSharedMemory(h).address();
        assertNotEquals(one.address(), two.address(), "each MapRtSharedMemory makes a mapping");
        one.set(ValueLayout.JAVA_INT, 0, 99);
        assertEquals(99, two.get(ValueLayout.JAVA_INT, 0));
    }

    @Test
    void unmapThenUse() {
        Iwin32Result r = a.RtCreateSharedMemory(0, 0, 64, "unmap");
        assertTrue(a.RtUnmapSharedMemory(r.location()), "a no-op that returns TRUE");
        r.location().setString(0, "still mapped");
        assertEquals("still mapped", r.location().getString(0));

        MemorySegment view = b.MapRtSharedMemory(kernelCreate(a, PAGE_SIZE)).address();
        assertEquals(0, b.FreeRtMemory(view));
        assertThrows(IllegalStateException.class, () -> view.get(ValueLayout.JAVA_BYTE, 0),
                "a freed mapping fails cleanly instead of faulting");
    }

    @Test
    void nonPageAlignedMap() {
        MemorySegment block = a.AllocateRtMemory(2 * PAGE_SIZE).address();
        block.setString(1001, "unaligned");
        int h = a.CreateRtMemoryHandle(block.asSlice(1001), 333).handle();
        MemorySegment view = b.MapRtSharedMemory(h).address();
        assertEquals(333, view.byteSize(), "CreateRtMemoryHandle states no alignment rule; none is imposed");
        assertEquals("unaligned", view.getString(0));
    }

    @Test
    void mapAbove32Bits() {
        assertEquals(ERROR_INVALID_PARAMETER, a.RtCreateSharedMemory(0, 1, 0, "huge").errorCode());
        RtMemoryResult tooBig = a.AllocateRtMemory((int) (DEFAULT_VSEG_SIZE + 1));
        assertEquals(E_PARAM, tooBig.status(), "larger than the virtual segment");
        assertEquals(E_PARAM, a.AllocateRtMemory(-1).status(), "0xFFFFFFFF is read unsigned: 4 GiB - 1");
    }
}
