package shm.provider.mmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import shm.api.ErrorReason;
import shm.api.MapOptions;
import shm.api.NamedEvent;
import shm.api.NamedMutex;
import shm.api.NamedSemaphore;
import shm.api.ObjectType;
import shm.api.ShmException;
import shm.api.WaitResult;
import shm.api.spi.BackendHandle;
import shm.api.spi.ObjectRef;
import shm.api.spi.ParkedHold;
import shm.testkit.OtherThread;
import shm.testkit.TmpfsDirectory;

/**
 * Parked holds: a backend instance that goes away while its process lives keeps the process's holds in the table
 * until its deadline; the successor's open, made {@linkplain MmapBackend#reclaiming reclaiming}, takes one back, and
 * no other open does; past the deadline any participant releases it like a dead process's hold. Events, mutexes and
 * semaphores are parked and found again by reference.
 */
class ParkedHoldsTest {

    private static final ObjectType SHM = ObjectType.SHARED_MEMORY;
    private static final long PID = ProcessHandle.current().pid();

    private TmpfsDirectory tmpfs;
    private Path root;

    @BeforeEach
    void open() {
        tmpfs = new TmpfsDirectory();
        root = tmpfs.path().resolve("ns");
    }

    @AfterEach
    void closeAll() throws IOException {
        tmpfs.close();
    }

    @Test
    void theNextInstanceTakesParkedHoldsOverAndTheObjectNeverDies() throws IOException {
        MmapBackend first = new MmapBackend(MmapSettings.under(root));
        first.parkHoldsFor(Duration.ofMinutes(1));
        BackendHandle named = first.createOrOpen(SHM, "kept", 4096, MapOptions.DEFAULT);
        BackendHandle unnamed = first.createUnnamed(SHM, 64, MapOptions.DEFAULT);
        named.segment().set(ValueLayout.JAVA_LONG, 0, 42L);
        unnamed.segment().set(ValueLayout.JAVA_LONG, 0, 43L);
        Object inode = Files.getAttribute(root.resolve("n.kept"), "unix:ino");

        assertEquals(2, first.park());
        assertFalse(named.isOpen());

        try (MmapBackend second = new MmapBackend(MmapSettings.under(root))) {
            List<ParkedHold> parked = second.parkedHolds();
            assertEquals(2, parked.size(), parked.toString());
            ParkedHold kept = parked.stream().filter(p -> "kept".equals(p.name())).findFirst().orElseThrow();
            assertEquals(PID, kept.pid());
            assertEquals(1, kept.holds());
            assertTrue(kept.deadline().isAfter(Instant.now()), kept.toString());

            try (BackendHandle again = second.reclaiming(() -> second.open(SHM, "kept", MapOptions.DEFAULT));
                 BackendHandle byRef = second.reclaiming(() -> second.openByRef(unnamed.ref(), MapOptions.DEFAULT))) {
                assertEquals(42L, again.segment().get(ValueLayout.JAVA_LONG, 0));
                assertEquals(43L, byRef.segment().get(ValueLayout.JAVA_LONG, 0));
                assertEquals(inode, Files.getAttribute(root.resolve("n.kept"), "unix:ino"));
                assertEquals(1, second.lookup("kept").orElseThrow().handleCount(), "taken over, not added");
                assertEquals(List.of(), second.parkedHolds(), "the parked slot was freed with its last hold");
            }
            assertEquals(List.of(), TmpfsDirectory.objectFiles(root), "the last close destroyed both");
        }
    }

    @Test
    void aTableFullOfDeadProcessesStillLetsTheNextInstanceInAndTakeItsHoldOver() throws IOException {
        MmapBackend first = new MmapBackend(MmapSettings.under(root));
        first.parkHoldsFor(Duration.ofMinutes(1));
        BackendHandle named = first.createOrOpen(SHM, "kept", 4096, MapOptions.DEFAULT);
        named.segment().set(ValueLayout.JAVA_LONG, 0, 42L);
        assertEquals(1, first.park());
        long dead = OtherUser.deadPid();
        int deadSlots = 0;
        try (TableEditor editor = new TableEditor(root)) {
            long capacity = editor.word(TableLayout.PROCESS_CAPACITY_OFFSET);
            for (long p = 1; p < capacity; p++) { // slot 0 is this process's parked slot: no slot is free
                editor.registerDeadProcess(dead);
                deadSlots++;
            }
        }

        try (MmapBackend second = new MmapBackend(MmapSettings.under(root));
             BackendHandle again = second.reclaiming(() -> second.open(SHM, "kept", MapOptions.DEFAULT))) {
            assertEquals(42L, again.segment().get(ValueLayout.JAVA_LONG, 0), "the parked hold was taken over");
            assertEquals(List.of(PID), second.participants(), deadSlots + " dead processes reaped before registering");
        }
        assertEquals(List.of(), TmpfsDirectory.objectFiles(root));
    }

    @Test
    void aSingleHandleParksAndAPlainLibraryDoesNotPark() {
        try (MmapBackend backend = new MmapBackend(MmapSettings.under(root))) {
            BackendHandle h = backend.createOrOpen(SHM, "one", 16, MapOptions.DEFAULT);
            assertFalse(h.park(), "no park deadline: nothing happens");
            assertTrue(h.isOpen());
            backend.parkHoldsFor(Duration.ofMinutes(1));
            assertTrue(h.park());
            assertFalse(h.isOpen());
            assertFalse(h.park(), "idempotent");
            assertEquals(1, backend.lookup("one").orElseThrow().handleCount());
            try (BackendHandle back = backend.reclaiming(() -> backend.open(SHM, "one", MapOptions.DEFAULT))) {
                assertEquals(1, backend.lookup("one").orElseThrow().handleCount());
            }
            assertTrue(backend.lookup("one").isEmpty());
        }
    }

    /**
     * A handle parked beside others parks its own hold: closing the other handles before its successor comes must not
     * destroy the object (as the RTX personality does when it parks an event through a second handle and closes the
     * first).
     */
    @Test
    void aHandleParkedBesideOthersKeepsTheObjectAfterTheyClose() {
        try (MmapBackend backend = new MmapBackend(MmapSettings.under(root))) {
            backend.parkHoldsFor(Duration.ofMinutes(1));
            BackendHandle first = backend.createOrOpen(SHM, "shared", 4096, MapOptions.DEFAULT);
            BackendHandle second = backend.open(SHM, "shared", MapOptions.DEFAULT);
            first.segment().set(ValueLayout.JAVA_LONG, 0, 7L);
            assertTrue(second.park());
            assertFalse(second.isOpen());
            assertEquals(1, backend.parkedHolds().size(), backend.parkedHolds().toString());
            first.close();
            assertTrue(backend.lookup("shared").isPresent(), "the parked hold keeps the object");

            try (BackendHandle successor = backend.reclaiming(() -> backend.open(SHM, "shared", MapOptions.DEFAULT))) {
                assertEquals(7L, successor.segment().get(ValueLayout.JAVA_LONG, 0));
                assertEquals(List.of(), backend.parkedHolds(), "taken over");
                assertEquals(1, backend.lookup("shared").orElseThrow().handleCount());
            }
            assertTrue(backend.lookup("shared").isEmpty(), "the successor's close was the last");
        }
    }

    /** Two handles parked one after the other leave two parked holds; each successor takes one over. */
    @Test
    void everyParkedHandleHasItsSuccessor() {
        try (MmapBackend backend = new MmapBackend(MmapSettings.under(root))) {
            backend.parkHoldsFor(Duration.ofMinutes(1));
            BackendHandle a = backend.createOrOpen(SHM, "twice", 4096, MapOptions.DEFAULT);
            BackendHandle b = backend.open(SHM, "twice", MapOptions.DEFAULT);
            BackendHandle c = backend.open(SHM, "twice", MapOptions.DEFAULT);
            assertTrue(a.park());
            assertTrue(b.park());
            assertEquals(2, backend.parkedHolds().getFirst().holds());
            c.close();
            assertTrue(backend.lookup("twice").isPresent());

            BackendHandle successorOfA = backend.reclaiming(() -> backend.open(SHM, "twice", MapOptions.DEFAULT));
            BackendHandle successorOfB = backend.reclaiming(() -> backend.open(SHM, "twice", MapOptions.DEFAULT));
            assertEquals(List.of(), backend.parkedHolds());
            successorOfA.close();
            assertTrue(backend.lookup("twice").isPresent(), "B's successor still holds it");
            assertEquals(1, backend.lookup("twice").orElseThrow().handleCount());
            successorOfB.close();
            assertTrue(backend.lookup("twice").isEmpty());
        }
    }

    /**
     * Issue 10: a parked hold belongs to the handle that parked it. While it is parked, another open of the object in
     * the same process (another bundle's, a console command's) adds a hold of its own, and its close, even as the
     * object's last live handle, releases that hold and never the parked one: the object and its bytes stay for the
     * successor, which takes the parked hold back. Before, any open took the parked hold over and its close destroyed
     * the object.
     */
    @Test
    void anotherOpenAndCloseWhileAHoldIsParkedNeverDestroysTheObject() throws IOException {
        MmapBackend first = parking();
        BackendHandle owned = first.createOrOpen(SHM, "owned", 4096, MapOptions.DEFAULT);
        BackendHandle unnamed = first.createUnnamed(SHM, 64, MapOptions.DEFAULT);
        NamedEvent event = first.createOrOpenEvent("owned-event", true, true);
        ObjectRef eventRef = first.syncRef(event);
        owned.segment().set(ValueLayout.JAVA_LONG, 0, 42L);
        unnamed.segment().set(ValueLayout.JAVA_LONG, 0, 43L);
        Object inode = Files.getAttribute(root.resolve("n.owned"), "unix:ino");
        assertTrue(first.parkSync(event));
        assertEquals(2, first.park());

        try (MmapBackend second = parking()) {
            for (int round = 0; round < 3; round++) {
                try (BackendHandle bystander = second.open(SHM, "owned", MapOptions.DEFAULT);
                     BackendHandle byRef = second.openByRef(unnamed.ref(), MapOptions.DEFAULT)) {
                    assertEquals(42L, bystander.segment().get(ValueLayout.JAVA_LONG, 0));
                    assertEquals(43L, byRef.segment().get(ValueLayout.JAVA_LONG, 0));
                    assertEquals(2, second.lookup("owned").orElseThrow().handleCount(), "a hold of its own, added");
                }
                second.openEvent("owned-event").close();
                assertEquals(3, second.parkedHolds().size(), "round " + round + ": the parked holds stay");
                assertEquals(1, second.lookup("owned").orElseThrow().handleCount());
                assertEquals(inode, Files.getAttribute(root.resolve("n.owned"), "unix:ino"));
                assertEquals(3, TmpfsDirectory.objectFiles(root).size(), "nothing destroyed");
            }

            BackendHandle successor = second.reclaiming(() -> second.open(SHM, "owned", MapOptions.DEFAULT));
            BackendHandle unnamedSuccessor = second.reclaiming(() -> second.openByRef(unnamed.ref(),
                    MapOptions.DEFAULT));
            NamedEvent eventSuccessor = second.reclaiming(() -> second.openEventByRef(eventRef));
            assertEquals(42L, successor.segment().get(ValueLayout.JAVA_LONG, 0));
            assertEquals(43L, unnamedSuccessor.segment().get(ValueLayout.JAVA_LONG, 0));
            assertEquals(WaitResult.SIGNALED, eventSuccessor.await(Duration.ZERO), "the event kept its state");
            assertEquals(List.of(), second.parkedHolds(), "each successor took its parked hold back");
            assertEquals(1, second.lookup("owned").orElseThrow().handleCount(), "taken back, not added");
            successor.close();
            unnamedSuccessor.close();
            eventSuccessor.close();
            assertEquals(List.of(), TmpfsDirectory.objectFiles(root), "the successors' closes were the last");
        }
    }

    /** A reclaiming open of an object with no parked hold of this process adds a hold, as any open. */
    @Test
    void aReclaimingOpenWithNothingParkedAddsAHold() {
        try (MmapBackend backend = parking();
             BackendHandle first = backend.createOrOpen(SHM, "plain", 16, MapOptions.DEFAULT);
             BackendHandle second = backend.reclaiming(() -> backend.open(SHM, "plain", MapOptions.DEFAULT))) {
            assertEquals(2, backend.lookup("plain").orElseThrow().handleCount());
            assertTrue(first.isOpen() && second.isOpen());
        }
    }

    @Test
    void anExpiredParkedHoldIsReleasedByAnyParticipant() {
        MmapBackend first = new MmapBackend(MmapSettings.under(root));
        first.parkHoldsFor(Duration.ofMillis(200));
        first.createOrOpen(SHM, "expires", 16, MapOptions.DEFAULT);
        try (MmapBackend other = new MmapBackend(MmapSettings.under(root));
             BackendHandle keeper = other.createOrOpen(SHM, "keeper", 16, MapOptions.DEFAULT)) {
            assertEquals(1, first.park());
            assertTrue(other.lookup("expires").isPresent(), "kept until the deadline");
            Instant deadline = other.parkedHolds().getFirst().deadline();
            while (Instant.now().isBefore(deadline.plusMillis(5))) {
                LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
            }
            assertEquals(List.of(PID), other.reapDeadProcesses());
            assertTrue(other.lookup("expires").isEmpty(), "released like a dead process's hold");
            assertEquals(List.of(), other.parkedHolds());
            assertTrue(keeper.isOpen());
        }
    }

    /**
     * Events, mutexes and semaphores by reference (SPI 1.4): an unnamed one is parked by one backend instance with its
     * state untouched (a mutex keeps its owner) and opened again by its reference through the next instance over the
     * same root, which takes the parked hold over.
     */
    @Test
    void unnamedObjectsAreParkedWithTheirStateAndTakenOverByReference() throws Exception {
        ObjectRef event;
        ObjectRef mutex;
        ObjectRef semaphore;
        try (MmapBackend first = parking()) {
            NamedEvent e = first.createOrOpenEvent(null, true, true);
            NamedMutex m = first.createOrOpenMutex(null, true);
            NamedSemaphore s = first.createOrOpenSemaphore(null, 3, 5);
            event = first.syncRef(e);
            mutex = first.syncRef(m);
            semaphore = first.syncRef(s);
            assertTrue(first.parkSync(e) && first.parkSync(m) && first.parkSync(s));
            assertEquals(event, first.syncRef(e), "a reference is identity: answered after the park too");
            assertThrows(ShmException.class, () -> e.await(Duration.ZERO), "a parked object answers as closed");
            assertFalse(first.parkSync(e), "parked once, it is closed");
        }
        assertEquals(3, unnamedFiles().size(), "closing the first instance destroyed nothing it had parked");
        try (MmapBackend next = parking()) {
            NamedEvent e = next.reclaiming(() -> next.openEventByRef(event));
            assertEquals(WaitResult.SIGNALED, e.await(Duration.ZERO), "still set, manual reset");
            assertTrue(e.manualReset());
            NamedMutex m = next.reclaiming(() -> next.openMutexByRef(mutex));
            assertTrue(m.heldByCurrentThread(), "the owner stayed: parking never releases an ownership");
            assertEquals(WaitResult.TIMEOUT, OtherThread.call(() -> m.acquire(Duration.ZERO)));
            m.release();
            NamedSemaphore s = next.reclaiming(() -> next.openSemaphoreByRef(semaphore));
            assertEquals(3, s.release(1), "its count went on from 3");
            e.close();
            m.close();
            s.close();
            assertEquals(List.of(), unnamedFiles(), "the taken-over holds were the last ones");
            ShmException gone = assertThrows(ShmException.class, () -> next.openEventByRef(event));
            assertEquals(ErrorReason.NOT_FOUND, gone.reason());
        }
    }

    /** References of another type, of another instance's object and of a destroyed object are refused. */
    @Test
    void aReferenceOfAnotherTypeOrAnotherBackendIsRefused() throws Exception {
        try (MmapBackend backend = parking(); MmapBackend other = parking()) {
            NamedEvent event = backend.createOrOpenEvent(null, false, false);
            ShmException wrongType = assertThrows(ShmException.class,
                    () -> backend.openMutexByRef(backend.syncRef(event)));
            assertEquals(ErrorReason.NAME_USED_BY_OTHER_TYPE, wrongType.reason());
            ShmException foreign = assertThrows(ShmException.class, () -> other.syncRef(event));
            assertEquals(ErrorReason.INVALID_PARAMETER, foreign.reason(), "not an object of that instance");
            assertEquals(ErrorReason.INVALID_PARAMETER, assertThrows(ShmException.class,
                    () -> backend.parkSync("not an event")).reason());
            event.close();
        }
    }

    /** A backend instance over the root that parks for a minute. */
    private MmapBackend parking() {
        MmapBackend backend = new MmapBackend(MmapSettings.under(root));
        backend.parkHoldsFor(Duration.ofMinutes(1));
        return backend;
    }

    private List<String> unnamedFiles() throws IOException {
        try (Stream<Path> files = Files.list(root)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("u.")).toList();
        }
    }
}
