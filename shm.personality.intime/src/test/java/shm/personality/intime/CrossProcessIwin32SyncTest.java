package shm.personality.intime;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static shm.api.intime.IntimeConstants.*;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import shm.api.ObjectState;
import shm.api.intime.Iwin32Result;

/**
 * The iwin32 events, mutexes and semaphores across real processes (child JVMs running {@link IntimeChildMain}):
 * event ping-pong; a counter incremented under a mutex by several processes without a lost update; a semaphore
 * bounding how many processes are inside; a mutex owner killed with SIGKILL and the survivor told
 * {@code WAIT_ABANDONED_0}; timeouts; an event's handle value used and closed by another process; the one namespace
 * with shared memory in both directions.
 */
class CrossProcessIwin32SyncTest {

    private static final long POOL = SEGSIZE_UNIT;

    @RegisterExtension
    final IntimeFixture store = new IntimeFixture();
    private final IntimePersonality here = store.process(IntimeSettings.defaults().withIwin32SegSize(POOL));

    @Test
    void eventsPingPongBetweenProcesses() throws Exception {
        long ping = here.RtCreateEvent(false, false, "ping").handle();
        long pong = here.RtCreateEvent(false, false, "pong").handle();
        ChildProcess child = child();
        assertEquals("ECHOING", child.send("echo ping pong 500"));
        for (int round = 0; round < 500; round++) {
            assertTrue(here.RtSetEvent(ping));
            assertEquals(WAIT_OBJECT_0, here.WaitForSingleObject(pong, 30_000), "round trip " + round);
        }
        assertEquals("ECHOED 500", child.next());
        assertEquals(WAIT_TIMEOUT, here.WaitForSingleObject(pong, 0), "no set was lost or doubled");
        child.exit();
    }

    @Test
    void aCounterIncrementedUnderTheMutexByEveryProcessLosesNoUpdate() throws Exception {
        Iwin32Result counter = here.RtCreateSharedMemory(0, 0, PAGE_SIZE, "counter");
        long guard = here.RtCreateMutex(false, "guard").handle();
        List<ChildProcess> workers = List.of(child(), child(), child());
        for (ChildProcess worker : workers) {
            worker.post("count guard counter 400");
        }
        for (int i = 0; i < 400; i++) {
            assertEquals(WAIT_OBJECT_0, here.WaitForSingleObject(guard, 30_000));
            MemorySegment value = counter.location();
            value.set(ValueLayout.JAVA_INT, 0, value.get(ValueLayout.JAVA_INT, 0) + 1);
            assertTrue(here.RtReleaseMutex(guard));
        }
        for (ChildProcess worker : workers) {
            assertEquals("COUNTED 400", worker.next());
        }
        assertEquals(4 * 400, counter.location().get(ValueLayout.JAVA_INT, 0), "four processes, no lost update");
        for (ChildProcess worker : workers) {
            worker.exit();
        }
    }

    @Test
    void aSemaphoreBoundsHowManyProcessesAreInside() throws Exception {
        Iwin32Result gauge = here.RtCreateSharedMemory(0, 0, PAGE_SIZE, "gauge");
        here.RtCreateSemaphore(2, 2, "slots");
        ChildProcess first = child();
        ChildProcess second = child();
        ChildProcess third = child();
        assertEquals("TOOK " + WAIT_OBJECT_0, first.send("take slots 0"));
        assertEquals("TOOK " + WAIT_OBJECT_0, second.send("take slots 0"), "two processes inside at once");
        assertEquals("TOOK " + WAIT_TIMEOUT, third.send("take slots 100"), "a third is kept out");
        third.post("take slots 30000");
        assertEquals("GAVE 0 0", first.send("give"), "the count was 0 before the release");
        assertEquals("TOOK " + WAIT_OBJECT_0, third.next(), "the released unit let the third in");
        assertEquals("GAVE 0 0", second.send("give"));
        assertEquals("GAVE 1 0", third.send("give"));

        List<ChildProcess> workers = List.of(first, second, third, child());
        for (ChildProcess worker : workers) {
            worker.post("bounded slots gauge 300");
        }
        for (ChildProcess worker : workers) {
            assertEquals("BOUNDED 300", worker.next());
        }
        MemorySegment counts = gauge.location();
        int mostInside = counts.get(ValueLayout.JAVA_INT, 8);
        assertTrue(mostInside >= 1 && mostInside <= 2, "never more than the two units inside: " + mostInside);
        assertEquals(0, counts.get(ValueLayout.JAVA_INT, 4), "everyone left");
        assertEquals(4 * 300, counts.get(ValueLayout.JAVA_INT, 12), "every round went through");
        assertEquals(new ObjectState.Semaphore(2, 2), store.backend.lookup("slots").orElseThrow().objectState(),
                "every unit returned");
        for (ChildProcess worker : workers) {
            worker.exit();
        }
    }

    @Test
    void aKilledMutexOwnerLeavesTheMutexAbandonedNotDeadlocked() throws Exception {
        ChildProcess owner = child();
        assertTrue(owner.send("own guard").endsWith(" 0"), "the child created and owns the mutex");
        long guard = here.RtOpenMutex(0, false, "guard").handle();
        assertEquals(WAIT_TIMEOUT, here.WaitForSingleObject(guard, 20), "a live owner holds it");
        Future<Integer> survivor = onAnotherThread(() -> {
            int code = here.WaitForSingleObject(guard, INFINITE);
            here.RtReleaseMutex(guard);
            return code;
        });
        assertThrows(TimeoutException.class, () -> survivor.get(100, MILLISECONDS), "blocked behind the owner");

        owner.kill();
        assertEquals(WAIT_ABANDONED_0, survivor.get(30, SECONDS), "the waiter acquires it, told it was abandoned");
        assertEquals(WAIT_OBJECT_0, here.WaitForSingleObject(guard, 0), "released by the survivor: free again");
        assertTrue(here.RtReleaseMutex(guard));
        ChildProcess next = child();
        assertEquals("WAITED " + WAIT_OBJECT_0, waitedCode(next.send("acquire guard 30000")));
        next.exit();
    }

    @Test
    void waitsTimeOutAcrossProcesses() throws Exception {
        long event = here.RtCreateEvent(false, false, "late").handle();
        ChildProcess child = child();
        String answer = child.send("waitv " + event + " 200");
        assertEquals("WAITED " + WAIT_TIMEOUT, waitedCode(answer));
        assertTrue(Long.parseLong(child.word(answer, 2)) >= 200, "the whole interval: " + answer);

        child.post("waitv " + event + " 30000");
        assertTrue(here.RtSetEvent(event));
        assertEquals("WAITED " + WAIT_OBJECT_0, waitedCode(child.next()), "a set before the timeout ends the wait");

        assertEquals("EVENT", child.word(child.send("event never"), 0));
        long never = here.RtOpenEvent(0, false, "never").handle();
        assertEquals(WAIT_TIMEOUT, here.WaitForSingleObject(never, 150));
        child.exit();
    }

    @Test
    void anEventsHandleValueIsUsedAndClosedByAnotherProcess() throws Exception {
        long beacon = here.RtCreateEvent(false, false, "beacon").handle();
        ChildProcess child = child();
        assertEquals("SET true 0", child.send("setv " + beacon), "the child sets this process's handle value");
        assertEquals(WAIT_OBJECT_0, here.WaitForSingleObject(beacon, 30_000));

        child.post("waitv " + beacon + " 30000");
        assertTrue(here.RtSetEvent(beacon));
        assertEquals("WAITED " + WAIT_OBJECT_0, waitedCode(child.next()), "the child waits on the value");
        assertEquals(2, store.backend.lookup("beacon").orElseThrow().handleCount(), "this handle and the child's hold");

        long unnamed = here.RtCreateEvent(true, false, null).handle();
        assertEquals("SET false " + ERROR_INVALID_HANDLE, child.send("setv " + unnamed),
                "an unnamed event's value works only in its process");

        assertTrue(child.send("closev " + beacon).startsWith("CLOSED true "), "the child closes this process's handle");
        assertTrue(store.backend.lookup("beacon").isEmpty(),
                "this process's hold went with the handle, the child's own with its close: the event is destroyed");
        assertFalse(here.RtSetEvent(beacon));
        assertEquals(ERROR_INVALID_HANDLE, here.GetLastError());
        assertEquals("SET false " + ERROR_INVALID_HANDLE, child.send("setv " + beacon));
        child.exit();
    }

    @Test
    void sharedMemoryAndEventsShareOneNamespaceAcrossProcessesBothWays() throws Exception {
        ChildProcess child = child();
        assertEquals("0", child.word(child.send("event theirs"), 2));
        assertEquals(ERROR_INVALID_HANDLE, here.RtCreateSharedMemory(0, 0, 64, "theirs").errorCode());
        assertEquals(ERROR_INVALID_HANDLE, here.RtOpenSharedMemory(0, false, "theirs").errorCode());
        assertEquals(ERROR_INVALID_HANDLE, here.RtCreateMutex(false, "theirs").errorCode());

        assertTrue(here.RtCreateSharedMemory(0, 0, 64, "ours").succeeded());
        assertEquals("EVENT 0 " + ERROR_INVALID_HANDLE, child.send("event ours"));
        assertTrue(child.send("create ours 64 x").endsWith(" " + ERROR_ALREADY_EXISTS), "shared memory is opened");
        assertEquals(2, store.backend.lookup("ours").orElseThrow().handleCount());
        child.exit();
        assertTrue(store.backend.lookup("theirs").isEmpty(), "the child's end closed its event handle");
    }

    // ------------------------------------------------------------------ helpers

    private ChildProcess child() throws Exception {
        ChildProcess child = new ChildProcess(store.root, POOL);
        store.track(child);
        return child;
    }

    /** The first two words of a WAITED answer (the code, without the elapsed time and status). */
    private static String waitedCode(String answer) {
        String[] words = answer.split(" ");
        return words[0] + " " + words[1];
    }

    /** Runs a call on a new platform thread (mutex ownership is per thread); await its result with a deadline. */
    private static <T> Future<T> onAnotherThread(Callable<T> call) {
        FutureTask<T> task = new FutureTask<>(call);
        Thread.ofPlatform().daemon().start(task);
        return task;
    }
}
