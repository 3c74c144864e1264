package shm.provider.mmap.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a wait's {@link Deadline} answers: a test (zero) has nothing left from the start, a timeout too long to count
 * never passes, a finite one counts down to zero and stays there, and an interrupted thread has nothing left.
 */
class DeadlineTest {

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    @Test
    void aZeroTimeoutOnlyTests() {
        Deadline deadline = Deadline.after(Duration.ZERO);

        assertEquals(0, deadline.remainingNanos());
    }

    @Test
    void aTimeoutTooLongToCountNeverPasses() {
        Deadline deadline = Deadline.after(Duration.ofSeconds(Long.MAX_VALUE));

        assertEquals(Deadline.FOREVER, deadline.remainingNanos());
    }

    @Test
    void aFiniteTimeoutCountsDownToZeroAndStaysThere() throws InterruptedException {
        Duration timeout = Duration.ofMillis(20);
        Deadline deadline = Deadline.after(timeout);

        long first = deadline.remainingNanos();
        assertTrue(first > 0 && first <= timeout.toNanos(), "remaining at the start: " + first);
        Thread.sleep(timeout.toMillis() + 5);
        assertEquals(0, deadline.remainingNanos());
        assertEquals(0, deadline.remainingNanos());
    }

    @Test
    void anInterruptedThreadHasNothingLeftWhateverTheTimeout() {
        Deadline forever = Deadline.after(Duration.ofSeconds(Long.MAX_VALUE));
        Deadline finite = Deadline.after(Duration.ofHours(1));

        Thread.currentThread().interrupt();

        assertEquals(0, forever.remainingNanos());
        assertEquals(0, finite.remainingNanos());
        assertTrue(Thread.currentThread().isInterrupted(), "the interrupt status is kept");
    }

    @Test
    void aNegativeTimeoutIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Deadline.after(Duration.ofNanos(-1)));
    }
}
