package shm.personality.intime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static shm.api.intime.IntimeConstants.WAIT_ABANDONED_0;
import static shm.api.intime.IntimeConstants.WAIT_FAILED;
import static shm.api.intime.IntimeConstants.WAIT_OBJECT_0;
import static shm.api.intime.IntimeConstants.WAIT_TIMEOUT;

import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import shm.api.NamedEvent;
import shm.api.NamedMutex;
import shm.testkit.Await;

/**
 * {@link Iwin32Wait#poll}, the signalling loop's wait of 0 ms, on the backend's real objects: each answer
 * {@link Iwin32Wait#await} gives for a poll, and {@link Iwin32Wait#NOT_ANSWERED}, taking nothing, for an object closed
 * under it (which the full wait then sorts out as a move or a close).
 */
class Iwin32WaitTest {

    private final IntimeFixture fixture = new IntimeFixture();

    @AfterEach
    void close() throws java.io.IOException {
        fixture.close();
    }

    @Test
    void aPollTakesTheSignalOrTimesOutAsTheWaitDoes() {
        try (NamedEvent event = fixture.backend.createOrOpenEvent("poll", false, true)) {
            NamedEvent target = event;
            assertEquals(WAIT_OBJECT_0, Iwin32Wait.poll(target), "signaled");
            assertEquals(WAIT_TIMEOUT, Iwin32Wait.poll(target), "the auto-reset event was taken by the first poll");
            event.set();
            assertEquals(WAIT_OBJECT_0, Iwin32Wait.poll(target));
        }
    }

    @Test
    void anInterruptedThreadsPollOfAnUnsignaledEventFailsAndKeepsItsStatus() {
        try (NamedEvent event = fixture.backend.createOrOpenEvent("interrupted-poll", false, false)) {
            Thread.currentThread().interrupt();
            try {
                assertEquals(WAIT_FAILED, Iwin32Wait.poll(event));
                assertTrue(Thread.currentThread().isInterrupted(), "the thread keeps its interrupt status");
            } finally {
                Thread.interrupted();
            }
        }
    }

    @Test
    void aPollOfAMutexWhoseOwnerEndedAnswersAbandoned() throws InterruptedException {
        AtomicReference<NamedMutex> created = new AtomicReference<>();
        Thread owner = Thread.ofPlatform().start(() -> created.set(
                fixture.backend.createOrOpenMutex("abandoned-poll", true)));
        owner.join();
        try (NamedMutex mutex = created.get()) {
            // the owner's end shows once its thread has left the kernel too; until then a poll times out, taking
            // nothing
            int[] answer = new int[1];
            Await.until("a poll sees that the owner ended", () -> (answer[0] = Iwin32Wait.poll(mutex))
                    != WAIT_TIMEOUT);
            assertEquals(WAIT_ABANDONED_0, answer[0], "its owner ended holding it");
            mutex.release();
        }
    }

    @Test
    void aPollOfAClosedObjectIsNotAnsweredAndTakesNothing() {
        try (NamedEvent kept = fixture.backend.createOrOpenEvent("closed-poll", false, true)) {
            NamedEvent closed = fixture.backend.createOrOpenEvent("closed-poll", false, false);
            closed.close();
            assertEquals(Iwin32Wait.NOT_ANSWERED, Iwin32Wait.poll(closed));
            assertEquals(WAIT_OBJECT_0, Iwin32Wait.poll(kept), "the signal is still there");
        }
    }
}
