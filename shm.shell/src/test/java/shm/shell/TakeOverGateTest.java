package shm.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;

import shm.testkit.Await;

/** The order of a late take-over and the deactivation of the shell's commands (issue 10). */
class TakeOverGateTest {

    @Test
    void noTakeOverBeginsOnceTheDeactivationHas() {
        TakeOverGate gate = new TakeOverGate();
        assertEquals("collected", gate.close(() -> "collected"));
        assertTrue(gate.isClosed());
        assertFalse(gate.runUnlessClosed(() -> {
            throw new AssertionError("a take-over into a deactivated instance");
        }));
    }

    @Test
    void theDeactivationWaitsForATakeOverThatHasBegunAndCollectsWhatItTook() throws Exception {
        TakeOverGate gate = new TakeOverGate();
        List<String> order = new CopyOnWriteArrayList<>();
        CountDownLatch begun = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        Thread takeOver = Thread.ofPlatform().start(() -> gate.runUnlessClosed(() -> {
            begun.countDown();
            try {
                finish.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            order.add("took the handles over");
        }));
        begun.await();
        Thread deactivation = Thread.ofPlatform().start(() -> gate.close(() -> order.add("collected the handles")));
        Await.until("the deactivation waits for the take-over", () -> deactivation.getState() == Thread.State.BLOCKED);
        finish.countDown();
        takeOver.join();
        deactivation.join();
        assertEquals(List.of("took the handles over", "collected the handles"), order);
    }
}
