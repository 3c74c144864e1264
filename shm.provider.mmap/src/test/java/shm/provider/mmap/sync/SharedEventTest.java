package shm.provider.mmap.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

/** Event semantics with threads of one process (the cross-process cases are in {@link CrossProcessSyncTest}). */
class SharedEventTest {

    private static final Duration LONG = Duration.ofSeconds(30);
    private static final Duration SHORT = Duration.ofMillis(30);

    @RegisterExtension
    final SharedFile file = SharedFile.create();
    @RegisterExtension
    final Waiters<WaitResult> waiters = new Waiters<>();

    private List<Future<WaitResult>> waiting(SharedEvent event, int count) {
        List<Future<WaitResult>> futures = IntStream.range(0, count)
                .mapToObj(i -> waiters.start(() -> event.await(LONG))).toList();
        Await.until(count + " waits registered", () -> event.waitingNow() == count);
        return futures;
    }

    @Test
    void autoResetSetWithoutWaiterStaysSignaledForExactlyOneWait() {
        SharedEvent event = file.event(false, false);
        assertFalse(event.manualReset());
        event.set();
        event.set();
        assertTrue(event.isSignaled());
        assertEquals(WaitResult.SIGNALED, event.await(Duration.ZERO));
        assertFalse(event.isSignaled());
        assertEquals(WaitResult.TIMEOUT, event.await(Duration.ZERO));
    }

    @Test
    void autoResetEverySetReleasesOneOfTheWaitsPresent() {
        SharedEvent event = file.event(false, false);
        List<Future<WaitResult>> three = waiting(event, 3);
        event.set();
        Await.until("one wait released", () -> event.waitingNow() == 2);
        awaitAnswers(three, 1);
        assertEquals(1, waiters.answered(), "exactly one released");
        event.set();
        event.set();
        for (Future<WaitResult> f : three) {
            assertEquals(WaitResult.SIGNALED, Waiters.answer(f));
        }
        assertFalse(event.isSignaled(), "three sets, three waits: nothing left");
        assertEquals(WaitResult.TIMEOUT, event.await(Duration.ZERO));
    }

    /** Waits until at least {@code expected} of the futures are done. */
    private static void awaitAnswers(List<Future<WaitResult>> futures, int expected) {
        Await.until(expected + " answers", () -> futures.stream().filter(Future::isDone).count() >= expected);
    }

    @Test
    void autoResetWaitThatTimesOutLeavesNoRegistrationBehind() {
        SharedEvent event = file.event(false, false);
        assertEquals(WaitResult.TIMEOUT, event.await(SHORT));
        assertEquals(0, event.waitingNow());
        event.set();
        assertTrue(event.isSignaled(), "no phantom wait took the set");
        assertEquals(WaitResult.SIGNALED, event.await(SHORT));
    }

    @Test
    void manualResetReleasesEveryWaitAndStaysSignaledUntilReset() {
        SharedEvent event = file.event(true, false);
        assertTrue(event.manualReset());
        List<Future<WaitResult>> three = waiting(event, 3);
        event.set();
        for (Future<WaitResult> f : three) {
            assertEquals(WaitResult.SIGNALED, Waiters.answer(f));
        }
        assertEquals(WaitResult.SIGNALED, event.await(Duration.ZERO));
        assertEquals(WaitResult.SIGNALED, event.await(SHORT));
        event.reset();
        assertFalse(event.isSignaled());
        assertEquals(WaitResult.TIMEOUT, event.await(SHORT));
    }

    @Test
    void manualResetSetAtOnceFollowedByResetStillReleasesTheWaitsPresent() {
        SharedEvent event = file.event(true, false);
        List<Future<WaitResult>> two = waiting(event, 2);
        event.set();
        event.reset();
        for (Future<WaitResult> f : two) {
            assertEquals(WaitResult.SIGNALED, Waiters.answer(f));
        }
        assertEquals(WaitResult.TIMEOUT, event.await(Duration.ZERO));
    }

    @Test
    void initiallySignaledEvents() {
        SharedEvent manual = file.event(true, true);
        assertEquals(WaitResult.SIGNALED, manual.await(Duration.ZERO));
        assertEquals(WaitResult.SIGNALED, manual.await(Duration.ZERO));
    }

    @Test
    void manualPulseReleasesTheWaitsPresentAndLeavesTheEventNonSignaled() {
        SharedEvent event = file.event(true, false);
        List<Future<WaitResult>> two = waiting(event, 2);
        event.pulse();
        for (Future<WaitResult> f : two) {
            assertEquals(WaitResult.SIGNALED, Waiters.answer(f));
        }
        assertFalse(event.isSignaled());
        assertEquals(WaitResult.TIMEOUT, event.await(SHORT), "a wait after the pulse is not released");
    }

    @Test
    void autoPulseReleasesOneWaitAndLeavesTheEventNonSignaled() {
        SharedEvent event = file.event(false, false);
        List<Future<WaitResult>> two = waiting(event, 2);
        event.pulse();
        Await.until("one wait released", () -> event.waitingNow() == 1);
        awaitAnswers(two, 1);
        assertEquals(1, waiters.answered(), "exactly one released");
        assertFalse(event.isSignaled());
        event.pulse();
        for (Future<WaitResult> f : two) {
            assertEquals(WaitResult.SIGNALED, Waiters.answer(f));
        }
        assertFalse(event.isSignaled());
    }

    @Test
    void pulseWithoutWaitersOnlyResets() {
        for (boolean manual : new boolean[] {true, false}) {
            SharedFile other = SharedFile.create();
            try (other) {
                SharedEvent.initialize(other.segment(), manual, true);
                SharedEvent event = new SharedEvent(other.segment(), file.futex());
                event.pulse();
                assertFalse(event.isSignaled(), manual ? "manual" : "auto");
                event.pulse();
                assertEquals(WaitResult.TIMEOUT, event.await(Duration.ZERO));
            }
        }
    }

    @Test
    void timeoutsAreChecked() {
        SharedEvent event = file.event(false, false);
        assertThrows(IllegalArgumentException.class, () -> event.await(Duration.ofMillis(-1)));
        assertThrows(NullPointerException.class, () -> event.await(null));
        assertEquals(WaitResult.TIMEOUT, event.await(Duration.ofNanos(1)));
    }

    @Test
    void aWaitForeverIsReleasedBySet() {
        SharedEvent event = file.event(false, false);
        Future<WaitResult> forever = waiters.start(() -> event.await(Duration.ofSeconds(Long.MAX_VALUE)));
        Await.until("the wait registered", () -> event.waitingNow() == 1);
        event.set();
        assertEquals(WaitResult.SIGNALED, Waiters.answer(forever));
    }
}
