package shm.provider.mmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static shm.testkit.Reasons.assertReason;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import shm.api.ErrorReason;
import shm.api.MapOptions;
import shm.api.NamedEvent;
import shm.api.NamedMutex;
import shm.api.NamedSemaphore;
import shm.api.ObjectInfo;
import shm.api.ObjectState;
import shm.api.ObjectType;
import shm.api.ShmException;
import shm.api.WaitResult;
import shm.api.spi.BackendHandle;
import shm.testkit.StoreFixture;

/**
 * Events, mutexes and semaphores as named objects of the mmap backend: one namespace with shared memory in both
 * directions, create-or-open, lifetime, and the cross-process cases (a signal that wakes another process, a mutex
 * whose owner is killed).
 */
class NamedSyncObjectsTest {

    @RegisterExtension
    final StoreFixture<MmapBackend> store = MmapStores.fresh();
    private final Path root = store.root();
    private final MmapBackend backend = store.backend();


    @Test
    void theNamespaceIsSharedWithSharedMemoryInBothDirections() {
        try (BackendHandle memory = backend.createOrOpen(ObjectType.SHARED_MEMORY, "taken", 64, MapOptions.DEFAULT)) {
            assertReason(ErrorReason.NAME_USED_BY_OTHER_TYPE, () -> backend.createOrOpenEvent("taken", true, false));
            assertReason(ErrorReason.NAME_USED_BY_OTHER_TYPE, () -> backend.createOrOpenMutex("taken", false));
            assertReason(ErrorReason.NAME_USED_BY_OTHER_TYPE, () -> backend.createOrOpenSemaphore("taken", 0, 1));
        }
        try (NamedEvent event = backend.createOrOpenEvent("signal", false, false)) {
            assertReason(ErrorReason.NAME_USED_BY_OTHER_TYPE,
                    () -> backend.createOrOpen(ObjectType.SHARED_MEMORY, "signal", 64, MapOptions.DEFAULT));
            assertReason(ErrorReason.NAME_USED_BY_OTHER_TYPE, () -> backend.openMutex("signal"));
            assertEquals(ObjectType.EVENT, backend.lookup("signal").orElseThrow().type());
        }
        assertEquals(List.of(), backend.list(), "the last close destroyed the event");
    }

    @Test
    void createOrOpenKeepsTheExistingStateAndOpenNeedsAnExistingObject() {
        assertReason(ErrorReason.NOT_FOUND, () -> backend.openEvent("none"));
        try (NamedEvent first = backend.createOrOpenEvent("e", true, true);
             NamedEvent second = backend.createOrOpenEvent("e", false, false)) {
            assertFalse(first.alreadyExisted());
            assertTrue(second.alreadyExisted());
            assertTrue(second.manualReset(), "the existing event keeps its reset mode");
            assertEquals(WaitResult.SIGNALED, second.await(Duration.ZERO), "and its state");
            second.reset();
            assertEquals(WaitResult.TIMEOUT, first.await(Duration.ofMillis(1)));
        }
        try (NamedSemaphore s = backend.createOrOpenSemaphore("s", 1, 2);
             NamedSemaphore again = backend.createOrOpenSemaphore("s", 0, 9)) {
            assertEquals(2, again.maximumCount());
            assertEquals(WaitResult.SIGNALED, again.acquire(Duration.ZERO));
            assertEquals(WaitResult.TIMEOUT, s.acquire(Duration.ZERO));
            assertEquals(0, s.release(2));
            assertReason(ErrorReason.INVALID_PARAMETER, () -> s.release(1));
        }
        assertReason(ErrorReason.INVALID_PARAMETER, () -> backend.createOrOpenSemaphore("bad", 3, 2));
        assertEquals(List.of(), backend.list());
    }

    @Test
    void aMutexIsRecursiveOwnedByOneThreadAndReleasedByItsOwnerOnly() throws Exception {
        try (NamedMutex mutex = backend.createOrOpenMutex("m", true)) {
            assertTrue(mutex.heldByCurrentThread(), "initially owned");
            assertEquals(WaitResult.SIGNALED, mutex.acquire(Duration.ZERO));
            Thread other = Thread.ofPlatform().start(() -> {
                assertEquals(WaitResult.TIMEOUT, mutex.acquire(Duration.ofMillis(20)));
                assertReason(ErrorReason.WRONG_STATE, mutex::release);
            });
            other.join();
            mutex.release();
            mutex.release();
            assertFalse(mutex.heldByCurrentThread());
            assertReason(ErrorReason.WRONG_STATE, mutex::release);
        }
    }

    @Test
    void anInitiallyOwnedMutexIsNeverTakenBetweenItsCreateAndItsOwner() throws Exception {
        // Before the fix the creator acquired after the create had released the table lock and ignored the result:
        // a thread that opened the new mutex in between could take it, and the creator believed it owned it. That
        // window is too narrow to hit reliably here (1000 rounds did not); this guards the owned-from-birth state.
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger opened = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger created = new java.util.concurrent.atomic.AtomicInteger();
        Thread thief = Thread.ofPlatform().start(() -> {
            while (!stop.get()) {
                try (NamedMutex mutex = backend.openMutex("raced")) {
                    opened.incrementAndGet();
                    if (mutex.acquire(Duration.ZERO) != WaitResult.TIMEOUT) {
                        mutex.release(); // free again (the creator released it), or taken before it: see below
                    }
                } catch (ShmException notThereNow) {
                    // between two rounds: the creator closed it
                }
            }
        });
        try {
            for (int round = 0; round < 1000; round++) {
                try (NamedMutex mutex = backend.createOrOpenMutex("raced", true)) {
                    if (mutex.alreadyExisted()) {
                        continue; // the other thread still held last round's: opened, not owned (as Win32 does)
                    }
                    created.incrementAndGet();
                    assertTrue(mutex.heldByCurrentThread(), "round " + round + ": the creator owns it");
                    mutex.release();
                }
            }
        } finally {
            stop.set(true);
            thief.join();
        }
        assertTrue(opened.get() > 0 && created.get() > 0, "nothing raced: opened " + opened + ", created " + created);
    }

    @Test
    void theListingSaysEachObjectsState() {
        try (NamedEvent event = backend.createOrOpenEvent("ev", true, true);
             NamedMutex mutex = backend.createOrOpenMutex("mx", true);
             NamedSemaphore semaphore = backend.createOrOpenSemaphore("sem", 1, 3);
             BackendHandle memory = backend.createOrOpen(ObjectType.SHARED_MEMORY, "mem", 64, MapOptions.DEFAULT)) {
            java.util.Map<String, ObjectState> states = new java.util.HashMap<>();
            backend.list().forEach(info -> states.put(info.name(), info.objectState()));
            assertEquals(new ObjectState.Event(true, true, 0), states.get("ev"));
            assertEquals(new ObjectState.Mutex(ProcessHandle.current().pid(), Thread.currentThread().threadId(), 1),
                    states.get("mx"));
            assertEquals(new ObjectState.Semaphore(1, 3), states.get("sem"));
            assertEquals(ObjectState.NONE, states.get("mem"));
            mutex.release();
            assertEquals(ObjectState.Mutex.FREE, backend.lookup("mx").orElseThrow().objectState());
        }
    }

    @Test
    void useAfterCloseIsRefusedClearly() {
        NamedEvent event = backend.createOrOpenEvent(null, true, false);
        event.close();
        event.close();
        assertReason(ErrorReason.CLOSED, event::set);
        assertReason(ErrorReason.CLOSED, () -> event.await(Duration.ZERO));
    }

    @Test
    void aSetInOneProcessWakesAWaiterInAnother() {
        try (NamedEvent event = backend.createOrOpenEvent("wake", false, false);
             ChildJvm child = ChildJvm.start(root)) {
            assertEquals("WAITING", child.send("wait-event wake 30"));
            event.set(); // an auto-reset event stays signaled until a waiter comes, so the order does not matter
            assertEquals("OK SIGNALED", child.nextLine());
            child.exit();
        }
    }

    @Test
    void aMutexWhoseOwnerIsKilledIsAcquiredAbandonedNotDeadlocked() {
        try (NamedMutex mutex = backend.createOrOpenMutex("guard", false);
             ChildJvm child = ChildJvm.start(root)) {
            assertEquals("SIGNALED", child.ok("own-mutex guard"));
            assertEquals(WaitResult.TIMEOUT, mutex.acquire(Duration.ofMillis(20)), "the live owner holds it");
            child.kill();
            assertEquals(WaitResult.ABANDONED, mutex.acquire(Duration.ofSeconds(10)));
            assertTrue(mutex.heldByCurrentThread());
            mutex.release();
            assertEquals(WaitResult.SIGNALED, mutex.acquire(Duration.ZERO));
            mutex.release();
        }
        List<ObjectInfo> left = backend.list();
        assertEquals(List.of(), left, "the dead owner's handle was reaped and ours closed");
    }
}
