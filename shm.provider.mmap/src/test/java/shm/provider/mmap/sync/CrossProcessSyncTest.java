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

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import shm.api.WaitResult;
import shm.testkit.Await;

/**
 * The primitives across real processes: child JVMs ({@link SyncChild}) map the same file on {@code /dev/shm} as
 * this JVM and wait, signal, lock and count through it.
 */
class CrossProcessSyncTest {

    private static final Duration LONG = Duration.ofSeconds(30);
    private static final long A = 0;
    private static final long B = 64;
    private static final long GO = 128;
    private static final long COUNTER = 1024;
    private static final long ACTIVE = 1032;
    private static final long PEAK = 1040;

    private final Futex futex = new Futex();
    @RegisterExtension
    final SharedFile file = SharedFile.create();
    private final MemorySegment memory = file.segment();
    private final List<SyncChildJvm> children = new ArrayList<>();
    private final ExecutorService owner = Executors.newSingleThreadExecutor();

    @AfterEach
    void close() {
        owner.shutdownNow();
        children.forEach(SyncChildJvm::close);
    }

    /** A child process that has been asked to wait on the event in {@code slot} for up to 30 s. */
    private SyncChildJvm childWaitingOn(long slot) {
        SyncChildJvm child = child();
        child.post("event-await " + slot + " 30000");
        return child;
    }

    private SyncChildJvm child() {
        SyncChildJvm child = SyncChildJvm.start(file.path());
        children.add(child);
        return child;
    }

    private SharedEvent event(long offset, boolean manualReset) {
        SharedEvent.initialize(file.slot(offset), manualReset, false);
        return new SharedEvent(file.slot(offset), futex);
    }

    private SharedMutex mutex(long offset) {
        SharedMutex.initialize(file.slot(offset));
        return new SharedMutex(file.slot(offset), futex);
    }

    @Test
    void pingPongThroughTwoEvents() {
        SharedEvent ping = event(A, false);
        SharedEvent pong = event(B, false);
        SyncChildJvm child = child();
        int rounds = 2000;
        child.post("pong " + A + " " + B + " " + rounds);
        int roundTrips = 0;
        for (int i = 0; i < rounds; i++) {
            ping.set();
            assertEquals(WaitResult.SIGNALED, pong.await(LONG), "round " + i);
            roundTrips++;
        }
        assertEquals("OK " + rounds, child.nextLine());
        assertEquals(rounds, roundTrips);
        assertFalse(ping.isSignaled());
        assertFalse(pong.isSignaled());
    }

    @Test
    void aCounterIncrementedUnderTheMutexBySeveralProcessesLosesNoUpdate() {
        SharedEvent go = event(GO, true);
        mutex(A);
        int processes = 3;
        int increments = 3000;
        for (int i = 0; i < processes; i++) {
            child().post("count " + GO + " " + A + " " + COUNTER + " " + increments);
        }
        go.set();
        for (SyncChildJvm child : children) {
            assertEquals("OK", child.nextLine());
        }
        assertEquals((long) processes * increments, Words.getLong(memory, COUNTER));
        assertEquals(0, Words.getLong(memory, A + SharedMutex.OWNER_OFFSET), "free at the end");
    }

    @Test
    void aSemaphoreBoundsHowManyProcessesHoldItAtOnce() {
        SharedEvent go = event(GO, true);
        SharedSemaphore.initialize(file.slot(A), 2, 2);
        SharedSemaphore semaphore = new SharedSemaphore(file.slot(A), futex);
        int processes = 4;
        for (int i = 0; i < processes; i++) {
            child().post("bounded " + GO + " " + A + " " + ACTIVE + " " + PEAK + " 500");
        }
        go.set();
        for (SyncChildJvm child : children) {
            assertEquals("OK", child.nextLine());
        }
        long peak = Words.getLong(memory, PEAK);
        assertTrue(peak >= 1 && peak <= 2, "at most 2 holders at once, saw " + peak);
        assertEquals(0, Words.getLong(memory, ACTIVE));
        assertEquals(2, semaphore.count(), "every unit came back");
    }

    @Test
    void aKilledOwnerLeavesTheMutexAbandonedToTheSurvivor() {
        SharedMutex mutex = mutex(A);
        SyncChildJvm holder = child();
        assertEquals("SIGNALED", holder.send("mutex-acquire " + A + " 0"));
        assertEquals(WaitResult.TIMEOUT, mutex.acquire(Duration.ZERO), "the owner lives");
        holder.kill();
        assertEquals(WaitResult.ABANDONED, mutex.acquire(LONG));
        assertTrue(mutex.heldByCurrentThread(), "the survivor owns it");
        mutex.release();
        assertEquals(WaitResult.SIGNALED, mutex.acquire(Duration.ZERO), "a normal mutex again");
        mutex.release();
    }

    @Test
    void aSurvivorAlreadyWaitingWhenTheOwnerIsKilledGetsAbandoned() {
        SharedMutex mutex = mutex(A);
        SyncChildJvm holder = child();
        assertEquals("SIGNALED", holder.send("mutex-acquire " + A + " 0"));
        Future<WaitResult> waiting = owner.submit(() -> mutex.acquire(LONG));
        Await.until("the survivor sleeps on the mutex",
                () -> (Words.getLong(memory, A + SharedMutex.OWNER_OFFSET) & SharedMutex.WAITERS) != 0);
        holder.kill();
        assertEquals(WaitResult.ABANDONED, Waiters.answer(waiting));
        assertEquals(Boolean.TRUE, Waiters.answer(owner.submit(mutex::heldByCurrentThread)));
        Waiters.answer(owner.submit(() -> {
            mutex.release();
            return null;
        }));
        assertEquals(WaitResult.SIGNALED, mutex.acquire(Duration.ZERO));
        mutex.release();
    }

    @Test
    void aReleaseWakesAWaiterInAnotherProcess() {
        SharedMutex mutex = mutex(A);
        SyncChildJvm child = child();
        assertEquals(WaitResult.SIGNALED, mutex.acquire(Duration.ZERO));
        child.post("mutex-acquire " + A + " 30000");
        Await.until("the child sleeps on the mutex",
                () -> (Words.getLong(memory, A + SharedMutex.OWNER_OFFSET) & SharedMutex.WAITERS) != 0);
        mutex.release();
        assertEquals("SIGNALED", child.nextLine());
        assertEquals(child.pid(), mutex.currentOwner().orElseThrow().pid());
        assertEquals("OK", child.send("mutex-release " + A));
    }

    @Test
    void waitsTimeOutAcrossProcesses() {
        mutex(A);
        SharedMutex mutex = new SharedMutex(file.slot(A), futex);
        event(B, false);
        SharedSemaphore.initialize(file.slot(GO), 0, 1);
        SharedSemaphore semaphore = new SharedSemaphore(file.slot(GO), futex);
        SyncChildJvm child = child();
        assertEquals("SIGNALED", child.send("mutex-acquire " + A + " 0"));
        assertEquals(WaitResult.TIMEOUT, mutex.acquire(Duration.ofMillis(150)), "held by a live process");
        assertEquals("TIMEOUT", child.send("event-await " + B + " 50"));
        assertEquals(WaitResult.TIMEOUT, semaphore.acquire(Duration.ofMillis(50)));
        assertEquals("OK", child.send("mutex-release " + A));
        assertEquals(WaitResult.SIGNALED, mutex.acquire(Duration.ZERO));
        assertEquals("TIMEOUT", child.send("mutex-acquire " + A + " 50"));
        mutex.release();
    }

    @Test
    void aProcessThatDoesNotOwnTheMutexCannotReleaseIt() {
        SharedMutex mutex = mutex(A);
        SyncChildJvm child = child();
        assertEquals(WaitResult.SIGNALED, mutex.acquire(Duration.ZERO));
        String refused = child.send("mutex-release " + A);
        assertTrue(refused.startsWith("REFUSED only the thread that owns a shared mutex may release it"), refused);
        assertTrue(mutex.heldByCurrentThread());
        assertEquals("TIMEOUT", child.send("mutex-acquire " + A + " 0"));
        mutex.release();
        assertEquals("SIGNALED", child.send("mutex-acquire " + A + " 0"));
        assertThrows(IllegalMonitorStateException.class, mutex::release);
        assertEquals("OK", child.send("mutex-release " + A));
    }

    @Test
    void recursionAcrossProcesses() {
        SharedMutex mutex = mutex(A);
        SyncChildJvm child = child();
        assertEquals("SIGNALED", child.send("mutex-acquire " + A + " 0"));
        assertEquals("SIGNALED", child.send("mutex-acquire " + A + " 0"));
        assertEquals(2, mutex.currentOwner().orElseThrow().recursion());
        assertEquals("OK", child.send("mutex-release " + A));
        assertEquals(WaitResult.TIMEOUT, mutex.acquire(Duration.ZERO), "one level still held");
        assertEquals("OK", child.send("mutex-release " + A));
        assertEquals(WaitResult.SIGNALED, mutex.acquire(Duration.ZERO));
        mutex.release();
    }

    @Test
    void manualResetReleasesEveryWaitingProcessAndStaysSignaled() {
        SharedEvent event = event(A, true);
        SyncChildJvm one = childWaitingOn(A);
        SyncChildJvm two = childWaitingOn(A);
        Await.until("both children wait", () -> event.waitingNow() == 2);
        event.set();
        assertEquals("SIGNALED", one.nextLine());
        assertEquals("SIGNALED", two.nextLine());
        assertEquals("SIGNALED", one.send("event-await " + A + " 0"), "stays signaled");
        assertEquals("OK", two.send("event-reset " + A));
        assertEquals(WaitResult.TIMEOUT, event.await(Duration.ZERO));
    }

    @Test
    void autoResetReleasesOneWaitingProcessPerSet() {
        SharedEvent event = event(A, false);
        SyncChildJvm one = childWaitingOn(A);
        SyncChildJvm two = childWaitingOn(A);
        Await.until("both children wait", () -> event.waitingNow() == 2);
        event.set();
        Await.until("one child released", () -> event.waitingNow() == 1);
        assertFalse(event.isSignaled(), "the set went to a waiter, not to the state");
        event.set();
        assertEquals("SIGNALED", one.nextLine());
        assertEquals("SIGNALED", two.nextLine());
        assertFalse(event.isSignaled(), "two sets, two waits: nothing left");
        assertEquals("TIMEOUT", one.send("event-await " + A + " 0"));
        assertEquals("OK", two.send("event-set " + A));
        assertEquals("SIGNALED", one.send("event-await " + A + " 0"), "a set without waiter stays for the next");
        assertEquals("TIMEOUT", two.send("event-await " + A + " 0"), "for one wait only");
    }

    @Test
    void pulseReleasesTheWaitingProcessesAndLeavesTheEventNonSignaled() {
        SharedEvent manual = event(A, true);
        SharedEvent auto = event(B, false);
        SyncChildJvm one = child();
        SyncChildJvm two = child();
        one.post("event-await " + A + " 30000");
        two.post("event-await " + A + " 30000");
        Await.until("both children wait on the manual-reset event", () -> manual.waitingNow() == 2);
        manual.pulse();
        assertEquals("SIGNALED", one.nextLine());
        assertEquals("SIGNALED", two.nextLine());
        assertFalse(manual.isSignaled());
        assertEquals("TIMEOUT", one.send("event-await " + A + " 0"));

        one.post("event-await " + B + " 30000");
        two.post("event-await " + B + " 30000");
        Await.until("both children wait on the auto-reset event", () -> auto.waitingNow() == 2);
        auto.pulse();
        Await.until("one child released", () -> auto.waitingNow() == 1);
        assertFalse(auto.isSignaled());
        assertEquals("OK", child().send("event-pulse " + B), "a third process pulses the other one free");
        assertEquals("SIGNALED", one.nextLine());
        assertEquals("SIGNALED", two.nextLine());
        assertFalse(auto.isSignaled());
    }

    @Test
    void anAutoResetWaitKilledWhileWaitingLeavesASetForTheNextWait() {
        SharedEvent event = event(A, false);
        SyncChildJvm doomed = child();
        doomed.post("event-await " + A + " 30000");
        Await.until("the child waits", () -> event.waitingNow() == 1);
        doomed.kill();
        assertEquals(1, event.waitingNow(), "a killed wait cannot deregister (documented)");
        event.set();
        assertEquals(WaitResult.SIGNALED, event.await(Duration.ZERO), "the set is kept for the next wait");
        assertEquals(WaitResult.TIMEOUT, event.await(Duration.ZERO), "for one wait only");
        SyncChildJvm survivor = child();
        survivor.post("event-await " + A + " 30000");
        event.set();
        assertEquals("SIGNALED", survivor.nextLine(), "a live wait is still released by a set");
    }
}
