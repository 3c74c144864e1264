package shm.personality.rtx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static shm.api.rtx.RtxConstants.*;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToIntBiFunction;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import shm.api.ObjectState;
import shm.api.rtx.RtssInstance;
import shm.api.rtx.RtxResult;
import shm.api.spi.ShmBackend;
import shm.provider.mmap.MmapBackend;
import shm.provider.mmap.MmapSettings;
import shm.testkit.Await;
import shm.testkit.OtherThread;
import shm.testkit.PausingBackend;

/**
 * An update of the personality's own bundle (issue 10): the "process" suspends into the store and its next revision
 * (a new personality instance) resumes it: every handle keeps its value and names the same object, nothing is
 * destroyed on the way, the kept table itself is gone once taken. Unnamed events, mutexes and semaphores are kept as
 * the named ones are: same handle values, same state, a mutex's owner included.
 */
class RtxKeptStateTest {

    private static final String STATE = "shm.kept.rtx.test";
    private static final String STORE = "the-store";

    @RegisterExtension
    final RtxFixture store = new RtxFixture();

    @Test
    void handlesKeepTheirValuesAndObjectsAcrossARevision() throws Exception {
        MmapBackend backend = store.track(new MmapBackend(MmapSettings.under(store.root)));
        backend.parkHoldsFor(Duration.ofMinutes(1));
        RtxPersonality first = revision(backend);
        RtxResult memory = first.RtCreateSharedMemory(PAGE_READWRITE, 0, 4096, "kept.memory");
        memory.location().setString(0, "written by the first revision");
        RtxResult event = first.RtCreateEvent(true, true, "kept.event");
        RtxResult mutex = first.RtCreateMutex(false, "kept.mutex");
        RtxResult semaphore = first.RtCreateSemaphore(2, 5, "kept.semaphore");
        RtxResult unnamed = first.RtCreateEvent(true, true, null);
        RtxResult unnamedMutex = first.RtCreateMutex(true, null);
        RtxResult unnamedSemaphore = first.RtCreateSemaphore(3, 5, null);
        RtssInstance rtss = first.RtkRtssAttach(4);
        RtxResult rtk = first.RtkCreateSharedMemory(rtss.value(), PAGE_READWRITE, 0, 4096, "kept.rtk");
        assertTrue(memory.succeeded() && event.succeeded() && mutex.succeeded() && semaphore.succeeded()
                && unnamed.succeeded() && unnamedMutex.succeeded() && unnamedSemaphore.succeeded() && rtk.succeeded());

        assertEquals(8, first.suspend(STATE), "every object is kept, named or not");
        first.close();
        assertTrue(backend.lookup("kept.memory").isPresent(), "nothing was destroyed on the way");
        assertTrue(backend.lookup("kept.semaphore").isPresent());
        assertThrowsIllegalState(memory.location());

        RtxPersonality next = revision(backend);
        assertEquals(8, next.resume(backend, STATE));
        assertTrue(backend.lookup(STATE).isEmpty(), "the kept table is destroyed once taken");
        assertEquals(WAIT_OBJECT_0, next.RtWaitForSingleObject(event.handle(), 0), "the same event, still set");
        assertEquals(WAIT_OBJECT_0, next.RtWaitForSingleObject(semaphore.handle(), 0), "the same semaphore");
        assertEquals(1, next.RtReleaseSemaphore(semaphore.handle(), 1), "its count went on from 1");
        assertEquals(WAIT_OBJECT_0, next.RtWaitForSingleObject(mutex.handle(), 0));
        assertTrue(next.RtReleaseMutex(mutex.handle()));
        RtxResult reopened = next.RtOpenSharedMemory(SHM_MAP_WRITE, false, "kept.memory");
        assertEquals("written by the first revision", reopened.location().getString(0));
        assertEquals(WAIT_OBJECT_0, next.RtWaitForSingleObject(unnamed.handle(), 0),
                "the same unnamed event, still set");
        assertEquals(WAIT_TIMEOUT, otherThreadsWait(next, unnamedMutex.handle()), "the unnamed mutex is still owned");
        assertTrue(next.RtReleaseMutex(unnamedMutex.handle()), "by this thread, which made it owned");
        assertEquals(WAIT_OBJECT_0, otherThreadsWait(next, unnamedMutex.handle()), "released, it is free");
        assertEquals(3, next.RtReleaseSemaphore(unnamedSemaphore.handle(), 1), "its count went on from 3");

        RtxResult later = next.RtCreateEvent(false, false, "kept.later");
        assertTrue(later.handle() > rtk.handle(), "values are never reused");
        for (long handle : new long[] {memory.handle(), event.handle(), mutex.handle(), semaphore.handle(),
                reopened.handle(), later.handle(), unnamed.handle(), unnamedMutex.handle(),
                unnamedSemaphore.handle()}) {
            assertTrue(next.RtCloseHandle(handle), "handle 0x" + Long.toHexString(handle));
        }
        assertEquals(ERROR_SUCCESS, next.RtkCloseHandle(rtss.value(), rtk.handle()), "the Rtk instance is valid too");
        assertTrue(backend.list().isEmpty(), "the last close of each kept handle destroyed its object: "
                + backend.list());
        assertEquals(List.of(), unnamedFiles(), "the unnamed ones too");
    }

    private List<String> unnamedFiles() throws java.io.IOException {
        try (var files = java.nio.file.Files.list(store.root)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("u.")).toList();
        }
    }

    /**
     * A backend swap (the personality stays): the unnamed event, mutex and semaphore park with the leaving backend and
     * are found again by the reference taken while it was known; their values, state and the mutex's owner stay.
     */
    @Test
    void unnamedSyncObjectsMoveToTheNextBackendOfTheirStore() throws Exception {
        MmapBackend first = store.track(new MmapBackend(MmapSettings.under(store.root)));
        first.parkHoldsFor(Duration.ofMinutes(1));
        RtxPersonality personality = revision(first);
        RtxResult event = personality.RtCreateEvent(true, true, null);
        RtxResult mutex = personality.RtCreateMutex(true, null);
        RtxResult semaphore = personality.RtCreateSemaphore(3, 5, null);
        assertTrue(event.succeeded() && mutex.succeeded() && semaphore.succeeded());

        personality.backendGone(first);
        first.park();
        assertEquals(3, unnamedFiles().size(), "nothing was destroyed on the way");
        assertFalse(personality.RtSetEvent(event.handle()), "no backend: the call fails, and throws nothing");
        assertEquals(ERROR_INVALID_HANDLE, personality.RtGetLastError());
        assertFalse(personality.RtReleaseMutex(mutex.handle()));
        assertEquals(ERROR_INVALID_HANDLE, personality.RtGetLastError());
        assertEquals(WAIT_FAILED, personality.RtWaitForSingleObject(event.handle(), 0));
        assertEquals(ERROR_INVALID_HANDLE, personality.RtGetLastError());
        assertEquals(WAIT_FAILED, personality.RtWaitForMultipleObjects(1, new long[] {event.handle()}, false, 0));
        assertEquals(ERROR_INVALID_HANDLE, personality.RtGetLastError());
        MmapBackend next = store.track(new MmapBackend(MmapSettings.under(store.root)));
        personality.useBackend(next, STORE);

        assertEquals(WAIT_OBJECT_0, personality.RtWaitForSingleObject(event.handle(), 0), "the same event, still set");
        assertEquals(WAIT_TIMEOUT, otherThreadsWait(personality, mutex.handle()), "the mutex is still owned");
        assertTrue(personality.RtReleaseMutex(mutex.handle()), "by this thread");
        assertEquals(3, personality.RtReleaseSemaphore(semaphore.handle(), 1), "its count went on from 3");
        for (RtxResult handle : List.of(event, mutex, semaphore)) {
            assertTrue(personality.RtCloseHandle(handle.handle()));
        }
        assertEquals(List.of(), unnamedFiles(), "the closes were the last holds");
    }

    /**
     * Sets and resets made while the handles move again and again to the next backend of their store (issue 14):
     * each answers TRUE, made on the old event before the move or on the new one after it, never on an event the move
     * closed under it; the event comes out of the moves set, as the last set left it.
     */
    @Test
    void setsMadeWhileTheHandlesMoveAllSucceed() throws InterruptedException {
        RtxPersonality personality = revision(parking());
        long event = personality.RtCreateEvent(true, false, "racing.event").handle();
        AtomicBoolean moving = new AtomicBoolean(true);
        AtomicLong calls = new AtomicLong();
        List<String> failures = new CopyOnWriteArrayList<>();
        Thread setter = Thread.ofPlatform().start(() -> {
            while (moving.get()) {
                try {
                    if (!personality.RtSetEvent(event) || !personality.RtResetEvent(event)) {
                        failures.add("error " + personality.RtGetLastError());
                    }
                } catch (RuntimeException e) {
                    failures.add(e.toString());
                }
                calls.incrementAndGet();
            }
            personality.RtSetEvent(event);
        });
        try {
            for (int move = 0; move < 40; move++) {
                long before = calls.get();
                Await.until("the setter's calls go on between moves", () -> calls.get() > before + 1000);
                personality.useBackend(parking(), STORE);
            }
        } finally {
            moving.set(false);
            setter.join(Await.DEADLINE);
        }
        assertEquals(List.of(), failures, "no set or reset failed");
        assertEquals(WAIT_OBJECT_0, personality.RtWaitForSingleObject(event, 0), "set, as the last set left it");
        assertTrue(personality.RtCloseHandle(event));
    }

    /**
     * The old objects of a move stay open for the grace period only: a handle closed in the grace destroys its object
     * at once (its last close), and the others' old objects close when the grace ends, leaving the one hold of the new
     * backend.
     */
    @Test
    void theObjectsAMoveReplacedCloseAfterTheGraceOrWithTheirHandle() {
        RtxPersonality personality = revision(parking());
        long closing = personality.RtCreateEvent(true, false, "retired.closing").handle();
        long kept = personality.RtCreateSemaphore(1, 5, "retired.kept").handle();
        MmapBackend next = parking();
        personality.useBackend(next, STORE);
        assertEquals(2, personality.retiredObjects(), "both old objects are open in their grace");

        assertTrue(personality.RtCloseHandle(closing));
        assertTrue(next.lookup("retired.closing").isEmpty(), "the handle's last close destroyed the event at once");
        assertEquals(1, personality.retiredObjects());
        Await.until("the grace of the semaphore's old object ends, leaving the new backend's hold only",
                () -> next.lookup("retired.kept").orElseThrow().handleCount() == 1);
        assertEquals(0, personality.retiredObjects());
        assertEquals(1, personality.RtReleaseSemaphore(kept, 1), "the handle works on");
        assertTrue(personality.RtCloseHandle(kept));
        assertTrue(next.lookup("retired.kept").isEmpty());
    }

    /**
     * The signal calls and the single wait remember the handle they looked up last ({@link RecentHandle}); a move
     * replaces the handles' objects, and the calls made after it reach the moved objects, not the old ones, which here
     * close with their backend at once (a call that reached one would fail).
     */
    @Test
    void callsWithHandlesUsedJustBeforeAMoveReachTheMovedObjects() {
        MmapBackend first = parking();
        RtxPersonality personality = revision(first);
        long event = personality.RtCreateEvent(false, false, "recent.event").handle();
        long semaphore = personality.RtCreateSemaphore(0, 5, "recent.semaphore").handle();
        long mutex = personality.RtCreateMutex(false, "recent.mutex").handle();
        assertTrue(personality.RtSetEvent(event));
        assertEquals(WAIT_OBJECT_0, personality.RtWaitForSingleObject(event, 0));
        assertEquals(WAIT_OBJECT_0, personality.RtWaitForSingleObject(mutex, 0));
        assertTrue(personality.RtReleaseMutex(mutex), "the signal calls' last handle");

        personality.useBackend(parking(), STORE);
        first.close();

        assertFalse(personality.RtReleaseMutex(mutex));
        assertEquals(ERROR_NOT_OWNER, personality.RtGetLastError(), "the moved mutex answers: free, so not owned");
        assertEquals(WAIT_TIMEOUT, personality.RtWaitForSingleObject(event, 0), "the single wait's last handle");
        assertTrue(personality.RtSetEvent(event));
        assertEquals(WAIT_OBJECT_0, personality.RtWaitForSingleObject(event, 0));
        assertEquals(0, personality.RtReleaseSemaphore(semaphore, 1));
        assertEquals(WAIT_OBJECT_0, personality.RtWaitForSingleObject(mutex, 0));
        assertTrue(personality.RtReleaseMutex(mutex));
    }

    /**
     * A wait that blocks while the handles move to the next backend of their store goes on, on the moved event (issue
     * 14), also once the old object's grace has ended and it is closed: a set then releases it with WAIT_OBJECT_0.
     */
    @Test
    void aWaitGoesOnWhileTheHandlesMove() throws Exception {
        assertAWaitGoesOnAcrossAMove((personality, events) -> personality.RtWaitForSingleObject(events[1], INFINITE),
                WAIT_OBJECT_0);
    }

    /** The same for a wait on several objects: it answers the index of the one set after the move. */
    @Test
    void aWaitOnSeveralGoesOnWhileTheHandlesMove() throws Exception {
        assertAWaitGoesOnAcrossAMove(
                (personality, events) -> personality.RtWaitForMultipleObjects(2, events, false, INFINITE),
                WAIT_OBJECT_0 + 1);
    }

    /**
     * Waits with {@code wait} on two auto-reset events, moves the handles, lets the grace end (the old objects are
     * closed under the wait), sets the second event. The set may come before or after the wait has noticed and waits on
     * the moved event; either way it releases the wait.
     */
    private void assertAWaitGoesOnAcrossAMove(ToIntBiFunction<RtxPersonality, long[]> wait, int released)
            throws Exception {
        assertAWaitGoesOn(wait, released, false);
    }

    /**
     * A wait that blocks while its backend leaves with no successor (an update of the backend's bundle: the handles
     * wait for the next backend of their store) goes on on the next one: a set there releases it. A wait begun in the
     * gap fails at once, as every call then does (the test above of unnamed objects).
     */
    @Test
    void aWaitGoesOnWhileItsBackendIsUpdated() throws Exception {
        assertAWaitGoesOn((personality, events) -> personality.RtWaitForSingleObject(events[1], INFINITE),
                WAIT_OBJECT_0, true);
    }

    /** The same for a wait on several objects. */
    @Test
    void aWaitOnSeveralGoesOnWhileTheirBackendIsUpdated() throws Exception {
        assertAWaitGoesOn((personality, events) -> personality.RtWaitForMultipleObjects(2, events, false, INFINITE),
                WAIT_OBJECT_0 + 1, true);
    }

    /** A timed wait whose time runs out while its backend is away answers WAIT_TIMEOUT. */
    @Test
    void aTimedWaitWhoseTimeRunsOutWhileItsBackendIsAwayTimesOut() throws Exception {
        MmapBackend first = parking();
        RtxPersonality personality = revision(first);
        long event = personality.RtCreateEvent(false, false, "away").handle();
        FutureTask<Integer> waiting = new FutureTask<>(() -> personality.RtWaitForSingleObject(event, 300));
        Thread.ofPlatform().daemon().start(waiting);
        Await.until("the wait is registered", () -> waiting(first, "away") == 1);

        personality.backendGone(first);
        first.park();

        assertEquals(WAIT_TIMEOUT, waiting.get(Await.DEADLINE.toSeconds(), TimeUnit.SECONDS));
        personality.useBackend(parking(), STORE);
        assertTrue(personality.RtCloseHandle(event));
    }

    /**
     * Waits with {@code wait} on two auto-reset events while the handles move to the next backend of their store:
     * make-before-break, or ({@code gap}) with the first backend gone before the next comes.
     */
    private void assertAWaitGoesOn(ToIntBiFunction<RtxPersonality, long[]> wait, int released, boolean gap)
            throws Exception {
        MmapBackend first = parking();
        RtxPersonality personality = revision(first);
        long[] events = {personality.RtCreateEvent(false, false, "moving.a").handle(),
            personality.RtCreateEvent(false, false, "moving.b").handle()};
        FutureTask<Integer> waiting = new FutureTask<>(() -> wait.applyAsInt(personality, events));
        Thread.ofPlatform().daemon().start(waiting);
        Await.until("the wait is registered", () -> waiting(first, "moving.b") == 1);

        if (gap) {
            personality.backendGone(first);
            first.park();
            assertEquals(WAIT_FAILED, personality.RtWaitForSingleObject(events[0], (int) Await.DEADLINE.toMillis()),
                    "a wait begun without a backend fails at once");
            assertEquals(ERROR_INVALID_HANDLE, personality.RtGetLastError());
        }
        MmapBackend next = parking();
        personality.useBackend(next, STORE);
        Await.until("the old events' grace ends", () -> personality.retiredObjects() == 0);
        assertTrue(personality.RtSetEvent(events[1]));
        assertEquals(released, waiting.get(Await.DEADLINE.toSeconds(), TimeUnit.SECONDS), "released by the set");
        assertEquals(WAIT_TIMEOUT, personality.RtWaitForSingleObject(events[1], 0), "one set, one wait released");
        assertEquals(0, waiting(next, "moving.a"), "the wait left nothing of itself in the events' state");
        assertEquals(0, waiting(next, "moving.b"));
        assertTrue(personality.RtSetEvent(events[1]));
        assertTrue(personality.RtSetEvent(events[1]));
        assertEquals(WAIT_OBJECT_0, personality.RtWaitForSingleObject(events[1], 0));
        assertEquals(WAIT_TIMEOUT, personality.RtWaitForSingleObject(events[1], 0),
                "two sets with no wait keep one signal");
        for (long event : events) {
            assertTrue(personality.RtCloseHandle(event));
        }
    }

    /**
     * A wait on several objects that begins while a move of the handles is half done (one handle reopened on the next
     * backend, the other not yet) waits for the move to end and then waits on the moved objects, as a wait begun just
     * before or after the move does; it used to fail at once with ERROR_INVALID_HANDLE ("no single wait covers two
     * backends"). A poll begun then waits for the move too, and answers for the moved objects (nothing signaled).
     */
    @Test
    void aWaitOnSeveralBegunWhileTheHandlesMoveWaitsForTheMoveToEnd() throws Exception {
        MmapBackend first = parking();
        RtxPersonality personality = revision(first);
        long[] events = {personality.RtCreateEvent(false, false, "half.a").handle(),
                personality.RtCreateEvent(false, false, "half.b").handle()};
        CountDownLatch halfDone = new CountDownLatch(1);
        CountDownLatch goOn = new CountDownLatch(1);
        // the move reopens the handles' events one by one: it stops at the second
        ShmBackend next = PausingBackend.pausingAt(parking(), "openEvent", 2, halfDone, goOn);
        FutureTask<Void> move = new FutureTask<>(() -> personality.useBackend(next, STORE), null);
        Thread.ofPlatform().daemon().start(move);
        assertTrue(halfDone.await(Await.DEADLINE.toSeconds(), TimeUnit.SECONDS), "the move reopened one handle");

        FutureTask<Integer> poll = new FutureTask<>(() -> personality.RtWaitForMultipleObjects(2, events, false, 0));
        Thread poller = Thread.ofPlatform().daemon().start(poll);
        FutureTask<Integer> waiting = new FutureTask<>(
                () -> personality.RtWaitForMultipleObjects(2, events, false, INFINITE));
        Thread waiter = Thread.ofPlatform().daemon().start(waiting);
        Await.until("both wait for the move", () -> poll.isDone() || waiting.isDone()
                || poller.getState() == Thread.State.TIMED_WAITING && waiter.getState() == Thread.State.TIMED_WAITING);
        assertFalse(poll.isDone(), "the poll waits for the move, it does not fail");
        assertFalse(waiting.isDone(), "the wait waits for the move, it does not fail");

        goOn.countDown();
        move.get(Await.DEADLINE.toSeconds(), TimeUnit.SECONDS);
        assertEquals(WAIT_TIMEOUT, poll.get(Await.DEADLINE.toSeconds(), TimeUnit.SECONDS),
                "the poll answered for the moved events: none is signaled");
        assertTrue(personality.RtSetEvent(events[1]));
        assertEquals(WAIT_OBJECT_0 + 1, waiting.get(Await.DEADLINE.toSeconds(), TimeUnit.SECONDS),
                "released by a set of the moved event");
        for (long event : events) {
            assertTrue(personality.RtCloseHandle(event));
        }
    }

    private static long waiting(MmapBackend backend, String name) {
        return backend.lookup(name).orElseThrow().objectState() instanceof ObjectState.Event state
                ? state.waiting() : -1;
    }

    @Test
    void withoutKeptStateARevisionStartsEmpty() {
        MmapBackend backend = store.track(new MmapBackend(MmapSettings.under(store.root)));
        RtxPersonality fresh = revision(backend);
        assertEquals(0, fresh.resume(backend, STATE));
        assertEquals(0, fresh.openHandles());
    }

    private MmapBackend parking() {
        MmapBackend backend = store.track(new MmapBackend(MmapSettings.under(store.root)));
        backend.parkHoldsFor(Duration.ofMinutes(1));
        return backend;
    }

    private RtxPersonality revision(MmapBackend backend) {
        RtxPersonality personality = store.track(new RtxPersonality(RtxSettings.defaults()));
        personality.useBackend(backend, STORE);
        return personality;
    }

    private static void assertThrowsIllegalState(MemorySegment before) {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> before.getString(0),
                "a location given out before fails cleanly");
    }

    /** {@link OtherThread#triesMutex} through {@code p}'s calls. */
    private static int otherThreadsWait(RtxPersonality p, long mutex) {
        return OtherThread.triesMutex(h -> p.RtWaitForSingleObject(h, 0), p::RtReleaseMutex, mutex);
    }
}
