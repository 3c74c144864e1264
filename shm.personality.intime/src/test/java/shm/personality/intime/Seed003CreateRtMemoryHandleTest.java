package shm.personality.intime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static shm.api.intime.IntimeConstants.*;

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
 * Seed 003, the INtime "CreateRtMemoryHandle" page: one test per sentence that states behaviour, named after it. An
 * RT process shares memory with another RT process (a second personality instance of the same store).
 */
class Seed003CreateRtMemoryHandleTest {

    @RegisterExtension
    final IntimeFixture store = new IntimeFixture();
    private final IntimePersonality owner = store.process();
    private final IntimePersonality user = store.process();

    private MemorySegment allocate(int bytes) {
        RtMemoryResult r = owner.AllocateRtMemory(bytes);
        assertTrue(r.succeeded(), () -> r.failure().getMessage());
        return r.address();
    }

    private int handle(MemorySegment at, int bytes) {
        RtHandleResult r = owner.CreateRtMemoryHandle(at, bytes);
        assertTrue(r.succeeded(), () -> r.failure().getMessage());
        return r.handle();
    }

    @Test
    void createsAHandleForAnAreaOfMemoryInTheProcessVirtualAddressSpace() {
        MemorySegment block = allocate(8192);
        int h = handle(block, 8192);
        assertNotEquals(BAD_RTHANDLE, h);
        assertTrue(h > 0 && h <= 0xFFFF, "an RTHANDLE is 16 bits");
        assertTrue(IntimeTables.slotOfMemoryHandle(h) >= 0);
    }

    @Test
    void theHandleWithMapRtSharedMemorySharesMemoryAmongRtProcesses() {
        MemorySegment block = allocate(4096);
        block.setString(0, "from the owner");
        RtMemoryResult mapped = user.MapRtSharedMemory(handle(block, 4096));
        assertTrue(mapped.succeeded());
        assertEquals("from the owner", mapped.address().getString(0));
        mapped.address().setString(200, "from the user");
        assertEquals("from the user", block.getString(200));
    }

    @Test
    void pOffsetIsTheOffsetOfTheAreaWithinTheCallingThreadsVirtualAddressSpace() {
        MemorySegment block = allocate(3 * PAGE_SIZE);
        block.set(ValueLayout.JAVA_INT, PAGE_SIZE + 12, 0x5EED);
        int h = handle(block.asSlice(PAGE_SIZE + 12), 4);
        assertEquals(0x5EED, user.MapRtSharedMemory(h).address().get(ValueLayout.JAVA_INT, 0),
                "the handle starts where pOffset points");
    }

    @Test
    void cbSizeIsTheNumberOfBytesOfContiguousMemoryToShare() {
        MemorySegment block = allocate(3 * PAGE_SIZE);
        assertEquals(1000, user.MapRtSharedMemory(handle(block.asSlice(100), 1000)).address().byteSize());
        RtHandleResult beyond = owner.CreateRtMemoryHandle(block.asSlice(100), 3 * PAGE_SIZE);
        assertEquals(E_PARAM, beyond.status(), "the area must be contiguous memory of the process");
    }

    @Test
    void theHandleIsAddedToTheGdtWhichAllowsGlobalAccess() {
        int before = store.gdtUsed();
        int h = handle(allocate(4096), 4096);
        assertEquals(before + 1, store.gdtUsed(), "one slot of the system-wide table");
        IntimePersonality third = store.process();
        assertTrue(third.MapRtSharedMemory(h).succeeded(), "any process can use the handle");
    }

    @Test
    void aSegmentCreatedWithThisCallCanBeDeletedWithDeleteRtMemoryHandle() {
        int h = handle(allocate(4096), 4096);
        assertTrue(owner.DeleteRtMemoryHandle(h));
        RtMemoryResult gone = user.MapRtSharedMemory(h);
        assertEquals(E_EXIST, gone.status());
        assertFalse(owner.DeleteRtMemoryHandle(h));
        assertEquals(E_EXIST, owner.GetLastRtError());
    }

    @Test
    void theMemoryDoesNotReturnToTheProcessPoolWhenTheHandleIsDeleted() {
        try (IntimeFixture pooled = new IntimeFixture()) {
            IntimePersonality process = pooled.process(IntimeSettings.defaults().withPoolMax(2 * PAGE_SIZE));
            MemorySegment block = process.AllocateRtMemory(2 * PAGE_SIZE).address();
            int h = process.CreateRtMemoryHandle(block, 2 * PAGE_SIZE).handle();
            assertTrue(process.DeleteRtMemoryHandle(h));
            block.setString(0, "still mine");
            assertEquals("still mine", block.getString(0), "the memory is still allocated");
            assertEquals(E_MEM, process.AllocateRtMemory(PAGE_SIZE).status(), "and still charged to the pool");
            assertEquals(2 * PAGE_SIZE, process.FreeRtMemory(block), "FreeRtMemory returns it");
            assertTrue(process.AllocateRtMemory(PAGE_SIZE).succeeded());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void whenTheSegmentIsDeletedTheGdtSlotIsReturnedForReassignment() {
        MemorySegment block = allocate(4096);
        int h = handle(block, 4096);
        int used = store.gdtUsed();
        assertTrue(owner.DeleteRtMemoryHandle(h));
        assertEquals(used - 1, store.gdtUsed());
        try (IntimeFixture tiny = new IntimeFixture()) {
            IntimePersonality process = tiny.process(IntimeSettings.defaults().withGdtSlots(1));
            MemorySegment memory = process.AllocateRtMemory(4096).address();
            int first = process.CreateRtMemoryHandle(memory, 16).handle();
            assertEquals(E_SLOT, process.CreateRtMemoryHandle(memory, 16).status());
            assertTrue(process.DeleteRtMemoryHandle(first));
            assertEquals(first, process.CreateRtMemoryHandle(memory.asSlice(16), 16).handle(),
                    "the one slot was reassigned");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void returnsAnRtHandleOnSuccessWithStatusEOk() {
        RtHandleResult r = owner.CreateRtMemoryHandle(allocate(4096), 4096);
        assertEquals(E_OK, r.status());
        assertTrue(r.error().isEmpty());
    }

    @Test
    void returnsBadRtHandleOnFailureAndGetLastRtErrorGivesTheStatus() {
        RtHandleResult r = owner.CreateRtMemoryHandle(allocate(4096), 0);
        assertEquals(BAD_RTHANDLE, r.handle());
        assertEquals(E_PARAM, r.status());
        assertEquals(E_PARAM, owner.GetLastRtError());
        assertTrue(owner.CreateRtMemoryHandle(allocate(4096), 8).succeeded());
        assertEquals(E_PARAM, owner.GetLastRtError(), "a success does not clear the status");
    }

    @Test
    void eMemWhenCreatingTheHandleNeedsMoreMemoryThanExists() {
        try (IntimeFixture pooled = new IntimeFixture()) {
            IntimePersonality process = pooled.process(IntimeSettings.defaults().withPoolMax(PAGE_SIZE));
            assertTrue(process.AllocateRtMemory(PAGE_SIZE).succeeded());
            RtMemoryResult noMemory = process.AllocateRtMemory(1);
            assertEquals(E_MEM, noMemory.status(), "the allocate -> handle pattern runs out of memory here");
            assertEquals(E_MEM, process.GetLastRtError());
            assertEquals(ErrorReason.NO_MEMORY, noMemory.failure().reason());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void eLimitWhenTheHandleWouldExceedTheProcessObjectLimit() {
        try (IntimeFixture limited = new IntimeFixture()) {
            IntimePersonality process = limited.process(IntimeSettings.defaults().withObjectLimit(3));
            MemorySegment memory = process.AllocateRtMemory(4096).address();
            int[] held = new int[3];
            for (int i = 0; i < 3; i++) {
                held[i] = process.CreateRtMemoryHandle(memory.asSlice(i), 1).handle();
                assertNotEquals(BAD_RTHANDLE, held[i]);
            }
            RtHandleResult fourth = process.CreateRtMemoryHandle(memory.asSlice(3), 1);
            assertEquals(BAD_RTHANDLE, fourth.handle());
            assertEquals(E_LIMIT, fourth.status());
            assertEquals(ErrorReason.LIMIT, fourth.failure().reason());
            IntimePersonality another = limited.process(IntimeSettings.defaults().withObjectLimit(3));
            assertTrue(another.CreateRtMemoryHandle(another.AllocateRtMemory(8).address(), 8).succeeded(),
                    "the limit is per process; the GDT has room");
            assertTrue(process.DeleteRtMemoryHandle(held[0]));
            assertTrue(process.CreateRtMemoryHandle(memory.asSlice(3), 1).succeeded(),
                    "a deleted handle no longer counts");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void eSlotWhenTheGdtSlotsAreFull() {
        try (IntimeFixture small = new IntimeFixture()) {
            IntimePersonality a = small.process(IntimeSettings.defaults().withGdtSlots(4));
            IntimePersonality b = small.process(IntimeSettings.defaults().withGdtSlots(4));
            MemorySegment memory = a.AllocateRtMemory(4096).address();
            for (int i = 0; i < 4; i++) {
                assertTrue(a.CreateRtMemoryHandle(memory.asSlice(i), 1).succeeded());
            }
            RtHandleResult full = b.CreateRtMemoryHandle(b.AllocateRtMemory(8).address(), 8);
            assertEquals(E_SLOT, full.status(), "the GDT is system-wide: another process finds it full");
            assertEquals(ErrorReason.NO_SLOT, full.failure().reason());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
