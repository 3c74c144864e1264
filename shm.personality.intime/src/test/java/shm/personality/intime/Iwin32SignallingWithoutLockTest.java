package shm.personality.intime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static shm.api.intime.IntimeConstants.ERROR_INVALID_PARAMETER;
import static shm.api.intime.IntimeConstants.ERROR_NOT_OWNER;
import static shm.api.intime.IntimeConstants.ERROR_TOO_MANY_POSTS;
import static shm.api.intime.IntimeConstants.WAIT_OBJECT_0;
import static shm.api.intime.IntimeConstants.WAIT_TIMEOUT;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import shm.api.intime.Iwin32Result;
import shm.testkit.Await;
import shm.testkit.PausingBackend;

/**
 * The calls of a signalling loop on handles of the process's own that are known current run without the process's
 * lock (issue 14): an event's set, reset and pulse, a mutex's and a semaphore's release, and a wait of 0 ms, their
 * failures included, all answer while another thread of the process is stopped inside a call that holds the lock.
 * Before, {@code RtReleaseMutex} and {@code RtReleaseSemaphore} took the lock at every call, so a loop of releases
 * waited for whatever call of another thread held it.
 */
class Iwin32SignallingWithoutLockTest {

    private final IntimeFixture fixture = new IntimeFixture();
    /** The loop's thread: a mutex is released by the thread that owns it. */
    private final ExecutorService loop = Executors.newSingleThreadExecutor();

    @AfterEach
    void close() throws java.io.IOException {
        loop.shutdownNow();
        fixture.close();
    }

    @Test
    void theSignallingCallsOnCurrentHandlesAnswerWhileAnotherCallHoldsTheLock() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch goOn = new CountDownLatch(1);
        IntimePersonality process = fixture.track(new IntimePersonality(
                PausingBackend.pausingAt(fixture.backend, "openEvent", 1, inside, goOn), IntimeSettings.defaults()));
        long[] handles = onTheLoop(() -> {
            long event = process.RtCreateEvent(false, false, "loop.event").handle();
            long mutex = process.RtCreateMutex(true, "loop.mutex").handle();
            long semaphore = process.RtCreateSemaphore(0, 2, "loop.semaphore").handle();
            // one call on each handle under the lock, which finds every handle held and looks each up
            assertEquals(WAIT_TIMEOUT, process.WaitForSingleObject(event, 0));
            assertEquals(WAIT_OBJECT_0, process.WaitForSingleObject(mutex, 0), "the owner enters again");
            assertEquals(WAIT_TIMEOUT, process.WaitForSingleObject(semaphore, 0));
            return new long[] {event, mutex, semaphore};
        });

        Future<Iwin32Result> holdingTheLock = CompletableFuture.supplyAsync(
                () -> process.RtOpenEvent(0, false, "loop.event"));
        assertTrue(inside.await(Await.DEADLINE.toSeconds(), TimeUnit.SECONDS), "the open is inside the backend");
        try {
            List<Object> answers = onTheLoop(() -> signallingLoop(process, handles[0], handles[1], handles[2]));
            assertEquals(List.of(true, WAIT_OBJECT_0, true, true, WAIT_TIMEOUT,
                            true, true, false, ERROR_NOT_OWNER,
                            0L, 1L, -1L, ERROR_TOO_MANY_POSTS, -1L, ERROR_INVALID_PARAMETER, WAIT_OBJECT_0),
                    answers, "every call answered while the open held the lock");
            assertFalse(holdingTheLock.isDone(), "the open still holds the lock");
        } finally {
            goOn.countDown();
        }
        assertTrue(holdingTheLock.get(Await.DEADLINE.toSeconds(), TimeUnit.SECONDS).succeeded());
    }

    /**
     * Set, test, reset, pulse, test an event; release a mutex held twice, then once more; release a semaphore up to its
     * maximum, beyond it, by 0, and take it: each call's answer, and GetLastError after each failure.
     */
    private static List<Object> signallingLoop(IntimePersonality process, long event, long mutex, long semaphore) {
        List<Object> answers = new ArrayList<>();
        answers.add(process.RtSetEvent(event));
        answers.add(process.WaitForSingleObject(event, 0));
        answers.add(process.RtResetEvent(event));
        answers.add(process.RtPulseEvent(event));
        answers.add(process.WaitForSingleObject(event, 0));
        answers.add(process.RtReleaseMutex(mutex));
        answers.add(process.RtReleaseMutex(mutex));
        answers.add(process.RtReleaseMutex(mutex));
        answers.add(process.GetLastError());
        answers.add(process.RtReleaseSemaphore(semaphore, 1));
        answers.add(process.RtReleaseSemaphore(semaphore, 1));
        answers.add(process.RtReleaseSemaphore(semaphore, 1));
        answers.add(process.GetLastError());
        answers.add(process.RtReleaseSemaphore(semaphore, 0));
        answers.add(process.GetLastError());
        answers.add(process.WaitForSingleObject(semaphore, 0));
        return answers;
    }

    private <T> T onTheLoop(java.util.concurrent.Callable<T> call) throws Exception {
        return loop.submit(call).get(Await.DEADLINE.toSeconds(), TimeUnit.SECONDS);
    }
}
