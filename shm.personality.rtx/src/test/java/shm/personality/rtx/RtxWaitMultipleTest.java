package shm.personality.rtx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static shm.api.rtx.RtxConstants.*;

import java.time.Duration;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import shm.testkit.BackendUnderTest;

/**
 * {@code RtWaitForMultipleObjects} over the real mmap backend: wait-any and wait-all over events, mutexes and
 * semaphores, {@code WAIT_OBJECT_0 + n} and {@code WAIT_ABANDONED_0 + n}, the {@code nCount} limits, bad handles, and
 * {@link Thread#interrupt()}.
 */
class RtxWaitMultipleTest {

    @RegisterExtension
    final RtxFixture store = new RtxFixture();
    private final RtxPersonality rtss = store.rtss();
    private final RtxPersonality windows = store.windows();

    @BeforeEach
    void mmapOnly() {
        Assumptions.assumeTrue(System.getProperty(BackendUnderTest.PROPERTY, "").isBlank(),
                "the vendor backends refuse waits on several objects (shm.backend.waitMultiple=false)");
    }

    @Test
    void aWaitThatSucceedsOrTimesOutLeavesTheLastErrorAsItWas() {
        long event = rtss.RtCreateEvent(false, false, "ev").handle();
        long semaphore = rtss.RtCreateSemaphore(1, 4, "sem").handle();
        assertEquals(WAIT_FAILED, rtss.RtWaitForMultipleObjects(0, new long[0], false, 0));
        assertEquals(ERROR_INVALID_PARAMETER, rtss.RtGetLastError());
        assertEquals(WAIT_OBJECT_0 + 1, rtss.RtWaitForMultipleObjects(2, new long[] {event, semaphore}, false, 0));
        assertEquals(WAIT_TIMEOUT, rtss.RtWaitForMultipleObjects(2, new long[] {event, semaphore}, true, 0),
                "neither is signaled now");
        assertEquals(ERROR_INVALID_PARAMETER, rtss.RtGetLastError(), "Win32: successes leave GetLastError alone (R54)");
    }

    @Test
    void waitAnyAnswersWaitObject0PlusTheIndexOfTheSignaledObject() {
        long event = rtss.RtCreateEvent(false, false, "ev").handle();
        long semaphore = rtss.RtCreateSemaphore(0, 4, "sem").handle();
        long[] handles = {event, semaphore};
        assertEquals(WAIT_TIMEOUT, rtss.RtWaitForMultipleObjects(2, handles, false, 0));
        long there = windows.RtOpenSemaphore(0, false, "sem").handle();
        assertTrue(windows.RtReleaseSemaphore(there, 1, null));
        assertEquals(WAIT_OBJECT_0 + 1, rtss.RtWaitForMultipleObjects(2, handles, false, INFINITE));
        assertEquals(WAIT_TIMEOUT, rtss.RtWaitForMultipleObjects(2, handles, false, 20), "the unit was taken");
        assertTrue(rtss.RtSetEvent(event));
        assertTrue(windows.RtReleaseSemaphore(there, 1, null));
        assertEquals(WAIT_OBJECT_0, rtss.RtWaitForMultipleObjects(2, handles, false, 0), "the lowest index first");
        assertEquals(WAIT_OBJECT_0 + 1, rtss.RtWaitForMultipleObjects(2, handles, false, 0));
    }

    @Test
    void waitAllTakesEveryObjectOnlyWhenAllAreSignaled() throws Exception {
        long mutex = rtss.RtCreateMutex(false, "mx").handle();
        long event = rtss.RtCreateEvent(true, false, "go").handle();
        long semaphore = rtss.RtCreateSemaphore(1, 1, "slot").handle();
        long[] handles = {mutex, event, semaphore};
        int[] seen = new int[1];
        Thread waiter = Thread.ofPlatform().start(() -> seen[0] = rtss.RtWaitForMultipleObjects(3, handles, true,
                INFINITE));
        long slotThere = windows.RtOpenSemaphore(0, false, "slot").handle();
        Thread.sleep(50);
        assertEquals(WAIT_OBJECT_0, windows.RtWaitForSingleObject(slotThere, 0),
                "the waiting wait-all holds no unit of the semaphore");
        long goThere = windows.RtOpenEvent(0, false, "go").handle();
        assertTrue(windows.RtSetEvent(goThere));
        Thread.sleep(50);
        assertTrue(waiter.isAlive(), "the semaphore is still missing");
        assertTrue(windows.RtReleaseSemaphore(slotThere, 1, null));
        assertTrue(waiter.join(Duration.ofSeconds(30)));
        assertEquals(WAIT_OBJECT_0, seen[0]);
        long mutexThere = windows.RtOpenMutex(0, false, "mx").handle();
        assertEquals(WAIT_TIMEOUT, windows.RtWaitForSingleObject(slotThere, 0), "the wait-all took the semaphore's unit");
        assertEquals(WAIT_ABANDONED, windows.RtWaitForSingleObject(mutexThere, 10_000),
                "and the mutex, which its thread, now ended, still owned");
        assertTrue(windows.RtReleaseMutex(mutexThere));
    }

    @Test
    void aMutexWhoseOwningThreadEndedAnswersWaitAbandoned0PlusItsIndex() throws Exception {
        long mutex = rtss.RtCreateMutex(false, "mx").handle();
        Thread owner = Thread.ofPlatform().start(() -> rtss.RtWaitForSingleObject(mutex, 0));
        assertTrue(owner.join(Duration.ofSeconds(30)));
        long event = windows.RtCreateEvent(true, false, "never").handle();
        long there = windows.RtOpenMutex(0, false, "mx").handle();
        assertEquals(WAIT_ABANDONED_0 + 1, windows.RtWaitForMultipleObjects(2, new long[] {event, there}, false,
                INFINITE));
        assertTrue(windows.RtReleaseMutex(there));
        assertEquals(WAIT_OBJECT_0, windows.RtWaitForSingleObject(there, 0), "released normally afterwards");
        assertTrue(windows.RtReleaseMutex(there));
    }

    @Test
    void countsOutOfRangeAndBadHandlesFailWithTheWin32Codes() {
        long event = rtss.RtCreateEvent(true, true, "ev").handle();
        assertEquals(WAIT_FAILED, rtss.RtWaitForMultipleObjects(0, new long[] {event}, false, 0));
        assertEquals(ERROR_INVALID_PARAMETER, rtss.RtGetLastError());
        long[] many = new long[MAXIMUM_WAIT_OBJECTS + 1];
        java.util.Arrays.fill(many, event);
        assertEquals(WAIT_FAILED, rtss.RtWaitForMultipleObjects(MAXIMUM_WAIT_OBJECTS + 1, many, false, 0));
        assertEquals(ERROR_INVALID_PARAMETER, rtss.RtGetLastError());
        assertEquals(WAIT_OBJECT_0, rtss.RtWaitForMultipleObjects(MAXIMUM_WAIT_OBJECTS, many, false, 0),
                "64 handles are allowed");
        assertEquals(WAIT_FAILED, rtss.RtWaitForMultipleObjects(2, new long[] {event}, false, 0));
        assertEquals(ERROR_INVALID_PARAMETER, rtss.RtGetLastError(), "fewer handles than nCount");
        long memory = rtss.RtCreateSharedMemory(0, 0, 64, "mem").handle();
        assertEquals(WAIT_FAILED, rtss.RtWaitForMultipleObjects(2, new long[] {event, memory}, false, 0));
        assertEquals(ERROR_INVALID_HANDLE, rtss.RtGetLastError());
        assertEquals(WAIT_FAILED, rtss.RtWaitForMultipleObjects(2, new long[] {event, 0x7777}, false, 0));
        assertEquals(ERROR_INVALID_HANDLE, rtss.RtGetLastError());
        long second = rtss.RtOpenEvent(0, false, "ev").handle();
        assertEquals(WAIT_FAILED, rtss.RtWaitForMultipleObjects(2, new long[] {event, second}, true, 0));
        assertEquals(ERROR_INVALID_PARAMETER, rtss.RtGetLastError(), "one object twice in a wait-all");
        assertEquals(WAIT_OBJECT_0, rtss.RtWaitForMultipleObjects(2, new long[] {event, second}, false, 0),
                "wait-any takes it");
    }

    @Test
    void anInterruptEndsTheWaitWithWaitFailedAndOperationAborted() throws Exception {
        long event = rtss.RtCreateEvent(false, false, "ev").handle();
        long semaphore = rtss.RtCreateSemaphore(0, 1, "sem").handle();
        int[] seen = new int[3];
        Thread waiter = Thread.ofPlatform().start(() -> {
            seen[0] = rtss.RtWaitForMultipleObjects(2, new long[] {event, semaphore}, false, INFINITE);
            seen[1] = rtss.RtGetLastError();
            seen[2] = Thread.currentThread().isInterrupted() ? 1 : 0;
        });
        Thread.sleep(100); // asleep by then, most likely; an interrupt before the wait gives the same answer
        waiter.interrupt();
        assertTrue(waiter.join(Duration.ofSeconds(30)));
        assertEquals(WAIT_FAILED, seen[0]);
        assertEquals(ERROR_OPERATION_ABORTED, seen[1]);
        assertEquals(1, seen[2], "the thread keeps its interrupt status");
    }
}
