package shm.personality.rtx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static shm.api.rtx.RtxConstants.*;

import java.lang.foreign.MemorySegment;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import shm.api.rtx.RtssInstance;
import shm.api.rtx.RtxResult;
import shm.provider.mmap.MmapBackend;
import shm.provider.mmap.MmapSettings;

/**
 * An update of the personality's own bundle (issue 10): the "process" suspends into the store and its next revision
 * (a new personality instance) resumes it: every handle keeps its value and names the same object, nothing is
 * destroyed on the way, the kept table itself is gone once taken, and what cannot be kept is said.
 */
class RtxKeptStateTest {

    private static final String STATE = "shm.kept.rtx.test";
    private static final String STORE = "the-store";

    @RegisterExtension
    final RtxFixture store = new RtxFixture();

    @Test
    void handlesKeepTheirValuesAndObjectsAcrossARevision() {
        MmapBackend backend = store.track(new MmapBackend(MmapSettings.under(store.root)));
        backend.parkHoldsFor(Duration.ofMinutes(1));
        RtxPersonality first = revision(backend);
        RtxResult memory = first.RtCreateSharedMemory(PAGE_READWRITE, 0, 4096, "kept.memory");
        memory.location().setString(0, "written by the first revision");
        RtxResult event = first.RtCreateEvent(true, true, "kept.event");
        RtxResult mutex = first.RtCreateMutex(false, "kept.mutex");
        RtxResult semaphore = first.RtCreateSemaphore(2, 5, "kept.semaphore");
        RtxResult unnamed = first.RtCreateEvent(true, false, null);
        RtssInstance rtss = first.RtkRtssAttach(4);
        RtxResult rtk = first.RtkCreateSharedMemory(rtss.value(), PAGE_READWRITE, 0, 4096, "kept.rtk");
        assertTrue(memory.succeeded() && event.succeeded() && mutex.succeeded() && semaphore.succeeded()
                && unnamed.succeeded() && rtk.succeeded());

        assertEquals(5, first.suspend(STATE), "every named object is kept; the unnamed event cannot be");
        first.close();
        assertTrue(backend.lookup("kept.memory").isPresent(), "nothing was destroyed on the way");
        assertTrue(backend.lookup("kept.semaphore").isPresent());
        assertThrowsIllegalState(memory.location());

        RtxPersonality next = revision(backend);
        assertEquals(5, next.resume(backend, STATE));
        assertTrue(backend.lookup(STATE).isEmpty(), "the kept table is destroyed once taken");
        assertEquals(WAIT_OBJECT_0, next.RtWaitForSingleObject(event.handle(), 0), "the same event, still set");
        assertEquals(WAIT_OBJECT_0, next.RtWaitForSingleObject(semaphore.handle(), 0), "the same semaphore");
        assertEquals(1, next.RtReleaseSemaphore(semaphore.handle(), 1), "its count went on from 1");
        assertEquals(WAIT_OBJECT_0, next.RtWaitForSingleObject(mutex.handle(), 0));
        assertTrue(next.RtReleaseMutex(mutex.handle()));
        RtxResult reopened = next.RtOpenSharedMemory(SHM_MAP_WRITE, false, "kept.memory");
        assertEquals("written by the first revision", reopened.location().getString(0));
        assertFalse(next.RtCloseHandle(unnamed.handle()), "the unnamed event's handle was lost, as logged");

        RtxResult later = next.RtCreateEvent(false, false, "kept.later");
        assertTrue(later.handle() > rtk.handle(), "values are never reused");
        for (long handle : new long[] {memory.handle(), event.handle(), mutex.handle(), semaphore.handle(),
                reopened.handle(), later.handle()}) {
            assertTrue(next.RtCloseHandle(handle), "handle 0x" + Long.toHexString(handle));
        }
        assertEquals(ERROR_SUCCESS, next.RtkCloseHandle(rtss.value(), rtk.handle()), "the Rtk instance is valid too");
        assertTrue(backend.list().isEmpty(), "the last close of each kept handle destroyed its object: "
                + backend.list());
    }

    @Test
    void withoutKeptStateARevisionStartsEmpty() {
        MmapBackend backend = store.track(new MmapBackend(MmapSettings.under(store.root)));
        RtxPersonality fresh = revision(backend);
        assertEquals(0, fresh.resume(backend, STATE));
        assertEquals(0, fresh.openHandles());
    }

    private RtxPersonality revision(MmapBackend backend) {
        RtxPersonality personality = store.track(new RtxPersonality(RtxSettings.defaults()));
        personality.useBackend(backend, STORE);
        return personality;
    }

    private static void assertThrowsIllegalState(MemorySegment before) {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> before.getString(0),
                "a location given out before fails cleanly");
    }
}
