package shm.personality.intime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static shm.api.intime.IntimeConstants.*;

import java.time.Duration;
import java.util.Arrays;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import shm.testkit.BackendUnderTest;

/**
 * iwin32 {@code WaitForMultipleObjects} / {@code RtWaitForMultipleObjects} over the real mmap backend: wait-any and
 * wait-all, handle values of another INtime process, a handle closed during the wait, a mutex whose owning thread
 * ended, the {@code nCount} limits and interrupts.
 */
class Iwin32WaitMultipleTest {

    @RegisterExtension
    final IntimeFixture store = new IntimeFixture();
    private final IntimePersonality a = store.process();
    private final IntimePersonality b = store.process();

    @BeforeEach
    void mmapOnly() {
        Assumptions.assumeTrue(System.getProperty(BackendUnderTest.PROPERTY, "").isBlank(),
                "the vendor backends refuse waits on several objects (shm.backend.waitMultiple=false)");
    }

    @Test
    void waitAnyOverHandlesOfAnotherProcessTakesTheSignaledOne() {
        long event = a.RtCreateEvent(false, false, "ev").handle();
        long semaphore = a.RtCreateSemaphore(0, 2, "sem").handle();
        long[] handles = {event, semaphore};
        assertEquals(WAIT_TIMEOUT, b.WaitForMultipleObjects(2, handles, false, 10));
        assertTrue(a.RtReleaseSemaphore(semaphore, 1, null));
        assertEquals(WAIT_OBJECT_0 + 1, b.WaitForMultipleObjects(2, handles, false, INFINITE),
                "the handle values of process a work in process b");
        assertTrue(a.RtSetEvent(event));
        assertEquals(WAIT_OBJECT_0, b.RtWaitForMultipleObjects(2, handles, false, 0));
        assertEquals(WAIT_TIMEOUT, b.RtWaitForMultipleObjects(2, handles, false, 0), "the auto-reset event reset");
    }

    @Test
    void waitAllTakesAllOrNothing() throws Exception {
        long mutex = a.RtCreateMutex(false, "mx").handle();
        long semaphore = a.RtCreateSemaphore(1, 1, "sem").handle();
        long event = a.RtCreateEvent(false, false, "ev").handle();
        int[] seen = new int[1];
        Thread waiter = Thread.ofPlatform().start(() -> seen[0] = b.WaitForMultipleObjects(3,
                new long[] {mutex, semaphore, event}, true, INFINITE));
        Thread.sleep(50);
        assertEquals(WAIT_OBJECT_0, a.WaitForSingleObject(semaphore, 0), "nothing held while waiting for the event");
        assertTrue(a.RtSetEvent(event));
        Thread.sleep(50);
        assertTrue(waiter.isAlive());
        assertTrue(a.RtReleaseSemaphore(semaphore, 1, null));
        assertTrue(waiter.join(Duration.ofSeconds(30)));
        assertEquals(WAIT_OBJECT_0, seen[0]);
        assertEquals(WAIT_TIMEOUT, a.WaitForSingleObject(semaphore, 0), "the wait-all took the unit");
        assertEquals(WAIT_ABANDONED_0, a.WaitForSingleObject(mutex, 10_000),
                "and the mutex, which its thread, now ended, still owned");
        assertTrue(a.RtReleaseMutex(mutex));
        assertEquals(WAIT_TIMEOUT, a.WaitForSingleObject(event, 0));
    }

    @Test
    void aMutexWhoseOwningThreadEndedIsAbandonedWithItsIndex() throws Exception {
        long event = a.RtCreateEvent(true, false, "never").handle();
        long mutex = a.RtCreateMutex(false, "mx").handle();
        Thread owner = Thread.ofPlatform().start(() -> a.WaitForSingleObject(mutex, 0));
        assertTrue(owner.join(Duration.ofSeconds(30)));
        assertEquals(WAIT_ABANDONED_0 + 1, a.WaitForMultipleObjects(2, new long[] {event, mutex}, false, 5000));
        assertTrue(a.RtReleaseMutex(mutex));
    }

    @Test
    void aHandleClosedDuringTheWaitEndsItWithWaitAbandoned0PlusItsIndex() throws Exception {
        long event = a.RtCreateEvent(true, false, "ev").handle();
        long semaphore = a.RtCreateSemaphore(0, 1, "sem").handle();
        int[] seen = new int[1];
        Thread waiter = Thread.ofPlatform().start(() -> seen[0] = a.WaitForMultipleObjects(2,
                new long[] {event, semaphore}, false, INFINITE));
        Thread.sleep(50);
        assertTrue(b.CloseHandle(semaphore), "closed by another process: handles are system-wide");
        assertTrue(waiter.join(Duration.ofSeconds(30)));
        assertEquals(WAIT_ABANDONED_0 + 1, seen[0]);
    }

    @Test
    void countsOutOfRangeAndBadHandlesFail() {
        long event = a.RtCreateEvent(true, true, "ev").handle();
        long[] many = new long[MAXIMUM_WAIT_OBJECTS + 1];
        Arrays.fill(many, event);
        assertEquals(WAIT_FAILED, a.WaitForMultipleObjects(0, many, false, 0));
        assertEquals(ERROR_INVALID_PARAMETER, a.GetLastError());
        assertEquals(WAIT_FAILED, a.WaitForMultipleObjects(MAXIMUM_WAIT_OBJECTS + 1, many, false, 0));
        assertEquals(ERROR_INVALID_PARAMETER, a.GetLastError());
        assertEquals(WAIT_OBJECT_0, a.WaitForMultipleObjects(MAXIMUM_WAIT_OBJECTS, many, false, 0));
        assertEquals(WAIT_FAILED, a.WaitForMultipleObjects(2, many, true, 0));
        assertEquals(ERROR_INVALID_PARAMETER, a.GetLastError(), "one object twice in a wait-all");
        long memory = a.RtCreateSharedMemory(0, 0, 64, "mem").handle();
        assertEquals(WAIT_FAILED, a.WaitForMultipleObjects(2, new long[] {event, memory}, false, 0));
        assertEquals(ERROR_INVALID_HANDLE, a.GetLastError());
    }

    @Test
    void anInterruptEndsTheWaitWithWaitFailedAndOperationAborted() throws Exception {
        long event = a.RtCreateEvent(false, false, "ev").handle();
        long semaphore = a.RtCreateSemaphore(0, 1, "sem").handle();
        int[] seen = new int[3];
        Thread waiter = Thread.ofPlatform().start(() -> {
            seen[0] = a.WaitForMultipleObjects(2, new long[] {event, semaphore}, true, INFINITE);
            seen[1] = a.GetLastError();
            seen[2] = Thread.currentThread().isInterrupted() ? 1 : 0;
        });
        Thread.sleep(100);
        waiter.interrupt();
        assertTrue(waiter.join(Duration.ofSeconds(30)));
        assertEquals(WAIT_FAILED, seen[0]);
        assertEquals(ERROR_OPERATION_ABORTED, seen[1]);
        assertEquals(1, seen[2]);
    }
}
