package shm.provider.mmap.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import shm.api.WaitResult;
import shm.testkit.Await;

/** Semaphore semantics with threads of one process (the cross-process bound is in {@link CrossProcessSyncTest}). */
class SharedSemaphoreTest {

    private static final Duration LONG = Duration.ofSeconds(30);

    @RegisterExtension
    final SharedFile file = SharedFile.create();
    @RegisterExtension
    final Waiters<WaitResult> waiters = new Waiters<>();

    @Test
    void acquireTakesAUnitAndTimesOutAtZero() {
        SharedSemaphore s = file.semaphore(2, 5);
        assertEquals(5, s.maximumCount());
        assertEquals(WaitResult.SIGNALED, s.acquire(Duration.ZERO));
        assertEquals(WaitResult.SIGNALED, s.acquire(LONG));
        assertEquals(0, s.count());
        assertEquals(WaitResult.TIMEOUT, s.acquire(Duration.ZERO));
        assertEquals(WaitResult.TIMEOUT, s.acquire(Duration.ofMillis(30)));
        assertEquals(0, Words.getInt(file.slot(0), SharedSemaphore.WAITERS_OFFSET), "no waiter left behind");
    }

    @Test
    void releaseReturnsThePreviousCount() {
        SharedSemaphore s = file.semaphore(1, 5);
        assertEquals(1, s.release(3));
        assertEquals(4, s.release(1));
        assertEquals(5, s.count());
    }

    @Test
    void releaseRefusesBelowOneAndAboveTheMaximumWithoutChangingTheCount() {
        SharedSemaphore s = file.semaphore(3, 5);
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class, () -> s.release(0));
        assertTrue(zero.getMessage().contains("at least 1"), zero.getMessage());
        assertThrows(IllegalArgumentException.class, () -> s.release(-1));
        IllegalArgumentException over = assertThrows(IllegalArgumentException.class, () -> s.release(3));
        assertTrue(over.getMessage().contains("above its maximum 5"), over.getMessage());
        assertThrows(IllegalArgumentException.class, () -> s.release(Long.MAX_VALUE));
        assertEquals(3, s.count());
        assertEquals(3, s.release(2));
    }

    @Test
    void countsAreSixtyFourBit() {
        SharedSemaphore s = file.semaphore(Long.MAX_VALUE - 1, Long.MAX_VALUE);
        assertEquals(Long.MAX_VALUE - 1, s.release(1));
        assertEquals(WaitResult.SIGNALED, s.acquire(Duration.ZERO));
        assertEquals(Long.MAX_VALUE - 1, s.count());
    }

    @Test
    void initializeRefusesImpossibleCounts() {
        assertThrows(IllegalArgumentException.class, () -> SharedSemaphore.initialize(file.slot(0), 0, 0));
        assertThrows(IllegalArgumentException.class, () -> SharedSemaphore.initialize(file.slot(0), -1, 3));
        assertThrows(IllegalArgumentException.class, () -> SharedSemaphore.initialize(file.slot(0), 4, 3));
        assertEquals(0, Words.getInt(file.slot(0), 0), "nothing written");
    }

    @Test
    void aReleaseOfNWakesNBlockedAcquirers() {
        SharedSemaphore s = file.semaphore(0, 10);
        List<Future<WaitResult>> three = IntStream.range(0, 3).mapToObj(i -> waiters.start(() -> s.acquire(LONG)))
                .toList();
        Await.until("three acquirers wait",
                () -> Words.getInt(file.slot(0), SharedSemaphore.WAITERS_OFFSET) == 3);
        assertEquals(0, s.release(2));
        Await.until("two acquired", () -> waiters.answered() == 2);
        assertEquals(0, s.count());
        assertEquals(0, s.release(1));
        for (Future<WaitResult> f : three) {
            assertEquals(WaitResult.SIGNALED, Waiters.answer(f));
        }
        assertEquals(0, s.count());
    }
}
