package shm.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.time.Duration;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import shm.api.ErrorReason;
import shm.api.MapOptions;
import shm.api.MappingEvent;
import shm.api.ObjectInfo;
import shm.api.SharedMemory;
import shm.api.ShmException;
import shm.provider.mmap.MmapBackend;
import shm.provider.mmap.MmapSettings;
import shm.testkit.Trees;

/** The neutral service over the real mmap backend on tmpfs, including backend swaps between two real stores. */
class NeutralSharedMemoryServiceTest {

    private Path base;
    private MmapBackend first;
    private MmapBackend second;
    private NeutralSharedMemoryService service;

    @BeforeEach
    void setUp() {
        base = Path.of("/dev/shm", "shm-core-test-" + UUID.randomUUID());
        first = new MmapBackend(MmapSettings.under(base.resolve("first")));
        second = new MmapBackend(MmapSettings.under(base.resolve("second")));
        service = new NeutralSharedMemoryService(Duration.ofMillis(50));
        service.backendAdded(new Candidate(first, "A", 0, 1, "mmap", 0));
    }

    @AfterEach
    void tearDown() throws IOException {
        service.close();
        first.close();
        second.close();
        Trees.deleteRecursively(base);
    }

    @Test
    void createOpenWriteReadAndCloseWithWin32Semantics() {
        try (SharedMemory created = service.createOrOpen("tank", 128);
             SharedMemory opened = service.createOrOpen("tank", 999)) {
            assertFalse(created.alreadyExisted());
            assertTrue(opened.alreadyExisted());
            assertEquals(128, opened.byteSize(), "the existing size wins");
            created.segment().setString(0, "level=42");
            assertEquals("level=42", opened.segment().getString(0));
            ObjectInfo info = service.info("tank").orElseThrow();
            assertEquals(2, info.handleCount());
            assertEquals(List.of("tank"), service.list().stream().map(ObjectInfo::name).toList());
        }
        assertTrue(service.info("tank").isEmpty(), "the last close destroyed the object");
    }

    @Test
    void handleAnswersAfterCloseAndRefusesItsSegment() {
        SharedMemory h = service.createOrOpen("x", 77);
        h.close();
        h.close();
        assertFalse(h.isOpen());
        assertEquals(77, h.byteSize());
        assertEquals("x", h.name().orElseThrow());
        assertEquals(ErrorReason.CLOSED, assertThrows(ShmException.class, h::segment).reason());
    }

    @Test
    void errorsComeFromTheBackendUnchanged() {
        assertEquals(ErrorReason.NOT_FOUND, assertThrows(ShmException.class, () -> service.open("none")).reason());
        assertEquals(ErrorReason.INVALID_PARAMETER,
                assertThrows(ShmException.class, () -> service.createOrOpen("z", 0)).reason());
    }

    @Test
    void aBackendOverTheSameStoreTakesHandlesOverMakeBeforeBreak() throws IOException {
        try (MmapBackend sameStore = new MmapBackend(MmapSettings.under(base.resolve("first")));
             SharedMemory named = service.createOrOpen("kept", 4096)) {
            SharedMemory unnamed = service.createUnnamed(64, MapOptions.DEFAULT);
            named.segment().setString(0, "same");
            unnamed.segment().set(ValueLayout.JAVA_LONG, 0, 123456789L);
            MemorySegment before = named.segment();
            List<MappingEvent> events = new ArrayList<>();
            named.addMappingListener(events::add);
            named.addMappingListener(e -> assertEquals("same", e.handle().segment().getString(0),
                    "listeners run with the new mapping in place"));

            service.backendAdded(new Candidate(sameStore, "A", 10, 2, "better mmap", 0));

            assertEquals(List.of(new MappingEvent(named, MappingEvent.Kind.REMAPPED, "mmap", "mmap")), events);
            assertEquals("same", named.segment().getString(0));
            assertEquals(123456789L, unnamed.segment().get(ValueLayout.JAVA_LONG, 0));
            assertThrows(IllegalStateException.class, () -> before.get(ValueLayout.JAVA_BYTE, 0),
                    "a segment taken before the swap fails cleanly");
            assertEquals(2, objectFiles(base.resolve("first")).size(), "no object was destroyed or copied");
            assertTrue(objectFiles(base.resolve("first")).contains("n.kept"));
            assertEquals(1, sameStore.lookup("kept").orElseThrow().handleCount());
            assertSame(sameStore, service.backend().orElseThrow());
            unnamed.close();
        }
        assertEquals(List.of(), objectFiles(base.resolve("first")));
    }

    @Test
    void aMoveToAnotherStoreIsRefusedSoThatNoObjectForks() throws IOException {
        try (SharedMemory h = service.createOrOpen("one", 16)) {
            h.segment().setString(0, "stays");
            List<MappingEvent> events = new ArrayList<>();
            h.addMappingListener(events::add);

            service.backendAdded(new Candidate(second, "B", 100, 2, "other store", 0));

            assertEquals(List.of(), events, "the handle stays on its store");
            assertSame(first, service.backend().orElseThrow(), "the service stays on the handles' store");
            assertEquals("stays", h.segment().getString(0));
            assertEquals(List.of(), objectFiles(base.resolve("second")), "nothing was copied to the other store");
        }
        service.backendAdded(new Candidate(second, "B", 101, 2, "other store", 0));
        assertSame(second, service.backend().orElseThrow(), "with no handle open the best backend serves");
    }

    @Test
    void aBackendLeavingThatCannotParkLosesItsHandlesWithTheReason() {
        try (MmapBackend cannotPark = new MmapBackend(MmapSettings.under(base.resolve("third")))) {
            NeutralSharedMemoryService over = new NeutralSharedMemoryService(Duration.ofMillis(50));
            over.backendAdded(Candidate.of(cannotPark, "C", 0));
            SharedMemory h = over.createOrOpen("lost", 16);
            List<MappingEvent> events = new ArrayList<>();
            h.addMappingListener(events::add);
            over.backendRemoved(over.backend().orElseThrow());
            assertFalse(h.isOpen());
            assertEquals(List.of(new MappingEvent(h, MappingEvent.Kind.LOST, "mmap", null)), events);
            ShmException reason = assertThrows(ShmException.class, h::segment);
            assertTrue(reason.getMessage().contains("cannot park"), reason.getMessage());
            assertEquals(ErrorReason.CLOSED, assertThrows(ShmException.class, over::list).reason());
            over.close();
        }
    }

    /**
     * A revision going away over a backend that cannot park loses every handle, each with the reason, and releases its
     * hold. Before, the first lost handle was taken out of the set being walked, and the next one threw
     * ConcurrentModificationException out of the deactivation, leaving the rest neither parked nor released.
     */
    @Test
    void aRevisionGoingAwayOverABackendThatCannotParkLosesEveryHandle() {
        SharedMemory one = service.createOrOpen("one", 16);
        SharedMemory two = service.createOrOpen("two", 16);
        SharedMemory three = service.createOrOpen("three", 16);

        assertEquals(0, service.orphanAll(orphan -> {
            throw new AssertionError("nothing was parked, so nothing is adopted");
        }));
        for (SharedMemory lost : List.of(one, two, three)) {
            assertFalse(lost.isOpen(), lost + " is lost");
            assertTrue(assertThrows(ShmException.class, lost::segment).getMessage().contains("cannot park"));
        }
        assertEquals(List.of(), first.list(), "every hold was released, so the objects are gone");
    }

    @Test
    void aListenerThatClosesAnotherHandleWhenItsOwnIsLostDoesNotStopTheOthersBeingLost() {
        SharedMemory one = service.createOrOpen("one", 16);
        SharedMemory two = service.createOrOpen("two", 16);
        SharedMemory three = service.createOrOpen("three", 16);
        one.addMappingListener(event -> {
            if (event.kind() == MappingEvent.Kind.LOST) {
                three.close(); // on the thread that loses the handles, under the service's lock
            }
        });

        assertEquals(0, service.orphanAll(orphan -> {
            throw new AssertionError("nothing was parked, so nothing is adopted");
        }));
        for (SharedMemory gone : List.of(one, two, three)) {
            assertFalse(gone.isOpen(), gone + " is lost or closed");
        }
        assertEquals(List.of(), first.list(), "every hold was released, so the objects are gone");
    }

    @Test
    void handlesParkWhenTheirBackendLeavesAndTheNextBackendOfTheStoreTakesThemOver() throws Exception {
        serveParkingStoreA(service);
        service.setSwapWait(Duration.ofSeconds(30));
        SharedMemory h = service.createOrOpen("parked", 4096);
        h.segment().setString(0, "still here");
        MemorySegment before = h.segment();
        List<MappingEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        h.addMappingListener(events::add);

        service.backendRemoved(first);
        first.park();
        assertTrue(h.isOpen(), "a parked handle is open");
        assertThrows(IllegalStateException.class, () -> before.get(ValueLayout.JAVA_BYTE, 0));
        var call = java.util.concurrent.CompletableFuture.supplyAsync(() -> h.segment().getString(0));
        Thread.sleep(50);
        assertFalse(call.isDone(), "a call on a parked handle waits for the successor");

        try (MmapBackend next = new MmapBackend(MmapSettings.under(base.resolve("first")))) {
            service.backendAdded(new Candidate(next, "A", 0, 3, "next mmap", 0));
            assertEquals("still here", call.get(30, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals(List.of(new MappingEvent(h, MappingEvent.Kind.REMAPPED, "mmap", "mmap")), events);
            assertEquals(1, next.lookup("parked").orElseThrow().handleCount(), "the parked hold was taken over");
            assertEquals(List.of(), next.parkedHolds());
            h.close();
            assertTrue(next.lookup("parked").isEmpty());
        }
    }

    @Test
    void orphanedHandlesFindTheNextRevisionOfTheService() {
        serveParkingStoreA(service);
        SharedMemory h = service.createOrOpen("orphan", 64);
        h.segment().setString(0, "follows");
        List<MappingEvent> events = new ArrayList<>();
        h.addMappingListener(events::add);
        NeutralSharedMemoryService next = nextRevision();
        List<SharedMemory> adopted = new ArrayList<>();

        assertEquals(1, service.orphanAll(adoptingThrough(next, adopted)));
        assertEquals(1, first.lookup("orphan").orElseThrow().handleCount(), "the hold is parked, not released");

        assertEquals("follows", h.segment().getString(0));
        assertEquals(1, adopted.size());
        assertEquals(List.of(new MappingEvent(h, MappingEvent.Kind.REMAPPED, "mmap", "mmap")), events);
        assertEquals(1, first.lookup("orphan").orElseThrow().handleCount(), "taken over by the next revision");
        h.close();
        assertFalse(adopted.getFirst().isOpen());
        assertTrue(first.lookup("orphan").isEmpty());
        next.close();
    }

    /**
     * Issue 10: across an update of shm.core, an orphaned handle takes its parked hold back only at its next call.
     * Another client of the next revision that opens and closes the object before that adds and releases a hold of
     * its own; the object, whose only other hold is parked, stays, and the orphan finds it with its bytes. Before, the
     * other client's open took the parked hold over and its close destroyed the object.
     */
    @Test
    void anotherClientsOpenAndCloseBeforeTheOrphanComesBackDestroysNothing() {
        serveParkingStoreA(service);
        SharedMemory h = service.createOrOpen("orphan", 64);
        h.segment().setString(0, "still here");
        NeutralSharedMemoryService next = nextRevision();
        List<SharedMemory> adopted = new ArrayList<>();
        assertEquals(1, service.orphanAll(adoptingThrough(next, adopted)));

        try (SharedMemory bystander = next.open("orphan", MapOptions.DEFAULT)) {
            assertEquals("still here", bystander.segment().getString(0));
            assertEquals(2, first.lookup("orphan").orElseThrow().handleCount(), "a hold of its own beside the parked");
        }
        assertTrue(first.lookup("orphan").isPresent(), "the bystander's close was not the last");
        assertEquals(1, first.parkedHolds().size(), "the orphan's hold is still parked");

        assertEquals("still here", h.segment().getString(0), "the orphan finds its object");
        assertEquals(List.of(), first.parkedHolds(), "and took its own parked hold back");
        assertEquals(1, first.lookup("orphan").orElseThrow().handleCount());
        h.close();
        assertTrue(first.lookup("orphan").isEmpty(), "the orphan's close was the last");
        next.close();
    }

    /**
     * A client bundle that is updated (or stopped and started) parks its handles; its next activation opens the same
     * names through its new service instance and takes those holds back, so the object ends with the new revision's
     * last close. Another client's open meanwhile adds a hold of its own and takes nothing.
     */
    @Test
    void aClientsNextActivationTakesBackWhatItsStoppedRevisionParked() {
        long client = 7;
        ClientLegacies legacies = new ClientLegacies();
        service.reclaimWhen((namespace, name) -> legacies.claim(client, namespace, name));
        serveParkingStoreA(service);
        SharedMemory h = service.createOrOpen("client.kept", 64);
        h.segment().setString(0, "left by revision 1");
        assertEquals(1, service.orphanAll(orphan -> {
            throw new ShmException(ErrorReason.CLOSED, null, "revision 1 never calls again");
        }, (namespace, name, deadline) -> legacies.leave(client, namespace, name, deadline)));
        assertEquals(1, legacies.leftBy(client));

        NeutralSharedMemoryService other = nextRevision();
        other.reclaimWhen((namespace, name) -> legacies.claim(8, namespace, name));
        other.open("client.kept", MapOptions.DEFAULT).close();
        assertEquals(1, first.parkedHolds().size(), "another client's open took nothing");
        assertEquals(1, legacies.leftBy(client));

        NeutralSharedMemoryService next = nextRevision();
        next.reclaimWhen((namespace, name) -> legacies.claim(client, namespace, name));
        SharedMemory again = next.createOrOpen("client.kept", 64);
        assertEquals("left by revision 1", again.segment().getString(0));
        assertEquals(List.of(), first.parkedHolds(), "the next activation took its parked hold back");
        assertEquals(0, legacies.leftBy(client));
        assertEquals(1, first.lookup("client.kept").orElseThrow().handleCount());
        again.close();
        assertTrue(first.lookup("client.kept").isEmpty(), "its close was the last: the object did not wait for the"
                + " park deadline");
        other.close();
        next.close();
    }

    /** Lets {@code first} park for a minute and binds it to {@code revision} as the store "A". */
    private void serveParkingStoreA(NeutralSharedMemoryService revision) {
        first.parkHoldsFor(Duration.ofMinutes(1));
        revision.backendAdded(new Candidate(first, "A", 0, 1, "mmap", 60_000));
    }

    /** Another revision (or another client's instance) of the service over the same store "A". */
    private NeutralSharedMemoryService nextRevision() {
        NeutralSharedMemoryService next = new NeutralSharedMemoryService(Duration.ofSeconds(5));
        next.backendAdded(new Candidate(first, "A", 0, 1, "mmap", 60_000));
        return next;
    }

    /** A successor as {@link RegistrySuccessor} makes one: the next revision opens the orphan's object by reference. */
    private static Successor adoptingThrough(NeutralSharedMemoryService next, List<SharedMemory> adopted) {
        return orphan -> {
            SharedMemory successor = next.openByRef(orphan.ref(), orphan.namespace(), orphan.options());
            adopted.add(successor);
            return new Successor.Adopted() {
                @Override
                public SharedMemory handle() {
                    return successor;
                }

                @Override
                public void close() {
                    successor.close();
                }
            };
        };
    }

    @Test
    void aCallDuringASwapWaitsForTheSuccessorThenFailsWithTheReason() throws Exception {
        NeutralSharedMemoryService waiting = new NeutralSharedMemoryService(Duration.ofSeconds(30));
        var call = java.util.concurrent.CompletableFuture.supplyAsync(() -> waiting.createOrOpen("late", 32));
        Thread.sleep(50);
        assertFalse(call.isDone(), "the call waits for a backend");
        waiting.backendAdded(Candidate.of(first, "A", 0));
        try (SharedMemory h = call.get(30, java.util.concurrent.TimeUnit.SECONDS)) {
            assertEquals(32, h.byteSize());
        }
        waiting.backendRemoved(first);
        waiting.setSwapWait(Duration.ofMillis(20));
        ShmException e = assertThrows(ShmException.class, () -> waiting.createOrOpen("late", 32));
        assertEquals(ErrorReason.CLOSED, e.reason());
        assertTrue(e.getMessage().contains("no shared memory backend is bound"), e.getMessage());
        waiting.close();
    }

    @Test
    void eventsMutexesAndSemaphoresComeFromTheBoundBackend() {
        try (shm.api.NamedEvent event = service.createOrOpenEvent("ready", true, false);
             shm.api.NamedEvent same = first.openEvent("ready");
             shm.api.NamedSemaphore slots = service.createOrOpenSemaphore("slots", 1, 1)) {
            same.set();
            assertEquals(shm.api.WaitResult.SIGNALED, event.await(java.time.Duration.ZERO));
            assertEquals(shm.api.WaitResult.SIGNALED, slots.acquire(java.time.Duration.ZERO));
            assertEquals(shm.api.ObjectType.SEMAPHORE, service.info("slots").orElseThrow().type());
            assertEquals(ErrorReason.NAME_USED_BY_OTHER_TYPE,
                    assertThrows(ShmException.class, () -> service.createOrOpen("ready", 64)).reason());
        }
    }

    @Test
    void closingTheServiceClosesItsHandlesOnly() {
        SharedMemory h = service.createOrOpen("svc", 16);
        service.close();
        assertFalse(h.isOpen());
        assertTrue(first.list().isEmpty());
        assertEquals(ErrorReason.CLOSED,
                assertThrows(ShmException.class, () -> service.createOrOpen("svc", 16)).reason());
    }

    /** The object files of a store: everything but the object table, which lives as long as a participant. */
    private static List<String> objectFiles(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> !n.equals("table")).sorted().toList();
        }
    }
}
