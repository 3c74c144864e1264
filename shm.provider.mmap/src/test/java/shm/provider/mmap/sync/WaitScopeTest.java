package shm.provider.mmap.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import shm.api.WaitResult;
import shm.testkit.Await;

/**
 * The scopes a handle's close ends its waits through ({@link WaitScope}), on a primitive in a shared file: a close
 * ends a sleeping wait, which leaves the event's state as a time-out would; a closed scope refuses new waits; a close
 * waits for the waits in its scope only up to its bound; and a thread that waited keeps no binding alive.
 */
class WaitScopeTest {

    @RegisterExtension
    final SharedFile file = SharedFile.create();

    @Test
    void aCloseEndsASleepingWaitWhichLeavesNothingInTheEvent() throws Exception {
        SharedEvent.initialize(file.segment(), false, false);
        SharedEvent event = new SharedEvent(file.segment(), file.futex());
        WaitScope scope = file.futex().newScope();
        FutureTask<Throwable> waiting = new FutureTask<>(() -> {
            Waiter waiter = scope.enter();
            try {
                event.await(Duration.ofMinutes(10));
                return null;
            } catch (WaitCancelledException expected) {
                return expected;
            } finally {
                waiter.leave();
            }
        });
        Thread.ofPlatform().daemon().start(waiting);
        Await.until("the wait registered", () -> event.waitingNow() == 1);

        assertTrue(scope.close(WaitScope.CLOSE_BOUND_NANOS), "the wait left within the bound");

        assertTrue(waiting.get(Await.DEADLINE.toSeconds(), TimeUnit.SECONDS) instanceof WaitCancelledException);
        assertEquals(0, event.waitingNow(), "deregistered while the state was still mapped");
        assertThrows(WaitCancelledException.class, scope::enter, "a closed scope takes no new wait");
        scope.reopen();
        scope.enter().leave();
    }

    @Test
    void aCloseWaitsForAThreadInItsScopeOnlyUpToItsBound() throws Exception {
        WaitScope scope = file.futex().newScope();
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread stuck = Thread.ofPlatform().daemon().start(() -> {
            Waiter waiter = scope.enter();
            entered.countDown();
            try {
                release.await();   // in the scope, but not in a futex wait: a poke does not reach it
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                waiter.leave();
            }
        });
        assertTrue(entered.await(Await.DEADLINE.toSeconds(), TimeUnit.SECONDS));

        assertFalse(scope.close(TimeUnit.MILLISECONDS.toNanos(50)), "the thread did not leave within the bound");

        release.countDown();
        stuck.join(Await.DEADLINE);
        assertTrue(scope.close(WaitScope.CLOSE_BOUND_NANOS), "once it left, a close has nothing to wait for");
    }

    @Test
    void aThreadThatWaitedKeepsNoBindingAlive() {
        SharedEvent.initialize(file.segment(), false, false);
        WeakReference<Futex> binding = waitOnceThroughANewBinding();
        Await.until("the dropped binding is collected", () -> {
            System.gc();
            return binding.get() == null;
        });
    }

    /** Waits once (in a scope, so this thread gets its record) through a binding that only the result refers to. */
    private WeakReference<Futex> waitOnceThroughANewBinding() {
        Futex futex = new Futex();
        SharedEvent event = new SharedEvent(file.segment(), futex);
        Waiter waiter = futex.newScope().enter();
        try {
            assertEquals(WaitResult.TIMEOUT, event.await(Duration.ofMillis(30)));
        } finally {
            waiter.leave();
        }
        return new WeakReference<>(futex);
    }
}
