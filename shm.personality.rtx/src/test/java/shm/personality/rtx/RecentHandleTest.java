package shm.personality.rtx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static shm.api.rtx.RtxConstants.*;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The signal calls and the single wait remember the handle they looked up last ({@link RecentHandle}): a handle closed
 * after its calls fails at its next call of every kind as it would without that memory, and a handle keeps working
 * while other handles of the process open and close.
 */
class RecentHandleTest {

    @RegisterExtension
    final RtxFixture store = new RtxFixture();
    private final RtxPersonality rtss = store.rtss();

    @Test
    void anEventClosedAfterItsCallsFailsAtItsNextSignalAndWait() {
        long event = rtss.RtCreateEvent(false, false, "ev").handle();
        assertTrue(rtss.RtSetEvent(event));
        assertEquals(WAIT_OBJECT_0, rtss.RtWaitForSingleObject(event, 0));
        assertTrue(rtss.RtCloseHandle(event));

        assertFalse(rtss.RtSetEvent(event));
        assertEquals(ERROR_INVALID_HANDLE, rtss.RtGetLastError());
        assertFalse(rtss.RtPulseEvent(event));
        assertEquals(ERROR_INVALID_HANDLE, rtss.RtGetLastError());
        assertEquals(WAIT_FAILED, rtss.RtWaitForSingleObject(event, 0));
        assertEquals(ERROR_INVALID_HANDLE, rtss.RtGetLastError());
    }

    @Test
    void aMutexClosedAfterItsCallsFailsAtItsNextReleaseAndWait() {
        long mutex = rtss.RtCreateMutex(false, "mx").handle();
        assertEquals(WAIT_OBJECT_0, rtss.RtWaitForSingleObject(mutex, 0));
        assertTrue(rtss.RtReleaseMutex(mutex));
        assertTrue(rtss.RtCloseHandle(mutex));

        assertFalse(rtss.RtReleaseMutex(mutex));
        assertEquals(ERROR_INVALID_HANDLE, rtss.RtGetLastError());
        assertEquals(WAIT_FAILED, rtss.RtWaitForSingleObject(mutex, 0));
        assertEquals(ERROR_INVALID_HANDLE, rtss.RtGetLastError());
    }

    @Test
    void aSemaphoreClosedAfterItsCallsFailsAtItsNextReleaseAndWait() {
        long semaphore = rtss.RtCreateSemaphore(0, 4, "sem").handle();
        assertEquals(0, rtss.RtReleaseSemaphore(semaphore, 1));
        assertEquals(WAIT_OBJECT_0, rtss.RtWaitForSingleObject(semaphore, 0));
        assertTrue(rtss.RtCloseHandle(semaphore));

        assertEquals(-1, rtss.RtReleaseSemaphore(semaphore, 1));
        assertEquals(ERROR_INVALID_HANDLE, rtss.RtGetLastError());
        assertEquals(WAIT_FAILED, rtss.RtWaitForSingleObject(semaphore, 0));
        assertEquals(ERROR_INVALID_HANDLE, rtss.RtGetLastError());
    }

    @Test
    void aHandleKeepsWorkingWhileOtherHandlesOpenAndClose() {
        long mutex = rtss.RtCreateMutex(false, "mx").handle();
        long event = rtss.RtCreateEvent(false, false, "ev").handle();
        for (int i = 0; i < 3; i++) {
            assertEquals(WAIT_OBJECT_0, rtss.RtWaitForSingleObject(mutex, 0));
            assertTrue(rtss.RtReleaseMutex(mutex));
            long other = rtss.RtOpenEvent(0, false, "ev").handle();
            assertTrue(rtss.RtSetEvent(other), "another handle between the calls");
            assertTrue(rtss.RtCloseHandle(other));
            assertEquals(WAIT_OBJECT_0, rtss.RtWaitForSingleObject(event, 0), "set through the other handle");
            assertEquals(WAIT_OBJECT_0, rtss.RtWaitForSingleObject(mutex, 0));
            assertTrue(rtss.RtReleaseMutex(mutex));
        }
        assertTrue(rtss.RtCloseHandle(event));
        assertEquals(WAIT_OBJECT_0, rtss.RtWaitForSingleObject(mutex, 0), "after another handle's close");
        assertTrue(rtss.RtReleaseMutex(mutex));
    }
}
