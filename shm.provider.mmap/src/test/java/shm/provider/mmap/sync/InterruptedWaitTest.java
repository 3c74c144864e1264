package shm.provider.mmap.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import shm.api.WaitResult;
import shm.testkit.Await;

/**
 * {@link Thread#interrupt()} ends a wait that sleeps in the kernel (issue 15): the futex sleep is a
 * {@code futex_waitv} on the object's word and an interrupt word, so an interrupt wakes it although the wait has no
 * timeout; the primitives answer as a time-out would (deregistered, nothing consumed) and the thread keeps its
 * interrupt status. Without the interrupt word these tests would hang until their deadline and fail.
 */
class InterruptedWaitTest {

    private static final Duration FOREVER = Duration.ofDays(365);

    private final Futex futex = new Futex();
    private final SharedFile file = SharedFile.create();

    @AfterEach
    void close() {
        file.close();
    }

    /** What a wait on its own thread answered, and whether that thread was still interrupted afterwards. */
    private record Outcome<T>(T answer, boolean interrupted) {
    }

    /** Starts {@code wait} on a thread of its own; {@code interrupt} interrupts it. */
    private static final class Waiter<T> {
        final CompletableFuture<Outcome<T>> outcome = new CompletableFuture<>();
        final Thread thread;

        Waiter(Supplier<T> wait) {
            thread = Thread.ofPlatform().daemon().start(() -> {
                try {
                    T answer = wait.get();
                    outcome.complete(new Outcome<>(answer, Thread.currentThread().isInterrupted()));
                } catch (Throwable t) {
                    outcome.completeExceptionally(t);
                }
            });
        }

        Outcome<T> interruptAndGet() throws Exception {
            thread.interrupt();
            return outcome.get(Await.DEADLINE.toSeconds(), TimeUnit.SECONDS);
        }
    }

    @Test
    void aFutexWaitWithoutTimeoutEndsOnInterrupt() throws Exception {
        Waiter<Futex.Wake> waiter = new Waiter<>(() -> futex.await(file.slot(0), 0, 0, Futex.FOREVER));
        Thread.sleep(50); // let it reach the kernel; an earlier interrupt ends it the same way
        Outcome<Futex.Wake> outcome = waiter.interruptAndGet();
        assertEquals(Futex.Wake.INTERRUPTED, outcome.answer());
        assertTrue(outcome.interrupted(), "the thread keeps its interrupt status");
    }

    @Test
    void oneThreadSleepsAgainAndAgainAndAnInterruptEndsOnlyTheSleepItCameFor() throws Exception {
        MemorySegment word = file.slot(0);
        BlockingQueue<String> steps = new LinkedBlockingQueue<>();
        Waiter<List<Futex.Wake>> waiter = new Waiter<>(() -> {
            List<Futex.Wake> answers = new ArrayList<>();
            steps.add("woken");
            answers.add(futex.await(word, 0, 0, Futex.FOREVER));
            steps.add("interrupted");
            answers.add(futex.await(word, 0, 1, Futex.FOREVER));
            Thread.interrupted();
            // The interrupt closed the thread's interrupt word; a sleep after it must not see that word set.
            answers.add(futex.await(word, 0, 1, TimeUnit.MILLISECONDS.toNanos(100)));
            steps.add("interrupted again");
            answers.add(futex.await(word, 0, 1, Futex.FOREVER));
            return answers;
        });
        assertEquals("woken", steps.poll(Await.DEADLINE.toSeconds(), TimeUnit.SECONDS));
        Words.setInt(word, 0, 1);
        futex.wake(word, 0, 1);
        assertEquals("interrupted", steps.poll(Await.DEADLINE.toSeconds(), TimeUnit.SECONDS));
        waiter.thread.interrupt();
        assertEquals("interrupted again", steps.poll(Await.DEADLINE.toSeconds(), TimeUnit.SECONDS));
        Outcome<List<Futex.Wake>> outcome = waiter.interruptAndGet();
        List<Futex.Wake> answers = outcome.answer();
        assertTrue(Set.of(Futex.Wake.WOKEN, Futex.Wake.VALUE_CHANGED).contains(answers.get(0)), answers.toString());
        assertEquals(List.of(Futex.Wake.INTERRUPTED, Futex.Wake.TIMED_OUT, Futex.Wake.INTERRUPTED),
                answers.subList(1, 4));
        assertTrue(outcome.interrupted());
    }

    @Test
    void anInterruptedAutoResetWaitDeregistersAndTheNextSetIsKept() throws Exception {
        SharedEvent.initialize(file.slot(0), false, false);
        SharedEvent event = new SharedEvent(file.slot(0), futex);
        Waiter<WaitResult> waiter = new Waiter<>(() -> event.await(FOREVER));
        Await.until("the wait registered", () -> event.waitingNow() == 1);
        Outcome<WaitResult> outcome = waiter.interruptAndGet();
        assertEquals(WaitResult.TIMEOUT, outcome.answer());
        assertTrue(outcome.interrupted());
        assertEquals(0, event.waitingNow(), "deregistered");
        event.set();
        assertEquals(WaitResult.SIGNALED, event.await(Duration.ZERO), "the set went to the next wait");
    }

    @Test
    void anInterruptedManualResetWaitEnds() throws Exception {
        SharedEvent.initialize(file.slot(0), true, false);
        SharedEvent event = new SharedEvent(file.slot(0), futex);
        Waiter<WaitResult> waiter = new Waiter<>(() -> event.await(FOREVER));
        Await.until("the wait registered", () -> event.waitingNow() == 1);
        assertEquals(WaitResult.TIMEOUT, waiter.interruptAndGet().answer());
        assertEquals(0, event.waitingNow());
    }

    @Test
    void anInterruptedSemaphoreWaitTakesNothing() throws Exception {
        SharedSemaphore.initialize(file.slot(0), 0, 1);
        SharedSemaphore semaphore = new SharedSemaphore(file.slot(0), futex);
        Waiter<WaitResult> waiter = new Waiter<>(() -> semaphore.acquire(FOREVER));
        Thread.sleep(50);
        assertEquals(WaitResult.TIMEOUT, waiter.interruptAndGet().answer());
        semaphore.release(1);
        assertEquals(WaitResult.SIGNALED, semaphore.acquire(Duration.ZERO), "the count was not taken");
    }

    @Test
    void anInterruptedMutexWaitLeavesTheMutexToItsOwner() throws Exception {
        SharedMutex.initialize(file.slot(0));
        SharedMutex mutex = new SharedMutex(file.slot(0), futex);
        assertEquals(WaitResult.SIGNALED, mutex.acquire(Duration.ZERO));
        Waiter<WaitResult> waiter = new Waiter<>(() -> mutex.acquire(FOREVER));
        Thread.sleep(50);
        assertEquals(WaitResult.TIMEOUT, waiter.interruptAndGet().answer());
        assertTrue(mutex.heldByCurrentThread(), "still this thread's");
        mutex.release();
    }

    @Test
    void anAlreadyInterruptedThreadStillTakesWhatIsThere() {
        SharedEvent.initialize(file.slot(0), false, true);
        SharedEvent event = new SharedEvent(file.slot(0), futex);
        Thread.currentThread().interrupt();
        try {
            assertEquals(WaitResult.SIGNALED, event.await(FOREVER), "signaled: no need to wait");
            assertEquals(WaitResult.TIMEOUT, event.await(FOREVER), "not signaled: ends at once");
            assertTrue(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
        }
    }
}
