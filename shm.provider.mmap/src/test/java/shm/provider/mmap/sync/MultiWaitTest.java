package shm.provider.mmap.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import shm.api.WaitResult;
import shm.provider.mmap.sync.MultiWait.Member;
import shm.provider.mmap.sync.MultiWait.Outcome;
import shm.testkit.Await;

/** Waits on several events, mutexes and semaphores: wait-any, wait-all without holding, wakes, interrupts. */
class MultiWaitTest {

    private static final Duration LONG = Duration.ofSeconds(30);
    private static final Duration SHORT = Duration.ofMillis(30);

    private final Futex futex = new Futex();
    @RegisterExtension
    final SharedFile file = SharedFile.create();
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private int nextSlot;

    @AfterEach
    void close() throws InterruptedException {
        pool.shutdownNow();
        assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
    }

    private MemorySegment slot() {
        return file.slot(64L * nextSlot++);
    }

    private SharedEvent event(boolean manual, boolean signaled) {
        MemorySegment block = slot();
        SharedEvent.initialize(block, manual, signaled);
        return new SharedEvent(block, futex);
    }

    private SharedMutex mutex() {
        MemorySegment block = slot();
        SharedMutex.initialize(block);
        return new SharedMutex(block, futex);
    }

    private SharedSemaphore semaphore(long count, long max) {
        MemorySegment block = slot();
        SharedSemaphore.initialize(block, count, max);
        return new SharedSemaphore(block, futex);
    }

    private Outcome await(boolean all, Duration timeout, Member... members) {
        return MultiWait.await(futex, List.of(members), all, timeout);
    }

    private static Member ev(SharedEvent e) {
        return new Member.Event(e);
    }

    private static Member mx(SharedMutex m) {
        return new Member.Mutex(m);
    }

    private static Member sm(SharedSemaphore s) {
        return new Member.Semaphore(s);
    }

    @Test
    void waitAnyTakesTheLowestIndexThatIsSignaled() {
        SharedEvent a = event(false, false);
        SharedSemaphore b = semaphore(1, 5);
        SharedEvent c = event(false, true);
        assertEquals(new Outcome(WaitResult.SIGNALED, 1), await(false, Duration.ZERO, ev(a), sm(b), ev(c)));
        assertEquals(0, b.count(), "the semaphore's unit was taken");
        assertTrue(c.isSignaled(), "the auto-reset event of a higher index stays signaled");
        assertEquals(new Outcome(WaitResult.SIGNALED, 2), await(false, Duration.ZERO, ev(a), sm(b), ev(c)));
        assertFalse(c.isSignaled(), "taken, it reset");
        assertEquals(new Outcome(WaitResult.TIMEOUT, -1), await(false, SHORT, ev(a), sm(b), ev(c)));
    }

    @Test
    void aSignalOfAnyObjectWakesTheSleepingWaitAtOnce() throws Exception {
        SharedEvent a = event(false, false);
        SharedMutex m = mutex();
        SharedSemaphore s = semaphore(0, 1);
        ExecutorService owner = Executors.newSingleThreadExecutor();
        assertEquals(WaitResult.SIGNALED, owner.submit(() -> m.acquire(Duration.ZERO)).get());
        Future<Outcome> waiting = pool.submit(() -> await(false, LONG, ev(a), mx(m), sm(s)));
        Await.until("the wait sleeps", () -> a.waitingNow() == 1);
        s.release(1);
        assertEquals(new Outcome(WaitResult.SIGNALED, 2), waiting.get(30, TimeUnit.SECONDS));
        assertEquals(0, a.waitingNow(), "deregistered from the event it did not take");

        Future<Outcome> second = pool.submit(() -> await(false, LONG, ev(a), sm(s)));
        Await.until("the second wait sleeps", () -> a.waitingNow() == 1);
        a.set();
        assertEquals(new Outcome(WaitResult.SIGNALED, 0), second.get(30, TimeUnit.SECONDS));
        assertFalse(a.isSignaled(), "the auto-reset event released exactly this wait");
        owner.submit(m::release).get();
        owner.shutdown();
    }

    @Test
    void aMutexReleasedByItsOwnerIsAcquiredByTheWait() throws Exception {
        SharedMutex m = mutex();
        SharedEvent never = event(true, false);
        ExecutorService owner = Executors.newSingleThreadExecutor();
        try {
            assertEquals(WaitResult.SIGNALED, owner.submit(() -> m.acquire(Duration.ZERO)).get());
            Future<Outcome> waiting = pool.submit(() -> {
                Outcome o = await(false, LONG, ev(never), mx(m));
                boolean mine = m.heldByCurrentThread();
                m.release();
                return mine ? o : null;
            });
            Await.until("the wait marks the mutex contended",
                    () -> (m.owner() & SharedMutex.WAITERS) != 0);
            owner.submit(m::release).get();
            assertEquals(new Outcome(WaitResult.SIGNALED, 1), waiting.get(30, TimeUnit.SECONDS));
        } finally {
            owner.shutdownNow();
        }
    }

    @Test
    void waitAllTakesNothingUntilEverythingIsAvailable() throws Exception {
        SharedSemaphore s = semaphore(1, 1);
        SharedEvent e = event(false, false);
        SharedMutex m = mutex();
        Future<Outcome> waiting = pool.submit(() -> {
            Outcome o = await(true, LONG, sm(s), ev(e), mx(m));
            m.release();
            return o;
        });
        Await.until("the wait-all sleeps", () -> e.waitingNow() == 1);
        assertEquals(1, s.count(), "wait-all holds no unit while it waits for the event");
        assertEquals(WaitResult.SIGNALED, s.acquire(Duration.ZERO), "another taker can have it meanwhile");
        e.set();
        Thread.sleep(50);
        assertFalse(waiting.isDone(), "the semaphore is missing now");
        assertFalse(e.isSignaled(), "the set was granted to the registered wait-all, which keeps it while it waits");
        s.release(1);
        assertEquals(new Outcome(WaitResult.SIGNALED, 0), waiting.get(30, TimeUnit.SECONDS));
        assertEquals(0, s.count());
        assertFalse(e.isSignaled());
    }

    @Test
    void waitAllThatTimesOutLeavesAnAutoResetEventSignaled() {
        SharedEvent e = event(false, false);
        SharedSemaphore empty = semaphore(0, 1);
        Thread setter = Thread.ofPlatform().start(() -> {
            Await.until("the wait registers", () -> e.waitingNow() == 1);
            e.set();
        });
        assertEquals(new Outcome(WaitResult.TIMEOUT, -1), await(true, Duration.ofMillis(300), ev(e), sm(empty)));
        assertTrue(assertJoined(setter));
        assertTrue(e.isSignaled(), "the grant no wait took became the signaled state again");
        assertEquals(0, e.waitingNow());
    }

    private static boolean assertJoined(Thread thread) {
        try {
            return thread.join(Duration.ofSeconds(30));
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void manyWaitAllRoundsAgainstSingleTakersLoseNothing() throws Exception {
        SharedSemaphore s = semaphore(1, 1);
        SharedMutex m = mutex();
        int rounds = 2000;
        long[] inside = new long[1];
        List<Future<Integer>> takers = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            takers.add(pool.submit(() -> {
                for (int i = 0; i < rounds; i++) {
                    Outcome o = await(true, LONG, sm(s), mx(m));
                    if (o.result() != WaitResult.SIGNALED) {
                        return i;
                    }
                    inside[0]++;
                    m.release();
                    s.release(1);
                }
                return rounds;
            }));
        }
        takers.add(pool.submit(() -> {
            for (int i = 0; i < rounds; i++) {
                if (m.acquire(LONG) != WaitResult.SIGNALED) {
                    return i;
                }
                inside[0]++;
                m.release();
            }
            return rounds;
        }));
        for (Future<Integer> taker : takers) {
            assertEquals(rounds, taker.get(60, TimeUnit.SECONDS));
        }
        assertEquals(3L * rounds, inside[0], "the mutex protected every increment");
        assertEquals(1, s.count());
        assertEquals(0, m.owner());
    }

    @Test
    void anAbandonedMutexIsReportedWithItsIndexAndGivenBackAbandonedWhenWaitAllCannotComplete() throws Exception {
        SharedMutex m = mutex();
        SharedSemaphore empty = semaphore(0, 1);
        Thread owner = Thread.ofPlatform().start(() -> m.acquire(Duration.ZERO));
        owner.join();
        Await.until("the owner's task is gone", () -> !SharedMutex.ownerAlive(m.owner()));
        assertEquals(new Outcome(WaitResult.TIMEOUT, -1), await(true, SHORT, mx(m), sm(empty)));
        empty.release(1);
        assertEquals(new Outcome(WaitResult.ABANDONED, 1), await(true, Duration.ZERO, sm(empty), mx(m)),
                "still abandoned after the failed wait-all gave it back");
        assertTrue(m.heldByCurrentThread());
        m.release();
    }

    @Test
    void anInterruptEndsTheWaitAsATimeoutWithTheStatusKept() throws Exception {
        SharedEvent a = event(true, false);
        MemorySegment semaphoreBlock = slot();
        SharedSemaphore.initialize(semaphoreBlock, 0, 1);
        SharedSemaphore s = new SharedSemaphore(semaphoreBlock, futex);
        Object[] seen = new Object[2];
        Thread waiter = Thread.ofPlatform().start(() -> {
            seen[0] = await(false, LONG, ev(a), sm(s));
            seen[1] = Thread.currentThread().isInterrupted();
        });
        Await.until("the wait sleeps", () -> a.waitingNow() == 1);
        long start = System.nanoTime();
        waiter.interrupt();
        assertTrue(waiter.join(Duration.ofSeconds(30)));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(20), "ended by the interrupt");
        assertEquals(new Outcome(WaitResult.TIMEOUT, -1), seen[0]);
        assertEquals(Boolean.TRUE, seen[1], "the thread keeps its interrupt status");
        assertEquals(0, a.waitingNow());
        assertEquals(0, Words.getInt(semaphoreBlock, SharedSemaphore.WAITERS_OFFSET));
    }

    @Test
    void badArgumentsAreRefused() {
        SharedEvent a = event(true, false);
        assertThrows(IllegalArgumentException.class, () -> MultiWait.await(futex, List.of(), false, SHORT));
        List<Member> tooMany = new ArrayList<>();
        for (int i = 0; i <= MultiWait.MAX_OBJECTS; i++) {
            tooMany.add(ev(a));
        }
        assertThrows(IllegalArgumentException.class, () -> MultiWait.await(futex, tooMany, false, SHORT));
        assertThrows(IllegalArgumentException.class, () -> await(false, Duration.ofMillis(-1), ev(a)));
    }
}
