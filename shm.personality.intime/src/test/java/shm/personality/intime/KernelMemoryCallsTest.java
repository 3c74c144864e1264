package shm.personality.intime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static shm.api.intime.IntimeConstants.*;
import static shm.api.intime.IntimeTables.ROOT_PROCESS_HANDLE;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import shm.api.ErrorReason;
import shm.api.intime.IntimeTables;
import shm.api.intime.RtHandleResult;
import shm.api.intime.RtMemoryResult;

/**
 * The kernel memory calls beyond the seed page, as §2.2 of vendor-semantics.md documents them and the behaviour table
 * decides where it is silent: AllocateRtMemory, FreeRtMemory, DeleteRtMemoryHandle, MapRtSharedMemory, and the absence
 * of reference counting.
 */
class KernelMemoryCallsTest {

    @RegisterExtension
    final IntimeFixture store = new IntimeFixture();
    private final IntimePersonality owner = store.process();
    private final IntimePersonality user = store.process();

    @Test
    void allocateRtMemoryRoundsUpToWholePagesOfZeroedMemory() {
        MemorySegment block = owner.AllocateRtMemory(PAGE_SIZE + 1).address();
        assertEquals(2 * PAGE_SIZE, block.byteSize());
        assertEquals(0, block.address() % PAGE_SIZE);
        for (long i = 0; i < block.byteSize(); i += 512) {
            assertEquals(0, block.get(ValueLayout.JAVA_BYTE, i));
        }
    }

    @Test
    void freeRtMemoryFreesAWholeBlockAndReturnsItsSize() {
        MemorySegment block = owner.AllocateRtMemory(3 * PAGE_SIZE).address();
        int files = store.objectFiles().size();
        assertEquals(3 * PAGE_SIZE, owner.FreeRtMemory(block));
        assertEquals(files - 1, store.objectFiles().size(), "the memory is gone");
        assertThrows(IllegalStateException.class, () -> block.get(ValueLayout.JAVA_BYTE, 0),
                "a freed block fails cleanly instead of faulting");
    }

    @Test
    void freeRtMemoryRefusesWhatIsNotABlockOrMappingOfThisProcess() {
        MemorySegment block = owner.AllocateRtMemory(2 * PAGE_SIZE).address();
        assertEquals(FREE_RT_MEMORY_FAILED, owner.FreeRtMemory(MemorySegment.NULL));
        assertEquals(E_BAD_ADDR, owner.GetLastRtError());
        assertEquals(FREE_RT_MEMORY_FAILED, owner.FreeRtMemory(block.asSlice(PAGE_SIZE)));
        assertEquals(E_NOT_ALLOCATED, owner.GetLastRtError(), "an address inside a block does not start it");
        assertEquals(FREE_RT_MEMORY_FAILED, user.FreeRtMemory(block), "another process's block");
        assertEquals(E_NOT_ALLOCATED, user.GetLastRtError());
        assertEquals(2 * PAGE_SIZE, owner.FreeRtMemory(block));
        assertEquals(FREE_RT_MEMORY_FAILED, owner.FreeRtMemory(block), "twice");
        assertEquals(E_NOT_ALLOCATED, owner.GetLastRtError());
    }

    @Test
    void createRtMemoryHandleNeedsAnAddressOfThisProcess() {
        MemorySegment block = owner.AllocateRtMemory(PAGE_SIZE).address();
        assertEquals(E_BAD_ADDR, owner.CreateRtMemoryHandle(MemorySegment.NULL, 8).status());
        assertEquals(E_BAD_ADDR, user.CreateRtMemoryHandle(block, 8).status(), "another process's memory");
        assertEquals(E_BAD_ADDR, owner.CreateRtMemoryHandle(block.asSlice(PAGE_SIZE), 8).status(),
                "just past the end of the block");
        assertEquals(E_PARAM, owner.CreateRtMemoryHandle(block, 0).status(), "a size of 0");
    }

    @Test
    void aMappedRegionCanBeSharedOnWithAHandleOfItsOwn() {
        MemorySegment block = owner.AllocateRtMemory(2 * PAGE_SIZE).address();
        block.setString(PAGE_SIZE + 8, "passed on");
        MemorySegment view = user.MapRtSharedMemory(owner.CreateRtMemoryHandle(block.asSlice(PAGE_SIZE), PAGE_SIZE)
                .handle()).address();
        int again = user.CreateRtMemoryHandle(view.asSlice(8), 64).handle();
        IntimePersonality third = store.process();
        assertEquals("passed on", third.MapRtSharedMemory(again).address().getString(0));
    }

    @Test
    void deleteAndMapTellMissingHandlesFromHandlesOfAnotherKind() {
        int process = owner.GetRtThreadHandles(THIS_PROCESS).handle();
        assertFalse(owner.DeleteRtMemoryHandle(process));
        assertEquals(E_TYPE, owner.GetLastRtError());
        assertEquals(E_TYPE, user.MapRtSharedMemory(process).status());
        assertEquals(E_TYPE, user.MapRtSharedMemory(ROOT_PROCESS_HANDLE).status());
        for (int bad : new int[] {NULL_RTHANDLE, BAD_RTHANDLE, 0x0008, 0x1234, 0xFFF8, -1, 0x10000}) {
            assertFalse(owner.DeleteRtMemoryHandle(bad));
            assertEquals(E_EXIST, owner.GetLastRtError(), () -> "0x" + Integer.toHexString(bad));
            assertEquals(E_EXIST, user.MapRtSharedMemory(bad).status());
        }
    }

    @Test
    void aHandleWhoseMemoryWasFreedNamesNothingToMap() {
        MemorySegment block = owner.AllocateRtMemory(PAGE_SIZE).address();
        int h = owner.CreateRtMemoryHandle(block, PAGE_SIZE).handle();
        assertEquals(PAGE_SIZE, owner.FreeRtMemory(block), "FreeRtMemory does not check the handle");
        RtMemoryResult r = user.MapRtSharedMemory(h);
        assertEquals(E_EXIST, r.status());
        assertEquals(ErrorReason.NOT_FOUND, r.failure().reason());
        assertTrue(owner.DeleteRtMemoryHandle(h), "the slot is still there to delete");
    }

    @Test
    void noReferenceCountingADeletedHandleValueNamesWhateverTheSlotHoldsNext() {
        MemorySegment first = owner.AllocateRtMemory(PAGE_SIZE).address();
        first.setString(0, "first");
        int stale = owner.CreateRtMemoryHandle(first, PAGE_SIZE).handle();
        MemorySegment earlier = user.MapRtSharedMemory(stale).address();
        assertTrue(owner.DeleteRtMemoryHandle(stale), "deleted while a user still maps it");
        try (IntimeFixture tiny = new IntimeFixture()) {
            IntimePersonality a = tiny.process(IntimeSettings.defaults().withGdtSlots(1));
            IntimePersonality b = tiny.process(IntimeSettings.defaults().withGdtSlots(1));
            MemorySegment one = a.AllocateRtMemory(PAGE_SIZE).address();
            one.setString(0, "one");
            int kept = a.CreateRtMemoryHandle(one, PAGE_SIZE).handle();
            assertTrue(a.DeleteRtMemoryHandle(kept));
            MemorySegment two = a.AllocateRtMemory(PAGE_SIZE).address();
            two.setString(0, "two");
            assertEquals(kept, a.CreateRtMemoryHandle(two, PAGE_SIZE).handle(), "the slot is reused");
            assertEquals("two", b.MapRtSharedMemory(kept).address().getString(0),
                    "a process that kept the old value maps the new memory: nothing protects it");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        assertEquals("first", earlier.getString(0), "a mapping made before keeps its memory");
    }

    @Test
    void getRtThreadHandlesGivesThisProcessAndTheRootProcess() {
        RtHandleResult self = owner.GetRtThreadHandles(THIS_PROCESS);
        assertEquals(E_OK, self.status());
        assertTrue(IntimeTables.isProcessHandle(self.handle()));
        assertEquals(self.handle(), owner.GetRtThreadHandles(THIS_PROCESS).handle(), "the same on every call");
        assertNotEquals(self.handle(), user.GetRtThreadHandles(THIS_PROCESS).handle(), "one per process");
        assertEquals(ROOT_PROCESS_HANDLE, owner.GetRtThreadHandles(ROOT_PROCESS).handle());
        RtHandleResult thread = owner.GetRtThreadHandles(THIS_THREAD);
        assertEquals(BAD_RTHANDLE, thread.handle());
        assertEquals(E_PARAM, thread.status());
    }

    @Test
    void theStatusIsPerThreadSharedWithGetLastErrorAndNotClearedBySuccess() throws Exception {
        assertEquals(E_OK, owner.GetLastRtError());
        owner.AllocateRtMemory(0);
        assertEquals(E_PARAM, owner.GetLastRtError());
        assertEquals(E_PARAM, owner.GetLastError(), "iwin32's GetLastError reads the same storage");
        assertTrue(owner.AllocateRtMemory(1).succeeded());
        assertEquals(E_PARAM, owner.GetLastRtError(), "a success does not clear it");
        assertEquals(E_OK, user.GetLastRtError(), "another process has its own");
        int[] otherThread = new int[1];
        Thread t = Thread.ofPlatform().start(() -> otherThread[0] = owner.GetLastRtError());
        t.join(30_000);
        assertEquals(E_OK, otherThread[0], "and another thread too");
        owner.RtOpenSharedMemory(0, false, "nothing-here");
        assertEquals(ERROR_FILE_NOT_FOUND, owner.GetLastError());
        assertEquals(ERROR_FILE_NOT_FOUND, owner.GetLastRtError());
        owner.RtCreateSharedMemory(0, 0, 0, "bad");
        assertEquals(ERROR_INVALID_PARAMETER, owner.GetLastError());
        assertEquals(ERROR_INVALID_PARAMETER, owner.GetLastRtError(), "87 fits in 16 bits");
        owner.SetLastRtError(0x12345);
        assertEquals(0x2345, owner.GetLastRtError(), "SetLastRtError stores 16 bits");
        assertEquals(0x2345, owner.GetLastError());
        assertTrue(owner.lastFailure().isEmpty(), "a set status explains no failure");
    }

    @Test
    void anEndedProcessAnswersEveryCallWithAFailure() {
        IntimePersonality ended = store.process();
        ended.close();
        ended.close();
        assertEquals(E_EXIST, ended.AllocateRtMemory(8).status());
        assertEquals(E_EXIST, ended.GetRtThreadHandles(ROOT_PROCESS).status());
        assertEquals(ERROR_INVALID_HANDLE, ended.RtCreateSharedMemory(0, 0, 8, "after").errorCode());
        assertTrue(store.backend.lookup("after").isEmpty());
    }
}
