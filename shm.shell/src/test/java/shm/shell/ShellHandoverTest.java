package shm.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import shm.api.SharedMemory;
import shm.core.NeutralSharedMemoryService;
import shm.provider.mmap.MmapBackend;
import shm.provider.mmap.MmapSettings;

/**
 * The handover of the shell's handles across an update of shm.shell, against the real neutral service over the real
 * mmap store: the going revision's handles come from its own instance of the neutral service, over a backend instance
 * of its own here ({@code revisionBackend}) so that its going away can be played exactly as the store sees it: every
 * hold it still has is parked ({@link MmapBackend#park()}). Everything else (the framework's instance that carries the
 * handles, another client, the next revision) runs over the backend that stays.
 */
class ShellHandoverTest {

    private static final String NAME = "shell.only";

    @TempDir
    Path temporary;

    private MmapBackend revisionBackend;
    private MmapBackend backend;
    private NeutralSharedMemoryService revisionService;
    private NeutralSharedMemoryService frameworkService;
    private NeutralSharedMemoryService otherClient;
    private NeutralSharedMemoryService nextRevision;
    private final AtomicInteger carrierReleased = new AtomicInteger();

    @BeforeEach
    void openServices() {
        Path root = temporary.resolve("root");
        backend = new MmapBackend(MmapSettings.under(root));
        backend.parkHoldsFor(Duration.ofMinutes(2));
        revisionBackend = new MmapBackend(MmapSettings.under(root));
        revisionBackend.parkHoldsFor(Duration.ofMinutes(2));
        revisionService = new NeutralSharedMemoryService(revisionBackend);
        frameworkService = new NeutralSharedMemoryService(backend);
        otherClient = new NeutralSharedMemoryService(backend);
        nextRevision = new NeutralSharedMemoryService(backend);
    }

    @AfterEach
    void closeServices() {
        nextRevision.close();
        otherClient.close();
        frameworkService.close();
        revisionService.close();
        revisionBackend.close();
        backend.close();
    }

    /**
     * The bug ShellUpdateIT saw intermittently (issue 10): another client's open of the object between the going
     * revision's end and the next revision's take-over used to take the shell's parked hold over, and its close then
     * destroyed the object (the next revision found NOT_FOUND). Carried handles are live holds: nothing is lost.
     */
    @Test
    void anotherClientsOpenAndCloseDuringTheUpdateLosesNothing() {
        HeldHandles held = new HeldHandles();
        ShellOperations shell = new ShellOperations(() -> revisionService, held);
        shell.create(List.of(NAME, "4k"));
        shell.write(false, List.of(NAME, "0", "held by the shell"));

        Map<String, List<AutoCloseable>> carried = CarriedHandles.carry(held.takeAll(), frameworkService,
                carrierReleased::incrementAndGet);
        revisionBackend.park(); // the going revision's instance of the neutral service goes: its holds are parked
        try (SharedMemory view = otherClient.open(NAME)) { // a gateway bundle, a test's check, a shm:dump
            assertEquals("held by the shell", view.segment().getString(0));
        }

        HeldHandles next = new HeldHandles();
        assertEquals(List.of(), ShellHandover.takeOver(carried, nextRevision, next));
        assertEquals(1, next.count(NAME));
        assertEquals("held by the shell", next.anyOpen(NAME).orElseThrow().segment().getString(0));
        assertEquals(1, carrierReleased.get(), "the carrier is let go once the carried handle is closed");
        assertEquals(1, nextRevision.info(NAME).orElseThrow().handleCount(), "only the next revision holds it");
        assertEquals(List.of(), backend.parkedHolds(), "no hold is left parked");

        next.closeAll(NAME);
        assertTrue(nextRevision.info(NAME).isEmpty(), "the shell's close is the last close");
    }

    /** Every handle is carried, each by a handle of its own; closing one twice closes it once. */
    @Test
    void eachHandleIsCarriedAndTheCarrierIsLetGoAfterTheLastClose() throws Exception {
        HeldHandles held = new HeldHandles();
        ShellOperations shell = new ShellOperations(() -> revisionService, held);
        shell.create(List.of(NAME, "4k"));
        shell.open(List.of(NAME));
        shell.create(List.of("second", "4k"));

        Map<String, List<AutoCloseable>> carried = CarriedHandles.carry(held.takeAll(), frameworkService,
                carrierReleased::incrementAndGet);
        assertEquals(2, carried.get(NAME).size());
        assertEquals(1, carried.get("second").size());
        assertEquals(3, frameworkService.list().stream().mapToLong(o -> o.handleCount()).sum(),
                "the revision's handles were closed after the carrier opened its own");
        revisionBackend.park();
        assertEquals(List.of(), backend.parkedHolds(), "the going revision had nothing left to park");

        carried.get(NAME).get(0).close();
        carried.get(NAME).get(0).close();
        carried.get(NAME).get(1).close();
        assertEquals(0, carrierReleased.get());
        assertEquals(1, frameworkService.list().stream().mapToLong(o -> o.handleCount()).sum());
        carried.get("second").get(0).close();
        assertEquals(1, carrierReleased.get());
        assertEquals(List.of(), frameworkService.list());
    }

    /** Without a carrier (the service is going away at this moment), the handles are handed over as they are. */
    @Test
    void withoutACarrierTheHandlesAreHandedOverAsTheyAre() {
        HeldHandles held = new HeldHandles();
        ShellOperations shell = new ShellOperations(() -> revisionService, held);
        shell.create(List.of(NAME, "4k"));
        SharedMemory own = held.anyOpen(NAME).orElseThrow();

        Map<String, List<AutoCloseable>> carried = CarriedHandles.carry(held.takeAll(), null,
                carrierReleased::incrementAndGet);
        assertSame(own, carried.get(NAME).get(0));
        assertTrue(own.isOpen());
        assertEquals(1, carrierReleased.get(), "nothing to let go later");

        HeldHandles next = new HeldHandles();
        assertEquals(List.of(), ShellHandover.takeOver(carried, nextRevision, next));
        assertFalse(own.isOpen());
        assertEquals(1, nextRevision.info(NAME).orElseThrow().handleCount());
        next.closeAll(NAME);
    }
}
