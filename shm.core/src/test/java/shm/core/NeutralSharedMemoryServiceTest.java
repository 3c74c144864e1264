package shm.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import shm.api.ErrorReason;
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
        service = new NeutralSharedMemoryService(first);
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
    void swapMovesOpenHandlesMakeBeforeBreakWithoutLosingBytes() throws IOException {
        SharedMemory named = service.createOrOpen("moving", 4096);
        SharedMemory unnamed = service.createUnnamed(64, shm.api.MapOptions.DEFAULT);
        named.segment().setString(0, "survives the swap");
        unnamed.segment().set(ValueLayout.JAVA_LONG, 0, 123456789L);
        MemorySegment before = named.segment();
        List<MappingEvent> events = new ArrayList<>();
        named.addMappingListener(events::add);
        named.addMappingListener(e -> assertEquals("survives the swap", e.handle().segment().getString(0),
                "listeners run with the new mapping in place"));

        service.switchTo(second);

        assertEquals("survives the swap", named.segment().getString(0));
        assertEquals(123456789L, unnamed.segment().get(ValueLayout.JAVA_LONG, 0));
        assertEquals(List.of(new MappingEvent(named, MappingEvent.Kind.REMAPPED, "mmap", "mmap")), events);
        assertThrows(IllegalStateException.class, () -> before.get(ValueLayout.JAVA_BYTE, 0),
                "a segment taken before the swap fails cleanly");
        assertTrue(first.list().isEmpty(), "the old store released the object");
        assertEquals(List.of(), fileNames(base.resolve("first")));
        assertEquals(1, second.lookup("moving").orElseThrow().handleCount());
        named.close();
        unnamed.close();
        assertEquals(List.of(), fileNames(base.resolve("second")));
    }

    @Test
    void swapToABackendOverTheSameStoreKeepsTheObjectAlive() throws IOException {
        try (MmapBackend sameStore = new MmapBackend(MmapSettings.under(base.resolve("first")));
             SharedMemory h = service.createOrOpen("kept", 16)) {
            h.segment().setString(0, "same");
            service.switchTo(sameStore);
            assertEquals("same", h.segment().getString(0));
            assertEquals(List.of("n.kept"), fileNames(base.resolve("first")), "the object was never destroyed");
            assertEquals(1, sameStore.lookup("kept").orElseThrow().handleCount());
        }
    }

    @Test
    void backendGoneWithoutSuccessorClosesHandlesAndTellsListeners() {
        SharedMemory h = service.createOrOpen("lost", 16);
        List<MappingEvent> events = new ArrayList<>();
        h.addMappingListener(events::add);
        service.backendGone(first);
        assertFalse(h.isOpen());
        assertEquals(List.of(new MappingEvent(h, MappingEvent.Kind.LOST, "mmap", null)), events);
        assertEquals(ErrorReason.CLOSED, assertThrows(ShmException.class, () -> service.list()).reason());
        assertTrue(first.list().isEmpty());
        service.switchTo(second);
        try (SharedMemory again = service.createOrOpen("lost", 16)) {
            assertFalse(again.alreadyExisted());
        }
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
    private static List<String> fileNames(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> !n.equals("table")).sorted().toList();
        }
    }
}
