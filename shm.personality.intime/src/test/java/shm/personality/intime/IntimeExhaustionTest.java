package shm.personality.intime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static shm.api.intime.IntimeConstants.*;
import static shm.api.intime.IntimeTables.ROOT_PROCESS_HANDLE;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import shm.api.ErrorReason;
import shm.api.intime.IntimeTables;
import shm.api.intime.Iwin32Result;
import shm.api.intime.RtHandleResult;
import shm.api.intime.RtMemoryResult;

/**
 * Every limit of the INtime personality, filled to the end: the GDT (system-wide, {@code E_SLOT}), a process's object
 * limit ({@code E_LIMIT}), the iwin32 pool (system-wide, {@code ERROR_NOT_ENOUGH_MEMORY}), the iwin32 handle table,
 * a process's virtual segment ({@code E_VMEM}) and pool ({@code E_MEM}), the object directory ({@code E_LIMIT}). A
 * failure at a limit changes nothing, and freeing makes room again.
 */
class IntimeExhaustionTest {

    @RegisterExtension
    final IntimeFixture store = new IntimeFixture();

    @Test
    void theDefaultGdtOfAbout8000SlotsFillsUpWithESlotAndADeletedSlotIsReused() {
        IntimePersonality process =
                store.process(IntimeSettings.defaults().withObjectLimit(IntimeTables.MAX_GDT_SLOTS));
        MemorySegment block = process.AllocateRtMemory(DEFAULT_GDT_SLOTS).address();
        Set<Integer> values = new HashSet<>();
        RtHandleResult last;
        int offset = 0;
        while ((last = process.CreateRtMemoryHandle(block.asSlice(offset), 1)).succeeded()) {
            assertTrue(values.add(last.handle()), "every slot has its own RTHANDLE");
            assertNotEquals(BAD_RTHANDLE, last.handle());
            offset++;
        }
        assertEquals(DEFAULT_GDT_SLOTS, values.size(), "the documented GDT of about 8 000 entries");
        assertEquals(E_SLOT, last.status());
        assertEquals(ErrorReason.NO_SLOT, last.failure().reason());
        assertEquals(DEFAULT_GDT_SLOTS, store.gdtUsed());
        int freed = values.iterator().next();
        assertTrue(process.DeleteRtMemoryHandle(freed));
        assertEquals(freed, process.CreateRtMemoryHandle(block, 1).handle(), "the slot went back for reassignment");
        IntimePersonality other = store.process();
        RtHandleResult otherFull = other.CreateRtMemoryHandle(other.AllocateRtMemory(1).address(), 1);
        assertEquals(E_SLOT, otherFull.status(), () -> "the GDT is one table for every process: " + otherFull);
        process.close();
        assertEquals(0, store.gdtUsed(), "the end of the process returned every slot");
    }

    @Test
    void theProcessObjectLimitGivesELimitAndCountsOnlyLiveHandles() {
        IntimePersonality process = store.process(IntimeSettings.defaults().withObjectLimit(5));
        IntimePersonality other = store.process();
        MemorySegment block = process.AllocateRtMemory(PAGE_SIZE).address();
        List<Integer> held = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            held.add(process.CreateRtMemoryHandle(block.asSlice(i), 1).handle());
        }
        int used = store.gdtUsed();
        RtHandleResult over = process.CreateRtMemoryHandle(block, 1);
        assertEquals(E_LIMIT, over.status());
        assertEquals(used, store.gdtUsed(), "a failure takes no slot");
        assertTrue(other.DeleteRtMemoryHandle(held.get(2)), "any process may delete a handle");
        assertTrue(process.CreateRtMemoryHandle(block, 1).succeeded(),
                "a handle another process deleted no longer counts against the limit");
        assertEquals(E_LIMIT, process.CreateRtMemoryHandle(block, 1).status());
    }

    @Test
    void theIwin32PoolIsAccountedSystemWideAndACreateThatDoesNotFitChangesNothing() {
        IntimeSettings fourMiB = IntimeSettings.defaults().withIwin32SegSize(SEGSIZE_UNIT);
        IntimePersonality a = store.process(fourMiB);
        IntimePersonality b = store.process(fourMiB);
        Iwin32Result first = a.RtCreateSharedMemory(0, 0, 2 << 20, "first");
        assertTrue(b.RtCreateSharedMemory(0, 0, 2 << 20, "second").succeeded());
        assertEquals(SEGSIZE_UNIT, store.iwin32Pool().used());
        List<String> files = store.objectFiles();
        int handles = store.iwin32Used();

        Iwin32Result full = a.RtCreateSharedMemory(0, 0, PAGE_SIZE, "third");
        assertEquals(0, full.handle());
        assertEquals(ERROR_NOT_ENOUGH_MEMORY, full.errorCode());
        assertEquals(ERROR_NOT_ENOUGH_MEMORY, a.GetLastError());
        assertEquals(files, store.objectFiles(), "nothing was created");
        assertEquals(handles, store.iwin32Used(), "no handle was taken");
        assertEquals(SEGSIZE_UNIT, store.iwin32Pool().used());
        assertTrue(store.backend.lookup("third").isEmpty());
        assertEquals(ERROR_NOT_ENOUGH_MEMORY, a.RtCreateSharedMemory(0, 0, PAGE_SIZE, null).errorCode(),
                "unnamed objects come from the same pool");

        assertTrue(b.RtCreateSharedMemory(0, 0, 1 << 30, "first").succeeded(),
                "opening an existing object charges nothing, whatever size it asks");
        assertTrue(a.CloseHandle(first.handle()));
        assertEquals(SEGSIZE_UNIT, store.iwin32Pool().used(), "b still holds 'first'");
        b.close();
        assertEquals(0, store.iwin32Pool().used(), "the last close gave the memory back");
        assertTrue(a.RtCreateSharedMemory(0, 0, PAGE_SIZE, "third").succeeded());
    }

    @Test
    void theIwin32HandleTableFillsUpAndAFailedCreateLeavesNoObject() {
        try (IntimeFixture small = new IntimeFixture()) {
            IntimePersonality process = small.process(IntimeSettings.defaults().withIwin32Handles(3));
            for (int i = 0; i < 3; i++) {
                assertTrue(process.RtCreateSharedMemory(0, 0, 64, "shared").succeeded());
            }
            long pool = small.iwin32Pool().used();
            assertEquals(ERROR_NOT_ENOUGH_MEMORY, process.RtOpenSharedMemory(0, false, "shared").errorCode());
            assertEquals(3, small.backend.lookup("shared").orElseThrow().handleCount(), "the failed open holds nothing");
            Iwin32Result fresh = process.RtCreateSharedMemory(0, 0, 64, "fresh");
            assertEquals(ERROR_NOT_ENOUGH_MEMORY, fresh.errorCode());
            assertTrue(small.backend.lookup("fresh").isEmpty(), "the object made for it was destroyed again");
            assertEquals(pool, small.iwin32Pool().used(), "and its memory went back to the pool");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theVirtualSegmentFillsUpWithEVmemCountingAllocationsAndMappings() {
        IntimePersonality process = store.process();
        IntimePersonality owner = store.process();
        assertTrue(process.AllocateRtMemory(6 << 20).succeeded());
        RtMemoryResult over = process.AllocateRtMemory(3 << 20);
        assertEquals(E_VMEM, over.status());
        MemorySegment big = owner.AllocateRtMemory(3 << 20).address();
        int h = owner.CreateRtMemoryHandle(big, 3 << 20).handle();
        assertEquals(E_VMEM, process.MapRtSharedMemory(h).status(), "a mapping takes virtual memory too");
        MemorySegment two = process.AllocateRtMemory(2 << 20).address();
        assertEquals(E_VMEM, process.AllocateRtMemory(1).status(), "8 MiB in use");
        assertEquals(2 << 20, process.FreeRtMemory(two));
        assertTrue(process.MapRtSharedMemory(owner.CreateRtMemoryHandle(big, 1 << 20).handle()).succeeded());
    }

    @Test
    void theProcessPoolFillsUpWithEMemAndFreeRtMemoryRefillsIt() {
        IntimePersonality process = store.process(IntimeSettings.defaults().withPoolMax(4 * PAGE_SIZE));
        MemorySegment three = process.AllocateRtMemory(3 * PAGE_SIZE).address();
        assertEquals(E_MEM, process.AllocateRtMemory(PAGE_SIZE + 1).status(), "rounded up to two pages");
        MemorySegment one = process.AllocateRtMemory(PAGE_SIZE).address();
        assertEquals(E_MEM, process.AllocateRtMemory(1).status());
        assertEquals(3 * PAGE_SIZE, process.FreeRtMemory(three));
        assertTrue(process.AllocateRtMemory(3 * PAGE_SIZE).succeeded());
        assertEquals(PAGE_SIZE, process.FreeRtMemory(one));
    }

    @Test
    void aFullObjectDirectoryGivesELimit() {
        IntimePersonality process = store.process();
        int h = process.CreateRtMemoryHandle(process.AllocateRtMemory(8).address(), 8).handle();
        int cataloged = 0;
        while (process.CatalogRtHandle(ROOT_PROCESS_HANDLE, h, "n" + cataloged)) {
            cataloged++;
        }
        assertEquals(E_LIMIT, process.GetLastRtError(), "the directory is full");
        assertTrue(cataloged > 0);
        assertTrue(process.UncatalogRtHandle(ROOT_PROCESS_HANDLE, "n0"));
        assertTrue(process.CatalogRtHandle(NULL_RTHANDLE, h, "room again"));
        assertEquals(h, store.process().LookupRtHandle(ROOT_PROCESS_HANDLE, "n" + (cataloged - 1), NO_WAIT).handle());
        process.close();
        assertEquals(E_TIME, store.process().LookupRtHandle(ROOT_PROCESS_HANDLE, "n1", NO_WAIT).status(),
                "a process's catalog entries end with it");
    }

    @Test
    void slotNumbersEncodeAsDocumented() {
        assertEquals(0x0008, IntimeTables.memoryHandleOfSlot(0));
        assertEquals(0xFFF8, IntimeTables.memoryHandleOfSlot(IntimeTables.MAX_GDT_SLOTS - 1));
        assertEquals(-1, IntimeTables.slotOfMemoryHandle(BAD_RTHANDLE));
        assertEquals(-1, IntimeTables.slotOfMemoryHandle(NULL_RTHANDLE));
        assertEquals(-1, IntimeTables.slotOfMemoryHandle(ROOT_PROCESS_HANDLE));
        assertEquals(0x000C, IntimeTables.processHandleOfSlot(0));
        assertEquals(-1, IntimeTables.slotOfProcessHandle(0x0010));
        assertFalse(IntimeTables.isProcessHandle(0x0008));
        assertEquals(0x10005L, IntimeTables.iwin32HandleOfSlot(5));
        assertEquals(5, IntimeTables.slotOfIwin32Handle(0x10005L));
        assertEquals(-1, IntimeTables.slotOfIwin32Handle(0xFFFF));
    }
}
