package shm.personality.rtx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static shm.api.rtx.RtxConstants.*;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The signal calls and the single wait remember the handle they looked up last ({@link RecentHandle}): a handle closed
 * after its calls fails at its next call of every kind as it would without that memory, and a handle keeps working
 * while other handles of the process open and close, also while other threads call with other handles at once.
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

    @Test
    void threadsCallingWithTheirOwnHandlesWhileOthersOpenAndCloseEachReachTheirOwnObject() throws Exception {
        int threads = 3;
        int pairs = 20_000;
        List<Long> events = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            events.add(rtss.RtCreateEvent(false, false, "own." + t).handle());
        }
        long shared = rtss.RtCreateEvent(true, true, "shared").handle();   // manual reset, set: every test answers
        AtomicBoolean calling = new AtomicBoolean(true);
        CompletableFuture<Integer> churn = CompletableFuture.supplyAsync(() -> {
            int changes = 0;
            while (calling.get()) {
                long other = rtss.RtCreateSemaphore(0, 1, "churn").handle();   // a change of the table each
                rtss.RtCloseHandle(other);
                changes += 2;
            }
            return changes;
        }, command -> new Thread(command).start());
        List<CompletableFuture<Integer>> wrong = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            long own = events.get(t);
            wrong.add(CompletableFuture.supplyAsync(() -> {
                int failures = 0;
                for (int i = 0; i < pairs; i++) {
                    // signalled and tested through this thread's own auto-reset event only: a set that reached
                    // another thread's event would leave this test without its signal
                    if (!rtss.RtSetEvent(own) || rtss.RtWaitForSingleObject(own, 0) != WAIT_OBJECT_0) {
                        failures++;
                    }
                    if (rtss.RtWaitForSingleObject(shared, 0) != WAIT_OBJECT_0) {
                        failures++;
                    }
                }
                return failures;
            }, command -> new Thread(command).start()));
        }
        try {
            for (CompletableFuture<Integer> future : wrong) {
                assertEquals(0, future.get(120, TimeUnit.SECONDS), "a call missed its own event or failed");
            }
        } finally {
            calling.set(false);
        }
        assertTrue(churn.get(30, TimeUnit.SECONDS) > 0, "the table changed meanwhile");
    }
}
