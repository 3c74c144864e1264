package shm.provider.mmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import shm.api.ErrorReason;
import shm.api.NamedEvent;
import shm.api.NamedMutex;
import shm.api.NamedSemaphore;
import shm.api.ObjectState;
import shm.api.ShmException;
import shm.api.WaitResult;
import shm.api.spi.MultipleWaitResult;
import shm.provider.mmap.sync.Futex;
import shm.testkit.Await;
import shm.testkit.StoreFixture;

/**
 * A handle of an event, mutex or semaphore closed while another thread waits through it: the wait ends at once with
 * CLOSED, and leaves nothing of itself in the object's state (an auto-reset event's registration would let a later
 * set be kept for a wait that is gone, so two sets would release two later waits instead of one).
 */
class ClosedUnderAWaitTest {

    private static final Duration LONG = Duration.ofMinutes(10);

    @RegisterExtension
    final StoreFixture<MmapBackend> store = MmapStores.fresh();
    private final MmapBackend backend = store.backend();
    /** The thread of each wait this test started. */
    private final Map<CompletableFuture<?>, Thread> waiters = new ConcurrentHashMap<>();

    @Test
    void anAutoResetWaitWhoseHandleIsClosedEndsAtOnceAndLeavesNoRegistration() {
        try (NamedEvent kept = backend.createOrOpenEvent("auto", false, false)) {
            NamedEvent closed = backend.openEvent("auto");
            CompletableFuture<WaitResult> wait = inAnotherThread(() -> closed.await(LONG));
            Await.until("the wait registered", () -> waitingOn("auto") == 1);

            closed.close();

            assertClosed(wait, "auto");
            assertEquals(0, waitingOn("auto"), "the wait deregistered before its mapping went");
            kept.set();
            kept.set();
            assertEquals(WaitResult.SIGNALED, kept.await(Duration.ZERO));
            assertEquals(WaitResult.TIMEOUT, kept.await(Duration.ZERO), "two sets with no wait keep one signal");
        }
    }

    @Test
    void aWaitOnSeveralObjectsEndsWhenOneOfItsHandlesIsClosedAndLeavesNoRegistration() {
        try (NamedEvent first = backend.createOrOpenEvent("first", false, false);
             NamedEvent keptSecond = backend.createOrOpenEvent("second", false, false)) {
            NamedEvent second = backend.openEvent("second");
            CompletableFuture<MultipleWaitResult> wait = inAnotherThread(
                    () -> backend.waitForMultipleObjects(List.of(first, second), false, LONG));
            Await.until("the wait registered with both", () -> waitingOn("first") == 1 && waitingOn("second") == 1);

            second.close();

            assertClosed(wait, "second");
            assertEquals(0, waitingOn("first"), "the wait left the event whose handle stays open");
            assertEquals(0, waitingOn("second"), "and the one whose handle was closed");
            keptSecond.set();
            keptSecond.set();
            assertEquals(WaitResult.SIGNALED, keptSecond.await(Duration.ZERO));
            assertEquals(WaitResult.TIMEOUT, keptSecond.await(Duration.ZERO));
        }
    }

    @Test
    void manualResetSemaphoreAndMutexWaitsEndWhenTheirHandleIsClosed() {
        try (NamedEvent manual = backend.createOrOpenEvent("manual", true, false);
             NamedSemaphore semaphore = backend.createOrOpenSemaphore("semaphore", 0, 1);
             NamedMutex owned = backend.createOrOpenMutex("mutex", true)) {
            NamedEvent manualWaiter = backend.openEvent("manual");
            NamedSemaphore semaphoreWaiter = backend.openSemaphore("semaphore");
            NamedMutex mutexWaiter = backend.openMutex("mutex");
            CompletableFuture<WaitResult> manualWait = inAnotherThread(() -> manualWaiter.await(LONG));
            CompletableFuture<WaitResult> semaphoreWait = inAnotherThread(() -> semaphoreWaiter.acquire(LONG));
            CompletableFuture<WaitResult> mutexWait = inAnotherThread(() -> mutexWaiter.acquire(LONG));
            Await.until("every wait is in its futex wait", () -> waitingOn("manual") == 1
                    && inFutexWait(semaphoreWait) && inFutexWait(mutexWait));

            manualWaiter.close();
            semaphoreWaiter.close();
            inAnotherThread(() -> {
                mutexWaiter.close();   // closed by a thread that owns nothing (a close releases the closer's hold)
                return null;
            }).join();

            assertClosed(manualWait, "manual");
            assertClosed(semaphoreWait, "semaphore");
            assertClosed(mutexWait, "mutex");
            assertEquals(0, waitingOn("manual"));
            assertTrue(owned.heldByCurrentThread(), "the owner through another handle still holds the mutex");
        }
    }

    @Test
    void closingTheBackendEndsTheWaitsMadeThroughIt() {
        try (MmapBackend other = new MmapBackend(MmapSettings.under(store.root()));
             NamedEvent kept = other.createOrOpenEvent("shut", false, false)) {
            NamedEvent event = backend.openEvent("shut");
            CompletableFuture<WaitResult> wait = inAnotherThread(() -> event.await(LONG));
            Await.until("the wait registered", () -> waitingOn(other, "shut") == 1);

            backend.close();

            assertClosed(wait, "shut");
            assertEquals(0, waitingOn(other, "shut"));
        }
    }

    private long waitingOn(String name) {
        return waitingOn(backend, name);
    }

    private static long waitingOn(MmapBackend backend, String name) {
        ObjectState state = backend.lookup(name).orElseThrow().objectState();
        return assertInstanceOf(ObjectState.Event.class, state).waiting();
    }

    private <T> CompletableFuture<T> inAnotherThread(Supplier<T> call) {
        CompletableFuture<T> answer = new CompletableFuture<>();
        Thread thread = Thread.ofPlatform().name("waiter").daemon().unstarted(() -> {
            try {
                answer.complete(call.get());
            } catch (RuntimeException | Error e) {
                answer.completeExceptionally(e);
            }
        });
        waiters.put(answer, thread);
        thread.start();
        return answer;
    }

    /** Whether the thread of {@code wait} is in a futex wait now (spinning or asleep in the kernel). */
    private boolean inFutexWait(CompletableFuture<?> wait) {
        for (StackTraceElement frame : waiters.get(wait).getStackTrace()) {
            if (frame.getClassName().equals(Futex.class.getName()) && frame.getMethodName().equals("await")) {
                return true;
            }
        }
        return false;
    }

    /** The wait answers within the deadline, with CLOSED naming the object. */
    private static void assertClosed(CompletableFuture<?> wait, String name) {
        try {
            Object answer = wait.get(Await.DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            fail("the wait on '" + name + "' answered " + answer + " instead of failing with CLOSED");
        } catch (ExecutionException e) {
            ShmException failure = assertInstanceOf(ShmException.class, e.getCause());
            assertEquals(ErrorReason.CLOSED, failure.reason(), failure.getMessage());
            assertEquals(name, failure.objectName().orElse(null), failure.getMessage());
        } catch (TimeoutException e) {
            fail("the wait on '" + name + "' did not end within " + Await.DEADLINE + " of its handle's close");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted");
        }
    }
}
