package shm.personality.intime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static shm.api.intime.IntimeConstants.*;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToIntBiFunction;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import shm.api.ObjectState;
import shm.api.intime.Iwin32Result;
import shm.provider.mmap.MmapBackend;
import shm.provider.mmap.MmapSettings;
import shm.testkit.Await;
import shm.testkit.OtherThread;

/**
 * The INtime process outlives a backend swap (its backend leaves and the next one of the same store comes) and an
 * update of its own bundle (issue 10): GDT slots, the process handle, catalog entries, allocations, mappings and iwin32
 * handles are as they were (unnamed events, mutexes and semaphores included, with their state and a mutex's owner),
 * nothing was destroyed on the way, and only pointers given out before fail (cleanly).
 */
class IntimeSwapTest {

    private static final String STORE = "the-store";
    /** DS's deactivation reason when the component's bundle stops (an update, stop or refresh). */
    private static final int BUNDLE_STOPPED = 6;

    @RegisterExtension
    final IntimeFixture store = new IntimeFixture();

    /** What one process made before the swap, to check after it. */
    private record Made(MemorySegment block, int memoryHandle, int self, long iwin32Memory, long event,
                        Unnamed unnamed) {
    }

    /** An unnamed event (manual reset, set), mutex (owned by the thread that made it) and semaphore (count 3 of 5). */
    private record Unnamed(long event, long mutex, long semaphore) {
    }

    @Test
    void theProcessMovesToTheNextBackendOfItsStore() {
        MmapBackend first = parking();
        IntimePersonality process = store.track(new IntimePersonality(IntimeSettings.defaults()));
        process.useBackend(first, STORE);
        Made made = make(process);

        process.backendGone(first);
        first.park();
        assertEquals(E_NOT_CONFIGURED, process.AllocateRtMemory(16).status(), "calls wait for a backend");
        assertTrue(store.backend.lookup("swap.memory").isPresent(), "nothing was destroyed on the way");

        process.useBackend(store.track(parking()), STORE);
        check(process, made);
        process.close();
        assertTrue(store.objectFiles().isEmpty(), "the process's end released everything, unnamed objects included: "
                + store.objectFiles());
    }

    @Test
    void theProcessOutlivesAnUpdateOfItsBundle() {
        MmapBackend backend = store.track(parking());
        IntimePersonalityComponent first = IntimeSettingsTest.component(IntimeSettingsTest.config(Map.of()));
        first.bindBackend(backend, Map.of(shm.api.spi.ShmBackend.NAMESPACE_PROPERTY, STORE));
        Made made = make(first.personality());
        first.deactivate(BUNDLE_STOPPED);
        first.unbindBackend(backend);
        assertTrue(store.backend.lookup("swap.memory").isPresent(), "nothing was destroyed on the way");

        IntimePersonalityComponent next = IntimeSettingsTest.component(IntimeSettingsTest.config(Map.of()));
        next.bindBackend(backend, Map.of(shm.api.spi.ShmBackend.NAMESPACE_PROPERTY, STORE));
        check(next.personality(), made);
        next.deactivate(IntimeSettingsTest.DISPOSED);
        assertTrue(store.objectFiles().isEmpty(), "the process's end released everything, the kept state and unnamed"
                + " objects included: " + store.objectFiles());
    }

    /**
     * A pointer {@code AllocateRtMemory} gave out stays good for {@code FreeRtMemory} however many updates later: each
     * revision maps the block anew (other mappings take its old place here), and the addresses it had before are
     * carried along, not only the last one.
     */
    @Test
    void theFirstPointerStillFreesAfterSeveralUpdates() {
        MmapBackend backend = store.track(parking());
        IntimePersonalityComponent revision = IntimeSettingsTest.component(IntimeSettingsTest.config(Map.of()));
        revision.bindBackend(backend, Map.of(shm.api.spi.ShmBackend.NAMESPACE_PROPERTY, STORE));
        MemorySegment first = revision.personality().AllocateRtMemory(PAGE_SIZE).address();
        first.setString(0, "first");
        java.util.List<shm.api.spi.BackendHandle> fillers = new java.util.ArrayList<>();
        for (int update = 0; update < 3; update++) {
            revision.deactivate(BUNDLE_STOPPED);
            revision.unbindBackend(backend);
            for (int i = 0; i < 4; i++) {   // mappings that take the places the block had, so that it moves
                fillers.add(store.backend.createOrOpen(shm.api.ObjectType.SHARED_MEMORY, "filler." + update + "." + i,
                        PAGE_SIZE, shm.api.MapOptions.DEFAULT));
            }
            revision = IntimeSettingsTest.component(IntimeSettingsTest.config(Map.of()));
            revision.bindBackend(backend, Map.of(shm.api.spi.ShmBackend.NAMESPACE_PROPERTY, STORE));
        }
        var created = revision.personality().CreateRtMemoryHandle(first, PAGE_SIZE);
        assertEquals(E_OK, created.status(), "CreateRtMemoryHandle of the first pointer");
        int handle = created.handle();
        assertEquals("first", revision.personality().MapRtSharedMemory(handle).address().getString(0),
                "the first pointer names the allocation");
        assertTrue(revision.personality().DeleteRtMemoryHandle(handle));
        assertEquals(PAGE_SIZE, revision.personality().FreeRtMemory(first), "the first pointer still frees it");
        fillers.forEach(shm.api.spi.BackendHandle::close);
        revision.deactivate(IntimeSettingsTest.DISPOSED);
    }

    /**
     * Sets made without the process's lock (issue 14) while the process moves again and again to the next backend of
     * its store: each answers TRUE (made before a move, or after it under the lock on the moved event; none meets its
     * event closed half-way), and the event comes out of the moves set, as the last set left it.
     */
    @Test
    void setsMadeWhileTheProcessMovesAllSucceed() throws InterruptedException {
        IntimePersonality process = store.track(new IntimePersonality(IntimeSettings.defaults()));
        process.useBackend(store.track(parking()), STORE);
        long event = process.RtCreateEvent(true, false, "racing.event").handle();
        AtomicBoolean moving = new AtomicBoolean(true);
        AtomicLong sets = new AtomicLong();
        List<String> failures = new CopyOnWriteArrayList<>();
        Thread setter = Thread.ofPlatform().start(() -> {
            while (moving.get()) {
                if (!process.RtSetEvent(event) || !process.RtResetEvent(event)) {
                    failures.add("error " + process.GetLastError() + ": " + process.lastFailure());
                }
                sets.incrementAndGet();
            }
            process.RtSetEvent(event);
        });
        try {
            for (int move = 0; move < 40; move++) {
                long before = sets.get();
                Await.until("the setter's calls go on between moves", () -> sets.get() > before + 1000);
                process.useBackend(store.track(parking()), STORE);
            }
        } finally {
            moving.set(false);
            setter.join(Await.DEADLINE);
        }
        assertEquals(List.of(), failures, "no set or reset failed");
        assertEquals(WAIT_OBJECT_0, process.WaitForSingleObject(event, 0), "the event is set, as the last set left it");
        process.close();
    }

    /**
     * A wait that blocks while the process moves to the next backend of its store goes on, on the moved event (issue
     * 14): a set after the move releases it with WAIT_OBJECT_0, as if nothing had moved. A wait whose handle is closed
     * still ends with WAIT_ABANDONED_0 ({@link Iwin32SyncTest}).
     */
    @Test
    void aWaitGoesOnWhileTheProcessMoves() throws Exception {
        assertAWaitGoesOnAcrossAMove((process, events) -> process.WaitForSingleObject(events[1], INFINITE),
                WAIT_OBJECT_0);
    }

    /** The same for a wait on several objects: it answers the index of the one set after the move. */
    @Test
    void aWaitOnSeveralGoesOnWhileTheProcessMoves() throws Exception {
        assertAWaitGoesOnAcrossAMove((process, events) -> process.WaitForMultipleObjects(2, events, false, INFINITE),
                WAIT_OBJECT_0 + 1);
    }

    /**
     * Waits with {@code wait} on two auto-reset events, moves the process (which closes the old objects under the
     * wait), sets the second event. The set may come before or after the wait has noticed the move and waits on the
     * moved event; either way it releases the wait.
     */
    private void assertAWaitGoesOnAcrossAMove(ToIntBiFunction<IntimePersonality, long[]> wait, int released)
            throws Exception {
        assertAWaitGoesOn(wait, released, false);
    }

    /**
     * A wait that blocks while the process's backend leaves with no successor (an update of the backend's bundle: the
     * process parks and waits for the next backend of its store) goes on on the next one: a set there releases it. A
     * wait begun in the gap fails at once, as every call then does.
     */
    @Test
    void aWaitGoesOnWhileTheBackendIsUpdated() throws Exception {
        assertAWaitGoesOn((process, events) -> process.WaitForSingleObject(events[1], INFINITE), WAIT_OBJECT_0, true);
    }

    /** The same for a wait on several objects. */
    @Test
    void aWaitOnSeveralGoesOnWhileTheBackendIsUpdated() throws Exception {
        assertAWaitGoesOn((process, events) -> process.WaitForMultipleObjects(2, events, false, INFINITE),
                WAIT_OBJECT_0 + 1, true);
    }

    /** A timed wait whose time runs out while the process waits for a backend answers WAIT_TIMEOUT. */
    @Test
    void aTimedWaitWhoseTimeRunsOutWhileTheBackendIsAwayTimesOut() throws Exception {
        MmapBackend first = store.track(parking());
        IntimePersonality process = store.track(new IntimePersonality(IntimeSettings.defaults()));
        process.useBackend(first, STORE);
        long event = process.RtCreateEvent(false, false, "away").handle();
        FutureTask<Integer> waiting = new FutureTask<>(() -> process.WaitForSingleObject(event, 300));
        Thread.ofPlatform().daemon().start(waiting);
        Await.until("the wait is registered", () -> waits(first, "away") == 1);

        process.backendGone(first);
        first.park();

        assertEquals(WAIT_TIMEOUT, waiting.get(Await.DEADLINE.toSeconds(), TimeUnit.SECONDS));
        process.close();
    }

    /**
     * Waits with {@code wait} on two auto-reset events while the process moves to the next backend of its store: both
     * bound at once, or ({@code gap}) the first gone before the next comes.
     */
    private void assertAWaitGoesOn(ToIntBiFunction<IntimePersonality, long[]> wait, int released, boolean gap)
            throws Exception {
        MmapBackend first = store.track(parking());
        IntimePersonality process = store.track(new IntimePersonality(IntimeSettings.defaults()));
        process.useBackend(first, STORE);
        long[] events = {process.RtCreateEvent(false, false, "moving.a").handle(),
            process.RtCreateEvent(false, false, "moving.b").handle()};
        FutureTask<Integer> waiting = new FutureTask<>(() -> wait.applyAsInt(process, events));
        Thread.ofPlatform().daemon().start(waiting);
        Await.until("the wait is registered", () -> waits(first, "moving.b") == 1);

        if (gap) {
            process.backendGone(first);
            first.park();
            assertEquals(WAIT_FAILED, process.WaitForSingleObject(events[0], (int) Await.DEADLINE.toMillis()),
                    "a wait begun without a backend fails at once");
        }
        MmapBackend next = store.track(parking());
        process.useBackend(next, STORE);
        assertTrue(process.RtSetEvent(events[1]));
        assertEquals(released, waiting.get(Await.DEADLINE.toSeconds(), TimeUnit.SECONDS), "released by the set");
        assertEquals(WAIT_TIMEOUT, process.WaitForSingleObject(events[1], 0), "one set, one wait released");
        assertEquals(0, waits(next, "moving.a"), "the wait left nothing of itself in the events' state");
        assertEquals(0, waits(next, "moving.b"));
        assertTrue(process.RtSetEvent(events[1]));
        assertTrue(process.RtSetEvent(events[1]));
        assertEquals(WAIT_OBJECT_0, process.WaitForSingleObject(events[1], 0));
        assertEquals(WAIT_TIMEOUT, process.WaitForSingleObject(events[1], 0), "two sets with no wait keep one signal");
        process.close();
    }

    /** How many waits the event's state shows; -1 when it is no event. */
    private static long waits(MmapBackend backend, String name) {
        return backend.lookup(name).orElseThrow().objectState() instanceof ObjectState.Event state
                ? state.waiting() : -1;
    }

    private MmapBackend parking() {
        MmapBackend backend = new MmapBackend(MmapSettings.under(store.root));
        backend.parkHoldsFor(Duration.ofMinutes(1));
        return backend;
    }

    private static Made make(IntimePersonality process) {
        MemorySegment block = process.AllocateRtMemory(PAGE_SIZE).address();
        block.setString(0, "allocated before");
        int memoryHandle = process.CreateRtMemoryHandle(block, PAGE_SIZE).handle();
        assertTrue(process.CatalogRtHandle(NULL_RTHANDLE, memoryHandle, "swapseg"));
        int self = process.GetRtThreadHandles(THIS_PROCESS).handle();
        Iwin32Result memory = process.RtCreateSharedMemory(0, 0, 64, "swap.memory");
        memory.location().setString(0, "iwin32 before");
        Iwin32Result event = process.RtCreateEvent(true, true, "swap.event");
        assertTrue(memory.succeeded() && event.succeeded());
        Iwin32Result unnamedEvent = process.RtCreateEvent(true, true, null);
        Iwin32Result unnamedMutex = process.RtCreateMutex(true, null);
        Iwin32Result unnamedSemaphore = process.RtCreateSemaphore(3, 5, null);
        assertTrue(unnamedEvent.succeeded() && unnamedMutex.succeeded() && unnamedSemaphore.succeeded());
        return new Made(block, memoryHandle, self, memory.handle(), event.handle(), new Unnamed(unnamedEvent.handle(),
                unnamedMutex.handle(), unnamedSemaphore.handle()));
    }

    private void check(IntimePersonality process, Made made) {
        assertThrows(IllegalStateException.class, () -> made.block().getString(0), "an old pointer fails cleanly");
        MemorySegment mapped = process.MapRtSharedMemory(made.memoryHandle()).address();
        assertEquals("allocated before", mapped.getString(0), "the GDT slot names the same allocation");
        assertEquals(made.memoryHandle(), process.LookupRtHandle(NULL_RTHANDLE, "swapseg", 0).handle(),
                "the catalog entry is still this process's");
        assertEquals(made.self(), process.GetRtThreadHandles(THIS_PROCESS).handle(), "the same process handle");
        assertEquals(WAIT_OBJECT_0, process.WaitForSingleObject(made.event(), 0), "the same event, still set");
        assertEquals("iwin32 before", process.RtOpenSharedMemory(0, false, "swap.memory").location().getString(0));
        assertTrue(process.CloseHandle(made.iwin32Memory()), "the iwin32 handle value is still valid");
        assertEquals(0, process.FreeRtMemory(mapped), "the new mapping is removed");
        assertEquals(PAGE_SIZE, process.FreeRtMemory(made.block()), "the old pointer still frees the allocation");
        Unnamed unnamed = made.unnamed();
        assertEquals(WAIT_OBJECT_0, process.WaitForSingleObject(unnamed.event(), 0),
                "the same unnamed event, still set");
        assertEquals(WAIT_TIMEOUT, otherThreadsWait(process, unnamed.mutex()), "the unnamed mutex is still owned");
        assertTrue(process.RtReleaseMutex(unnamed.mutex()), "by this thread, which made it owned");
        assertEquals(WAIT_OBJECT_0, otherThreadsWait(process, unnamed.mutex()), "released, it is free");
        assertEquals(3, process.RtReleaseSemaphore(unnamed.semaphore(), 1), "its count went on from 3");
        List<String> before = store.objectFiles();
        for (long handle : new long[] {unnamed.event(), unnamed.mutex(), unnamed.semaphore()}) {
            assertTrue(process.CloseHandle(handle), "the unnamed object's handle value is still valid");
        }
        List<String> after = store.objectFiles();
        assertTrue(before.containsAll(after) && before.size() - after.size() == 3, "the closes released the three"
                + " unnamed objects, and only them (the process's own object, which their slots name, stays): "
                + before + " -> " + after);
    }

    /** {@link OtherThread#triesMutex} through {@code p}'s calls. */
    private static int otherThreadsWait(IntimePersonality p, long mutex) {
        return OtherThread.triesMutex(h -> p.WaitForSingleObject(h, 0), p::RtReleaseMutex, mutex);
    }
}
