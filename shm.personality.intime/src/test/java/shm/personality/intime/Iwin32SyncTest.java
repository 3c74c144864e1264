package shm.personality.intime;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static shm.api.intime.IntimeConstants.*;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import shm.api.NamedEvent;
import shm.api.ObjectState;
import shm.api.ObjectType;
import shm.api.VendorError;
import shm.api.WaitResult;
import shm.api.intime.Iwin32Result;
import shm.testkit.BackendUnderTest;
import shm.testkit.Await;

/**
 * The iwin32 event, mutex and semaphore calls over the real mmap backend on tmpfs, in one JVM: create, open and
 * "already exists"; manual and auto reset; pulse; mutex ownership, recursion and release by the owner only;
 * semaphore bounds; every answer of {@code WaitForSingleObject}; the one namespace with shared memory in both
 * directions; the one handle table with {@code CloseHandle}; handle values used by another INtime process. Waits in
 * other threads are awaited with deadlines.
 */
class Iwin32SyncTest {

    private static final long DEADLINE_SECONDS = Await.DEADLINE.toSeconds();

    @RegisterExtension
    final IntimeFixture store = new IntimeFixture();
    private final IntimePersonality a = store.process();
    private final IntimePersonality b = store.process();

    // ------------------------------------------------------------------ create and open

    @Test
    void createsGiveIwin32HandlesAndAnExistingNameGivesANewHandleWithErrorAlreadyExists() {
        List<Function<String, Iwin32Result>> creates = List.of(
                name -> a.RtCreateEvent(true, false, name),
                name -> a.RtCreateMutex(false, name),
                name -> a.RtCreateSemaphore(0, 1, name));
        List<Function<String, Iwin32Result>> opens = List.of(
                name -> b.RtOpenEvent(0, false, name),
                name -> b.RtOpenMutex(0, false, name),
                name -> b.RtOpenSemaphore(0, false, name));
        List<ObjectType> types = List.of(ObjectType.EVENT, ObjectType.MUTEX, ObjectType.SEMAPHORE);
        for (int i = 0; i < 3; i++) {
            String name = "object-" + i;
            Iwin32Result created = creates.get(i).apply(name);
            assertTrue(created.handle() >= IWIN32_HANDLE_BASE, "an iwin32 handle: " + created);
            assertEquals(MemorySegment.NULL, created.location(), "nothing is mapped for a " + types.get(i));
            assertFalse(created.alreadyExisted());
            assertEquals(ERROR_SUCCESS, created.errorCode());
            assertEquals(ERROR_SUCCESS, a.GetLastError(), "a create sets GetLastError on success");

            Iwin32Result again = creates.get(i).apply(name);
            assertTrue(again.alreadyExisted());
            assertEquals(ERROR_ALREADY_EXISTS, again.errorCode());
            assertEquals(ERROR_ALREADY_EXISTS, a.GetLastError());
            assertNotEquals(created.handle(), again.handle(), "every create gets its own value");

            Iwin32Result opened = opens.get(i).apply(name);
            assertTrue(opened.succeeded());
            assertEquals(3, LongStream.of(created.handle(), again.handle(), opened.handle()).distinct().count());
            assertEquals(types.get(i), store.backend.lookup(name).orElseThrow().type());
            assertEquals(3, store.backend.lookup(name).orElseThrow().handleCount(), "one hold per handle");
        }
        assertEquals(9, store.iwin32Used(), "the one system-wide iwin32 table");
    }

    @Test
    void anExistingObjectKeepsItsModeStateOwnerAndCounts() throws Exception {
        long event = a.RtCreateEvent(true, false, "kept-event").handle();
        long eventAgain = b.RtCreateEvent(false, true, "kept-event").handle();
        assertEquals(WAIT_TIMEOUT, b.WaitForSingleObject(eventAgain, 0), "bInitialState ignored");
        assertTrue(a.RtSetEvent(event));
        assertEquals(WAIT_OBJECT_0, b.WaitForSingleObject(eventAgain, 0));
        assertEquals(WAIT_OBJECT_0, b.WaitForSingleObject(eventAgain, 0), "still manual reset: bManualReset ignored");

        long mutex = a.RtCreateMutex(true, "kept-mutex").handle();
        Future<Boolean> claimed = onAnotherThread(() -> {
            Iwin32Result again = b.RtCreateMutex(true, "kept-mutex");
            return again.alreadyExisted() && !b.RtReleaseMutex(again.handle()) && b.GetLastError() == ERROR_NOT_OWNER;
        });
        assertTrue(claimed.get(DEADLINE_SECONDS, SECONDS), "bInitialOwner ignored: the other thread owns nothing");
        assertTrue(a.RtReleaseMutex(mutex), "the creating thread still owns it");

        long semaphore = a.RtCreateSemaphore(1, 3, "kept-semaphore").handle();
        Iwin32Result semaphoreAgain = b.RtCreateSemaphore(0, 1, "kept-semaphore");
        assertEquals(ERROR_ALREADY_EXISTS, semaphoreAgain.errorCode());
        Iwin32Result outOfRange = b.RtCreateSemaphore(7, -2, "kept-semaphore");
        assertEquals(ERROR_ALREADY_EXISTS, outOfRange.errorCode(), "the counts of an existing semaphore are ignored,"
                + " even out of range");
        assertEquals(1, b.RtReleaseSemaphore(semaphoreAgain.handle(), 2), "the count 1 was kept");
        assertEquals(new ObjectState.Semaphore(3, 3),
                store.backend.lookup("kept-semaphore").orElseThrow().objectState(), "and the maximum 3");
        assertEquals(-1, a.RtReleaseSemaphore(semaphore, 1));
        assertEquals(ERROR_TOO_MANY_POSTS, a.GetLastError());
    }

    @Test
    void opensAndNamesFollowTheIwin32Rules() {
        assertEquals(ERROR_FILE_NOT_FOUND, a.RtOpenEvent(0, false, "missing").errorCode());
        assertEquals(ERROR_FILE_NOT_FOUND, a.GetLastError());
        assertEquals(ERROR_FILE_NOT_FOUND, a.RtOpenMutex(0, false, "missing").errorCode());
        assertEquals(ERROR_FILE_NOT_FOUND, a.RtOpenSemaphore(0, false, "missing").errorCode());
        Iwin32Result noName = a.RtOpenEvent(0, false, null);
        assertEquals(0, noName.handle());
        assertEquals(ERROR_INVALID_PARAMETER, noName.errorCode());
        for (String bad : List.of("a\\b", "", "nul\0inside", "x".repeat(MAX_PATH + 1))) {
            assertEquals(ERROR_INVALID_PARAMETER, a.RtCreateEvent(true, false, bad).errorCode(), bad);
            assertEquals(ERROR_INVALID_PARAMETER, a.RtCreateMutex(false, bad).errorCode(), bad);
            assertEquals(ERROR_INVALID_PARAMETER, a.RtCreateSemaphore(0, 1, bad).errorCode(), bad);
            assertEquals(ERROR_INVALID_PARAMETER, a.RtOpenEvent(0, false, bad).errorCode(), bad);
        }
        assertTrue(a.RtCreateEvent(true, false, "x".repeat(MAX_PATH)).succeeded(), "MAX_PATH characters fit");
        long upper = a.RtCreateEvent(true, false, "Pump").handle();
        Iwin32Result lower = a.RtCreateEvent(true, false, "pump");
        assertFalse(lower.alreadyExisted(), "names are case-sensitive");
        assertTrue(a.RtSetEvent(upper));
        assertEquals(WAIT_TIMEOUT, a.WaitForSingleObject(lower.handle(), 0));

        Iwin32Result unnamed = a.RtCreateMutex(false, null);
        assertTrue(unnamed.succeeded());
        assertEquals(WAIT_OBJECT_0, a.WaitForSingleObject(unnamed.handle(), 0));
        assertTrue(a.RtReleaseMutex(unnamed.handle()));
        assertEquals(List.of("Pump", "pump", "x".repeat(MAX_PATH)),
                store.backend.list().stream().map(info -> info.name()).toList(), "unnamed objects are not listed");
    }

    @Test
    void theIwin32HandleTableFullFailsWithNotEnoughMemoryAndCreatesNothing() throws IOException {
        try (IntimeFixture small = new IntimeFixture()) {
            IntimePersonality process = small.process(IntimeSettings.defaults().withIwin32Handles(2));
            assertTrue(process.RtCreateEvent(true, false, "one").succeeded());
            assertTrue(process.RtCreateSemaphore(0, 1, "two").succeeded());
            Iwin32Result third = process.RtCreateMutex(true, "three");
            assertEquals(ERROR_NOT_ENOUGH_MEMORY, third.errorCode());
            assertTrue(small.backend.lookup("three").isEmpty(), "the mutex the call created is destroyed again");
        }
    }

    // ------------------------------------------------------------------ events

    /**
     * A poll (0 ms) and a timed wait of an interrupted thread on an event that is not signaled: WAIT_FAILED with
     * ERROR_OPERATION_ABORTED, the thread keeping its interrupt status; a signaled event still answers WAIT_OBJECT_0.
     */
    @Test
    void anInterruptedThreadsWaitFailsWithOperationAbortedAndKeepsItsStatus() throws Exception {
        long event = a.RtCreateEvent(false, false, "interrupted").handle();
        int[] answers = onAnotherThread(() -> {
            Thread.currentThread().interrupt();
            int poll = a.WaitForSingleObject(event, 0);
            int pollError = a.GetLastError();
            int timed = a.WaitForSingleObject(event, 50);
            int timedError = a.GetLastError();
            boolean kept = Thread.currentThread().isInterrupted();
            a.RtSetEvent(event);
            int signaled = a.WaitForSingleObject(event, 0);
            return new int[] {poll, pollError, timed, timedError, kept ? 1 : 0, signaled};
        }).get(DEADLINE_SECONDS, SECONDS);
        assertArrayEquals(new int[] {WAIT_FAILED, ERROR_OPERATION_ABORTED, WAIT_FAILED, ERROR_OPERATION_ABORTED, 1,
                WAIT_OBJECT_0}, answers);
    }

    @Test
    void aManualResetEventReleasesEveryWaitAndStaysSignaledUntilReset() throws Exception {
        long event = a.RtCreateEvent(true, false, "manual").handle();
        assertEquals(WAIT_TIMEOUT, a.WaitForSingleObject(event, 0));
        Future<Integer> first = onAnotherThread(() -> b.WaitForSingleObject(event, INFINITE));
        Future<Integer> second = onAnotherThread(() -> a.WaitForSingleObject(event, 30_000));
        assertStillBlocked(first);
        assertTrue(a.RtSetEvent(event));
        assertEquals(WAIT_OBJECT_0, first.get(DEADLINE_SECONDS, SECONDS), "an INFINITE wait in another process");
        assertEquals(WAIT_OBJECT_0, second.get(DEADLINE_SECONDS, SECONDS));
        assertEquals(WAIT_OBJECT_0, a.WaitForSingleObject(event, 0), "stays signaled");
        assertTrue(b.RtSetEvent(event), "setting a signaled event is not an error");
        assertTrue(b.RtResetEvent(event));
        assertEquals(WAIT_TIMEOUT, a.WaitForSingleObject(event, 0));
        assertTrue(a.RtResetEvent(event), "resetting a non-signaled event is not an error");
    }

    @Test
    void anAutoResetEventReleasesOneWaitPerSet() throws Exception {
        long event = a.RtCreateEvent(false, true, "auto").handle();
        assertEquals(WAIT_OBJECT_0, a.WaitForSingleObject(event, 0), "created signaled");
        assertEquals(WAIT_TIMEOUT, a.WaitForSingleObject(event, 0), "the wait reset it");

        Future<Integer> first = onAnotherThread(() -> a.WaitForSingleObject(event, 30_000));
        Future<Integer> second = onAnotherThread(() -> a.WaitForSingleObject(event, 30_000));
        awaitWaiting("auto", 2);
        assertTrue(a.RtSetEvent(event));
        Future<Integer> released = firstDone(first, second);
        Future<Integer> other = released == first ? second : first;
        assertEquals(WAIT_OBJECT_0, released.get());
        assertStillBlocked(other);
        assertTrue(a.RtSetEvent(event));
        assertEquals(WAIT_OBJECT_0, other.get(DEADLINE_SECONDS, SECONDS), "the next set releases the other");
        assertEquals(WAIT_TIMEOUT, a.WaitForSingleObject(event, 0), "and each set was used up by one wait");
    }

    @Test
    void pulseReleasesTheWaitsPresentAndLeavesTheEventNonSignaled() throws Exception {
        long manual = a.RtCreateEvent(true, false, "pulse-manual").handle();
        assertTrue(a.RtPulseEvent(manual));
        assertEquals(WAIT_TIMEOUT, a.WaitForSingleObject(manual, 0), "with no wait present a pulse only resets");
        Future<Integer> one = onAnotherThread(() -> a.WaitForSingleObject(manual, 30_000));
        Future<Integer> two = onAnotherThread(() -> b.WaitForSingleObject(manual, 30_000));
        awaitWaiting("pulse-manual", 2);
        Future<Integer> early = pulseUntilOneIsReleased(manual, one, two);
        Future<Integer> late = early == one ? two : one;
        if (!late.isDone()) {
            pulseUntilOneIsReleased(manual, late); // it was between two slices of its wait at that pulse
        }
        assertEquals(WAIT_OBJECT_0, early.get());
        assertEquals(WAIT_OBJECT_0, late.get());
        assertEquals(WAIT_TIMEOUT, a.WaitForSingleObject(manual, 0), "a pulsed manual-reset event is not signaled");

        // Auto reset: exactly one pulse, which must find a wait present. The iwin32 waits leave and re-enter the
        // event between their slices, so a wait on the backend's event that stays registered throughout is present
        // for sure; the pulse releases one of the three, whichever, and only one.
        long auto = a.RtCreateEvent(false, false, "pulse-auto").handle();
        try (NamedEvent direct = store.backend.openEvent("pulse-auto")) {
            Future<Integer> steady = onAnotherThread(() -> direct.await(java.time.Duration.ofSeconds(DEADLINE_SECONDS))
                    == WaitResult.SIGNALED ? WAIT_OBJECT_0 : WAIT_TIMEOUT);
            awaitWaiting("pulse-auto", 1);
            List<Future<Integer>> waits = List.of(steady, onAnotherThread(() -> a.WaitForSingleObject(auto, 30_000)),
                    onAnotherThread(() -> b.WaitForSingleObject(auto, 30_000)));
            awaitWaiting("pulse-auto", 3);
            assertTrue(a.RtPulseEvent(auto));
            @SuppressWarnings("unchecked")
            Future<Integer> released = firstDone(waits.toArray(Future[]::new));
            assertEquals(WAIT_OBJECT_0, released.get());
            List<Future<Integer>> others = waits.stream().filter(wait -> wait != released).toList();
            others.forEach(Iwin32SyncTest::assertStillBlocked);
            assertFalse(((ObjectState.Event) store.backend.lookup("pulse-auto").orElseThrow().objectState())
                    .signaled(), "one wait released, the event left non-signaled");
            for (Future<Integer> other : others) {
                assertTrue(a.RtSetEvent(auto));
                Await.until("a set released one more wait", () -> others.stream().filter(Future::isDone).count()
                        > others.indexOf(other));
            }
            for (Future<Integer> other : others) {
                assertEquals(WAIT_OBJECT_0, other.get(DEADLINE_SECONDS, SECONDS));
            }
        }
    }

    // ------------------------------------------------------------------ mutexes and semaphores

    @Test
    void aMutexIsOwnedByOneThreadRecursiveAndReleasedByItsOwnerOnly() throws Exception {
        long mutex = a.RtCreateMutex(true, "mx").handle();
        assertEquals(WAIT_OBJECT_0, a.WaitForSingleObject(mutex, 0), "the owner enters again: recursive");
        long there = b.RtOpenMutex(0, false, "mx").handle();
        Future<List<Integer>> stranger = onAnotherThread(() -> List.of(b.WaitForSingleObject(there, 20),
                b.RtReleaseMutex(there) ? ERROR_SUCCESS : b.GetLastError()));
        assertEquals(List.of(WAIT_TIMEOUT, ERROR_NOT_OWNER), stranger.get(DEADLINE_SECONDS, SECONDS));

        Future<List<Integer>> waiter = onAnotherThread(() -> List.of(b.WaitForSingleObject(there, INFINITE),
                b.RtReleaseMutex(there) ? ERROR_SUCCESS : b.GetLastError()));
        assertStillBlocked(waiter);
        assertTrue(a.RtReleaseMutex(mutex));
        assertStillBlocked(waiter);
        assertTrue(a.RtReleaseMutex(mutex), "one release per satisfied wait");
        assertEquals(List.of(WAIT_OBJECT_0, ERROR_SUCCESS), waiter.get(DEADLINE_SECONDS, SECONDS),
                "the waiter got it when the owner released the last level");
        assertFalse(a.RtReleaseMutex(mutex));
        assertEquals(ERROR_NOT_OWNER, a.GetLastError());
        assertEquals(ERROR_NOT_OWNER, a.lastFailure().orElseThrow().vendorError().map(VendorError::value)
                .orElseThrow().intValue());
        assertEquals(WAIT_OBJECT_0, a.WaitForSingleObject(mutex, 0));
        assertTrue(a.CloseHandle(mutex), "closing the handle releases the closing thread's ownership");
        Future<List<Integer>> next = onAnotherThread(() -> List.of(b.WaitForSingleObject(there, 0),
                b.RtReleaseMutex(there) ? ERROR_SUCCESS : b.GetLastError()));
        assertEquals(List.of(WAIT_OBJECT_0, ERROR_SUCCESS), next.get(DEADLINE_SECONDS, SECONDS), "free, not abandoned");
    }

    @Test
    void aSemaphoreCountsBetweenZeroAndItsMaximum() throws Exception {
        assertEquals(ERROR_INVALID_PARAMETER, a.RtCreateSemaphore(2, 1, "bad").errorCode());
        assertEquals(ERROR_INVALID_PARAMETER, a.RtCreateSemaphore(0, 0, "bad").errorCode());
        assertEquals(ERROR_INVALID_PARAMETER, a.RtCreateSemaphore(-1, 1, "bad").errorCode());
        assertEquals(ERROR_INVALID_PARAMETER, a.RtCreateSemaphore(-1, 1, null).errorCode());
        assertEquals(ERROR_INVALID_PARAMETER, a.GetLastError());
        assertTrue(store.backend.lookup("bad").isEmpty(), "nothing created");
        assertEquals(0, store.iwin32Used());

        long semaphore = a.RtCreateSemaphore(1, 2, "sem").handle();
        assertEquals(WAIT_OBJECT_0, a.WaitForSingleObject(semaphore, 0));
        assertEquals(WAIT_TIMEOUT, a.WaitForSingleObject(semaphore, 0), "count 0: not signaled");
        Future<Integer> waiter = onAnotherThread(() -> b.WaitForSingleObject(semaphore, INFINITE));
        assertStillBlocked(waiter);
        assertEquals(0, a.RtReleaseSemaphore(semaphore, 1), "the previous count");
        assertEquals(WAIT_OBJECT_0, waiter.get(DEADLINE_SECONDS, SECONDS), "a release lets a waiter in");
        assertEquals(0, a.RtReleaseSemaphore(semaphore, 2));
        assertEquals(-1, a.RtReleaseSemaphore(semaphore, 1));
        assertEquals(ERROR_TOO_MANY_POSTS, a.GetLastError());
        assertEquals(new ObjectState.Semaphore(2, 2), store.backend.lookup("sem").orElseThrow().objectState(),
                "the count did not change");
        assertEquals(-1, a.RtReleaseSemaphore(semaphore, 0));
        assertEquals(ERROR_INVALID_PARAMETER, a.GetLastError());
        assertEquals(-1, a.RtReleaseSemaphore(semaphore, -3));
        assertEquals(WAIT_OBJECT_0, a.WaitForSingleObject(semaphore, 0));
        assertEquals(WAIT_OBJECT_0, a.WaitForSingleObject(semaphore, 0));
        assertEquals(WAIT_TIMEOUT, a.WaitForSingleObject(semaphore, 0));
    }

    @Test
    void anInterruptEndsAnInfiniteWaitWithWaitFailedAndOperationAborted() throws Exception {
        Assumptions.assumeTrue(System.getProperty(BackendUnderTest.PROPERTY, "").isBlank(),
                "needs the mmap backend (the C peer reads its store; waits block on its futex words)");
        long event = a.RtCreateEvent(false, false, "interrupted").handle();
        java.util.concurrent.CompletableFuture<int[]> outcome = new java.util.concurrent.CompletableFuture<>();
        Thread waiter = Thread.ofPlatform().daemon().start(() -> outcome.complete(new int[] {
                b.WaitForSingleObject(event, INFINITE), b.GetLastError(),
                Thread.currentThread().isInterrupted() ? 1 : 0}));
        Thread.sleep(50);
        waiter.interrupt();
        int[] answer = outcome.get(DEADLINE_SECONDS, SECONDS);
        assertEquals(WAIT_FAILED, answer[0]);
        assertEquals(ERROR_OPERATION_ABORTED, answer[1]);
        assertEquals(1, answer[2], "the thread keeps its interrupt status");
        assertTrue(a.RtSetEvent(event));
        assertEquals(WAIT_OBJECT_0, a.WaitForSingleObject(event, 0), "the event was not consumed");
    }

    @Test
    void theBooleanReleaseReadsAsC() {
        long semaphore = a.RtCreateSemaphore(1, 2, "boolsem").handle();
        int[] previous = {-1};
        assertTrue(a.RtReleaseSemaphore(semaphore, 1, previous), "TRUE on success");
        assertEquals(1, previous[0]);
        assertFalse(a.RtReleaseSemaphore(semaphore, 1, previous), "FALSE beyond the maximum");
        assertEquals(ERROR_TOO_MANY_POSTS, a.GetLastError());
        assertEquals(1, previous[0], "untouched on failure");
        assertFalse(a.RtReleaseSemaphore(0x10, 1, null), "not a handle");
        assertEquals(ERROR_INVALID_HANDLE, a.GetLastError());
    }

    // ------------------------------------------------------------------ WaitForSingleObject

    @Test
    void waitForSingleObjectTimesOutFailsOnNonWaitableHandlesAndSetsTheStatusOnlyOnFailure() {
        long event = a.RtCreateEvent(true, false, "timing").handle();
        // How long a timed-out wait really takes is measured by shm.bench's Iwin32WaitBenchmark, not asserted here.
        assertEquals(WAIT_TIMEOUT, a.WaitForSingleObject(event, 50));
        assertEquals(WAIT_TIMEOUT, a.RtWaitForSingleObject(event, 250), "the synonym, across several slices");

        long memory = a.RtCreateSharedMemory(0, 0, 64, "not-waitable").handle();
        long closed = a.RtCreateEvent(true, false, null).handle();
        assertTrue(a.CloseHandle(closed));
        for (long bad : new long[] {memory, closed, 0, 0x1234, IWIN32_HANDLE_BASE + 999}) {
            a.SetLastRtError(0);
            assertEquals(WAIT_FAILED, a.WaitForSingleObject(bad, 0), "0x" + Long.toHexString(bad));
            assertEquals(ERROR_INVALID_HANDLE, a.GetLastError());
            assertFalse(a.RtSetEvent(bad));
            assertEquals(ERROR_INVALID_HANDLE, a.GetLastError());
        }
        assertTrue(a.RtSetEvent(event));
        assertEquals(WAIT_OBJECT_0, a.WaitForSingleObject(event, 0));
        assertEquals(ERROR_INVALID_HANDLE, a.GetLastError(), "a successful call leaves the status as it was");
    }

    @Test
    void aWaitWhoseHandleIsClosedEndsWithWaitAbandoned() throws Exception {
        long event = a.RtCreateEvent(false, false, "closing").handle();
        Future<Integer> waiter = onAnotherThread(() -> a.WaitForSingleObject(event, INFINITE));
        assertStillBlocked(waiter);
        assertTrue(a.CloseHandle(event));
        assertEquals(WAIT_ABANDONED_0, waiter.get(DEADLINE_SECONDS, SECONDS), "closed by another thread");

        long other = a.RtCreateEvent(false, false, "closed-elsewhere").handle();
        Future<Integer> mine = onAnotherThread(() -> a.WaitForSingleObject(other, INFINITE));
        assertStillBlocked(mine);
        assertTrue(b.CloseHandle(other), "another INtime process closes the value");
        assertEquals(WAIT_ABANDONED_0, mine.get(DEADLINE_SECONDS, SECONDS), "closed by another process");

        long last = b.RtCreateSemaphore(0, 1, null).handle();
        Future<Integer> ending = onAnotherThread(() -> b.WaitForSingleObject(last, INFINITE));
        assertStillBlocked(ending);
        b.close();
        assertEquals(WAIT_ABANDONED_0, ending.get(DEADLINE_SECONDS, SECONDS), "the process ended");
        assertEquals(WAIT_FAILED, b.WaitForSingleObject(last, 0), "an ended process answers no wait");
        assertEquals(ERROR_INVALID_HANDLE, b.GetLastError());
    }

    // ------------------------------------------------------------------ one namespace, one handle table

    @Test
    void sharedMemoryAndEventsMutexesAndSemaphoresShareOneNamespaceBothWays() {
        long memory = a.RtCreateSharedMemory(0, 0, 64, "plc").handle();
        long poolUsed = store.iwin32Pool().used();
        List<Function<String, Iwin32Result>> syncCalls = List.of(
                name -> b.RtCreateEvent(true, false, name), name -> b.RtOpenEvent(0, false, name),
                name -> b.RtCreateMutex(true, name), name -> b.RtOpenMutex(0, false, name),
                name -> b.RtCreateSemaphore(0, 1, name), name -> b.RtOpenSemaphore(0, false, name));
        for (Function<String, Iwin32Result> call : syncCalls) {
            Iwin32Result refused = call.apply("plc");
            assertEquals(0, refused.handle());
            assertEquals(ERROR_INVALID_HANDLE, refused.errorCode());
            assertEquals(ERROR_INVALID_HANDLE, b.GetLastError());
        }
        assertEquals(1, store.backend.lookup("plc").orElseThrow().handleCount(), "the memory is untouched");
        assertEquals(1, store.iwin32Used(), "nothing was created or opened");

        assertTrue(a.RtCreateEvent(true, false, "ready").succeeded());
        assertEquals(ERROR_INVALID_HANDLE, b.RtCreateSharedMemory(0, 0, 64, "ready").errorCode());
        assertEquals(ERROR_INVALID_HANDLE, b.RtCreateSharedMemory(0, 0, 0, "ready").errorCode(), "size 0 too");
        assertEquals(ERROR_INVALID_HANDLE, b.RtOpenSharedMemory(0, false, "ready").errorCode());
        assertEquals(ERROR_INVALID_HANDLE, b.RtCreateMutex(false, "ready").errorCode());
        assertEquals(ERROR_INVALID_HANDLE, b.RtOpenSemaphore(0, false, "ready").errorCode());
        assertTrue(a.RtCreateMutex(false, "lock").succeeded());
        assertEquals(ERROR_INVALID_HANDLE, b.RtCreateEvent(true, false, "lock").errorCode());
        assertEquals(ERROR_INVALID_HANDLE, b.RtCreateSharedMemory(0, 0, 64, "lock").errorCode());
        assertTrue(a.RtCreateSemaphore(0, 1, "units").succeeded());
        assertEquals(ERROR_INVALID_HANDLE, b.RtOpenEvent(0, false, "units").errorCode());
        assertEquals(ERROR_INVALID_HANDLE, b.RtOpenSharedMemory(0, false, "units").errorCode());
        assertEquals(ObjectType.EVENT, store.backend.lookup("ready").orElseThrow().type());
        assertEquals(4, store.iwin32Used());
        assertEquals(poolUsed, store.iwin32Pool().used(), "events, mutexes and semaphores take nothing from the pool");
        assertTrue(a.CloseHandle(memory));
    }

    @Test
    void closeHandleClosesHandlesOfEveryTypeAndTheLastCloseDestroysTheObject() {
        long event = a.RtCreateEvent(true, false, "ev").handle();
        long eventAgain = b.RtOpenEvent(0, false, "ev").handle();
        long mutex = a.RtCreateMutex(false, "mx").handle();
        long semaphore = a.RtCreateSemaphore(0, 1, "sem").handle();
        long memory = a.RtCreateSharedMemory(0, 0, 64, "mem").handle();
        assertEquals(5, LongStream.of(event, eventAgain, mutex, semaphore, memory).distinct().count());
        assertEquals(5, store.iwin32Used(), "one table for every type");

        assertFalse(a.RtSetEvent(mutex), "a mutex is not an event");
        assertEquals(ERROR_INVALID_HANDLE, a.GetLastError());
        assertFalse(a.RtReleaseMutex(event));
        assertEquals(ERROR_INVALID_HANDLE, a.GetLastError());
        assertEquals(-1, a.RtReleaseSemaphore(mutex, 1));
        assertEquals(ERROR_INVALID_HANDLE, a.GetLastError());
        assertFalse(a.RtPulseEvent(memory));
        assertEquals(ERROR_INVALID_HANDLE, a.GetLastError());

        assertTrue(a.CloseHandle(event));
        assertFalse(a.RtSetEvent(event), "a closed handle");
        assertEquals(ERROR_INVALID_HANDLE, a.GetLastError());
        assertFalse(a.CloseHandle(event));
        assertEquals(ERROR_INVALID_HANDLE, a.GetLastError());
        assertEquals(1, store.backend.lookup("ev").orElseThrow().handleCount(), "the other handle keeps it");
        assertTrue(b.RtCloseHandle(eventAgain), "the synonym");
        assertTrue(store.backend.lookup("ev").isEmpty(), "the last close destroyed the event");
        assertTrue(a.RtCloseHandle(mutex));
        assertTrue(a.CloseHandle(semaphore));
        assertTrue(a.CloseHandle(memory));
        assertEquals(0, store.iwin32Used());
        assertEquals(List.of(), store.objectFiles(), "nothing left");
    }

    @Test
    void aNamedObjectsHandleValueWorksInAnotherIntimeProcessAnUnnamedOnesDoesNot() throws Exception {
        long event = a.RtCreateEvent(false, false, "shared-value").handle();
        assertTrue(b.RtSetEvent(event), "b uses a's value");
        assertEquals(WAIT_OBJECT_0, a.WaitForSingleObject(event, 0));
        Future<Integer> waiter = onAnotherThread(() -> b.WaitForSingleObject(event, INFINITE));
        assertStillBlocked(waiter);
        assertTrue(a.RtSetEvent(event));
        assertEquals(WAIT_OBJECT_0, waiter.get(DEADLINE_SECONDS, SECONDS));
        assertEquals(2, store.backend.lookup("shared-value").orElseThrow().handleCount(),
                "a's handle and b's hold on what the value names");

        long mutex = a.RtCreateMutex(false, "shared-mutex").handle();
        assertEquals(WAIT_OBJECT_0, b.WaitForSingleObject(mutex, 0), "b's thread owns it through a's value");
        Future<Integer> stranger = onAnotherThread(() -> a.WaitForSingleObject(mutex, 0));
        assertEquals(WAIT_TIMEOUT, stranger.get(DEADLINE_SECONDS, SECONDS));
        assertTrue(b.RtReleaseMutex(mutex));

        long unnamed = a.RtCreateEvent(true, false, null).handle();
        assertFalse(b.RtSetEvent(unnamed), "an unnamed object's value works only in its process");
        assertEquals(ERROR_INVALID_HANDLE, b.GetLastError());
        assertTrue(b.lastFailure().orElseThrow().getMessage().contains("unnamed"), b.lastFailure().toString());
        assertTrue(a.RtSetEvent(unnamed));

        assertTrue(b.CloseHandle(event), "b closes a's handle by its value");
        assertTrue(store.backend.lookup("shared-value").isEmpty(), "a's hold went with the handle at once, and b's"
                + " own hold (it used the value) with b's close: the event is gone before a makes any call");
        assertTrue(b.CloseHandle(mutex), "b closes a's mutex handle too");
        assertTrue(store.backend.lookup("shared-mutex").isEmpty(), "and the mutex, whose only holds went");
        assertFalse(a.RtSetEvent(event), "a's handle is gone");
        assertEquals(ERROR_INVALID_HANDLE, a.GetLastError());
        assertFalse(a.RtReleaseMutex(mutex));
        assertEquals(ERROR_INVALID_HANDLE, a.GetLastError());

        // An unnamed object's slot names the page that stands for a's process, not the object: closing it from b
        // frees the slot and must leave a's process alone; a releases the event itself at its next call.
        int process = a.GetRtThreadHandles(THIS_PROCESS).handle();
        List<String> files = store.objectFiles();
        assertTrue(b.CloseHandle(unnamed), "b closes a's unnamed event by its value");
        assertEquals(files, store.objectFiles(), "a's process object and the event are both still there");
        assertFalse(a.RtSetEvent(unnamed));
        assertEquals(ERROR_INVALID_HANDLE, a.GetLastError());
        assertEquals(files.size() - 1, store.objectFiles().size(), "a's call released the unnamed event");
        assertEquals(process, a.GetRtThreadHandles(THIS_PROCESS).handle(), "a's process handle is intact");
    }

    // ------------------------------------------------------------------ helpers

    /** Runs a call on a new platform thread (mutex ownership is per thread); await its result with a deadline. */
    private static <T> Future<T> onAnotherThread(Callable<T> call) {
        FutureTask<T> task = new FutureTask<>(call);
        Thread.ofPlatform().daemon().start(task);
        return task;
    }

    /** Asserts that a wait is still blocked 100 ms from now. */
    private static void assertStillBlocked(Future<?> wait) {
        assertThrows(TimeoutException.class, () -> wait.get(100, MILLISECONDS), "the wait is blocked");
    }

    /** Waits until the event's state shows {@code count} waits (the backend's count of registered waits). */
    private void awaitWaiting(String name, int count) {
        Await.until(count + " waits on " + name,
                () -> store.backend.lookup(name).orElseThrow().objectState() instanceof ObjectState.Event e
                        && e.waiting() == count);
    }

    /** The first of the waits to finish, awaited with a deadline. */
    @SafeVarargs
    private static Future<Integer> firstDone(Future<Integer>... waits) {
        Await.until("a wait finished", () -> Stream.of(waits).anyMatch(Future::isDone));
        return Stream.of(waits).filter(Future::isDone).findFirst().orElseThrow();
    }

    /**
     * Pulses until one of the waits finishes and returns it. A wait that is between two of its slices at the moment
     * of a pulse misses it, as any thread that is not waiting then does; the next pulse releases it.
     */
    @SafeVarargs
    private Future<Integer> pulseUntilOneIsReleased(long event, Future<Integer>... waits) {
        Await.until("a pulse released a wait", () -> {
            assertTrue(a.RtPulseEvent(event));
            LockSupport.parkNanos(MILLISECONDS.toNanos(20));
            return Stream.of(waits).anyMatch(Future::isDone);
        });
        return firstDone(waits);
    }
}
