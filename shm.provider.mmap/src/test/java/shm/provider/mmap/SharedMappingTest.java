package shm.provider.mmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import shm.api.Access;
import shm.api.ErrorReason;
import shm.api.HolderInfo;
import shm.api.MapOptions;
import shm.api.ObjectType;
import shm.api.ShmException;
import shm.api.spi.BackendHandle;
import shm.api.spi.DescriptorTable;
import shm.api.spi.ParkedHold;
import shm.testkit.Await;
import shm.testkit.StoreFixture;
import shm.testkit.TmpfsDirectory;

/**
 * Handles that share a mapping ({@link MapOptions#shareMapping()}): an open of an object this process already has open
 * joins that handle's mapping and this process's hold, writing nothing to the table and mapping nothing; the object
 * lives until the last handle here closes; a park keeps one hold per handle; a hold released by another process is
 * never joined.
 */
class SharedMappingTest {

    private static final ObjectType SHM = ObjectType.SHARED_MEMORY;
    private static final long PID = ProcessHandle.current().pid();
    private static final MapOptions SHARE = MapOptions.DEFAULT.withShareMapping(true);
    private static final MapOptions SHARE_CONFINED = SHARE.withConfined(true);

    @RegisterExtension
    final StoreFixture<MmapBackend> store = MmapStores.fresh();
    private final Path root = store.root();
    private final MmapBackend backend = store.backend();

    @Test
    void aJoinedOpenWritesNothingToTheTableMapsNothingAndSeesTheSamePages() {
        BackendHandle held = backend.createOrOpen(SHM, "joined", 4096, MapOptions.DEFAULT);
        long generation = generation();
        int mappings = backend.mappings();

        for (MapOptions options : List.of(SHARE, SHARE_CONFINED)) {
            try (BackendHandle joined = backend.open(SHM, "joined", options)) {
                assertEquals(generation, generation(), "no commit to the table");
                assertEquals(mappings, backend.mappings(), "no new mapping");
                assertEquals(held.segment().address(), joined.segment().address());
                assertTrue(joined.alreadyExisted());
                assertEquals(held.ref(), joined.ref());
                joined.segment().set(ValueLayout.JAVA_LONG, 0, 7L);
                assertEquals(7L, held.segment().get(ValueLayout.JAVA_LONG, 0));
                assertEquals(List.of(new HolderInfo(PID, 1)), holders("joined"), "one hold for both handles");
            }
            assertEquals(generation, generation(), "its close writes nothing either");
            assertEquals(mappings, backend.mappings());
            assertEquals(List.of(new HolderInfo(PID, 1)), holders("joined"));
        }
        try (BackendHandle joined = backend.createOrOpen(SHM, "joined", 99, SHARE_CONFINED)) {
            assertTrue(joined.alreadyExisted(), "create-or-open of an object held here joins it too");
            assertEquals(4096, joined.byteSize(), "the existing size wins");
            assertEquals(generation, generation());
        }
        held.close();
        assertTrue(backend.lookup("joined").isEmpty());
        assertEquals(List.of(), TableInvariants.violations(backend));
    }

    @Test
    void theObjectLivesUntilTheLastHandleHereClosesWhicheverWasOpenedFirst() {
        BackendHandle first = backend.createOrOpen(SHM, "kept", 4096, MapOptions.DEFAULT.withConfined(true));
        BackendHandle second = backend.open(SHM, "kept", SHARE);
        BackendHandle third = backend.open(SHM, "kept", SHARE_CONFINED);
        first.segment().setString(0, "still here");

        first.close();
        assertEquals(List.of(new HolderInfo(PID, 1)), holders("kept"), "the joined handles keep the hold");
        assertEquals("still here", second.segment().getString(0));
        third.close();
        assertEquals("still here", second.segment().getString(0));
        assertEquals(List.of(new HolderInfo(PID, 1)), holders("kept"));

        second.close();
        assertTrue(backend.lookup("kept").isEmpty(), "the last handle here released the hold: destroyed");
        assertEquals(List.of(), TmpfsDirectory.objectFiles(root));
        assertEquals(List.of(), TableInvariants.violations(backend));
    }

    @Test
    void aSegmentOfAClosedJoinedHandleThrowsAsDocumented() {
        BackendHandle held = backend.createOrOpen(SHM, "segments", 4096, MapOptions.DEFAULT);
        BackendHandle confined = backend.open(SHM, "segments", SHARE_CONFINED);
        MemorySegment confinedSegment = confined.segment();
        confined.close();
        assertThrows(IllegalStateException.class, () -> confinedSegment.get(ValueLayout.JAVA_BYTE, 0),
                "a confined handle's segment throws at its close");
        assertThrows(ShmException.class, confined::segment);

        BackendHandle shared = backend.open(SHM, "segments", SHARE);
        MemorySegment sharedSegment = shared.segment();
        shared.close();
        sharedSegment.set(ValueLayout.JAVA_BYTE, 0, (byte) 1);   // the pages' shared arena is still open: valid
        assertEquals(1, held.segment().get(ValueLayout.JAVA_BYTE, 0));
        held.close();
        assertThrows(IllegalStateException.class, () -> sharedSegment.get(ValueLayout.JAVA_BYTE, 0),
                "at the last close of the shared arena's handles, never after the pages are gone");
    }

    @Test
    void accessTypeAndLockedPagesAreKept() {
        try (ChildJvm child = ChildJvm.start(root)) {
            child.ok("create access 4096");
            BackendHandle reader = backend.open(SHM, "access", MapOptions.DEFAULT.withAccess(Access.READ_ONLY));
            int mappings = backend.mappings();
            BackendHandle writer = backend.open(SHM, "access", SHARE);
            assertEquals(mappings + 1, backend.mappings(), "no writable mapping here to join: an ordinary open");
            assertEquals(2, holds("access", PID));
            BackendHandle readOnly = backend.open(SHM, "access", SHARE.withAccess(Access.READ_ONLY));
            assertTrue(readOnly.segment().isReadOnly());
            assertEquals(mappings + 1, backend.mappings(), "a read-only handle joins a mapping");

            ShmException wrongType = assertThrows(ShmException.class,
                    () -> backend.open(ObjectType.EVENT, "access", SHARE));
            assertEquals(ErrorReason.NAME_USED_BY_OTHER_TYPE, wrongType.reason());

            try (BackendHandle locked = backend.open(SHM, "access", SHARE.withLockPages(true))) {
                assertEquals(mappings + 1, backend.mappings(), "locking pages joins too");
                locked.segment().setString(0, "through the writer's mapping");
                assertEquals("through the writer's mapping", reader.segment().getString(0));
            }
            assertEquals(2, holds("access", PID));
            readOnly.close();
            writer.close();
            reader.close();
            assertEquals(0, holds("access", PID));
        }
    }

    @Test
    void withoutAHandleHereTheOpenIsAnOrdinaryOne() {
        try (ChildJvm child = ChildJvm.start(root)) {
            child.ok("create elsewhere 4096");
            int mappings = backend.mappings();
            try (BackendHandle first = backend.open(SHM, "elsewhere", SHARE)) {
                assertEquals(mappings + 1, backend.mappings());
                assertTrue(holders("elsewhere").contains(new HolderInfo(PID, 1)));
            }
            assertEquals(List.of(new HolderInfo(child.pid(), 1)), holders("elsewhere"));
        }
    }

    @Test
    void parkingKeepsOneHoldPerHandleAndTheSuccessorTakesThemBack() {
        MmapBackend first = new MmapBackend(MmapSettings.under(root));
        first.parkHoldsFor(Duration.ofMinutes(1));
        BackendHandle own = first.createOrOpen(SHM, "parked", 4096, MapOptions.DEFAULT);
        BackendHandle joined = first.open(SHM, "parked", SHARE);
        first.open(SHM, "parked", SHARE_CONFINED);
        own.segment().setString(0, "kept");

        assertTrue(joined.park(), "one joined handle parks a hold of its own");
        assertEquals(1, backend.parkedHolds().size());
        assertEquals(2, holds("parked", PID), "one hold parked, one still live");
        own.close();
        assertEquals(2, holds("parked", PID), "the joined handle left keeps the live hold");

        assertEquals(1, first.park());
        List<ParkedHold> parked = backend.parkedHolds();
        assertEquals(2, parked.stream().mapToLong(ParkedHold::holds).sum(), parked.toString());

        try (MmapBackend second = new MmapBackend(MmapSettings.under(root))) {
            BackendHandle a = second.reclaiming(() -> second.open(SHM, "parked", SHARE));
            int mappings = second.mappings();
            BackendHandle b = second.reclaiming(() -> second.open(SHM, "parked", SHARE));
            assertEquals("kept", b.segment().getString(0));
            assertEquals(a.segment().address(), b.segment().address(), "the successors share a mapping again");
            assertEquals(mappings, second.mappings());
            assertEquals(List.of(), second.parkedHolds(), "both parked holds were taken back");
            assertEquals(List.of(new HolderInfo(PID, 2)), holders("parked"), "both live again, in one holder");
            a.close();
            b.close();
            assertTrue(second.lookup("parked").isEmpty());
        }
        assertEquals(List.of(), TableInvariants.violations(backend));
    }

    @Test
    void aHoldReleasedByAnotherProcessIsNeverJoined() {
        DescriptorTable descriptors = backend.descriptors("handles", 10, 10);
        BackendHandle old = backend.createOrOpen(SHM, "released", 4096, MapOptions.DEFAULT);
        assertTrue(descriptors.deleteReleasingHold(descriptors.create(old.ref(), 0, 4096)));
        assertTrue(backend.lookup("released").isEmpty(), "its only hold was released: destroyed");

        ShmException gone = assertThrows(ShmException.class, () -> backend.open(SHM, "released", SHARE));
        assertEquals(ErrorReason.NOT_FOUND, gone.reason(), "the dead object is not joined");
        try (ChildJvm child = ChildJvm.start(root)) {
            child.ok("create released 4096");
            child.ok("write released 0 successor");
            try (BackendHandle successor = backend.open(SHM, "released", SHARE)) {
                assertNotEquals(old.ref(), successor.ref());
                assertEquals("successor", successor.segment().getString(0));
            }
        }
        assertTrue(old.forget());
        assertEquals(List.of(), TableInvariants.violations(backend));
    }

    @Test
    void aForgottenHandleTakesItsHoldAwayAndTheJoinedHandlesCloseCleanly() {
        DescriptorTable descriptors = backend.descriptors("handles", 10, 10);
        try (ChildJvm child = ChildJvm.start(root)) {
            child.ok("create both 4096");
            BackendHandle own = backend.open(SHM, "both", MapOptions.DEFAULT);
            BackendHandle joined = backend.open(SHM, "both", SHARE);
            assertTrue(descriptors.deleteReleasingHold(descriptors.create(own.ref(), 0, 4096)));
            assertEquals(List.of(new HolderInfo(child.pid(), 1)), holders("both"));
            assertTrue(own.forget());
            joined.close();
            assertEquals(List.of(new HolderInfo(child.pid(), 1)), holders("both"),
                    "the joined handle's close released nothing: the hold it shared was gone");
            assertFalse(backend.table().locked(() -> backend.table().objects().find(NameCodec.fileName("both")) < 0));
        }
        assertEquals(List.of(), TableInvariants.violations(backend));
    }

    @Test
    void closingTheBackendReleasesEveryHoldOnce() {
        MmapBackend other = new MmapBackend(MmapSettings.under(root));
        other.createOrOpen(SHM, "closed", 4096, MapOptions.DEFAULT);
        other.open(SHM, "closed", SHARE);
        other.open(SHM, "closed", SHARE_CONFINED);
        other.open(SHM, "closed", MapOptions.DEFAULT);
        assertEquals(List.of(new HolderInfo(PID, 2)), holders("closed"));
        other.close();
        assertTrue(backend.lookup("closed").isEmpty());
        assertEquals(List.of(), TableInvariants.violations(backend));
    }

    /**
     * Threads opening and closing handles of one object at once, sharing mappings or not, confined or not: the holds
     * and mappings counted here always come back to the held handle's one, and its close ends the object.
     */
    @Test
    void manyThreadsOpeningAndClosingAtOnceLeaveExactlyTheHeldHandlesHoldAndMapping() throws Exception {
        BackendHandle held = backend.createOrOpen(SHM, "busy", 4096, MapOptions.DEFAULT);
        int mappings = backend.mappings();
        List<MapOptions> kinds = List.of(SHARE, SHARE_CONFINED, MapOptions.DEFAULT,
                MapOptions.DEFAULT.withConfined(true));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    List<BackendHandle> open = new ArrayList<>();
                    for (int i = 0; i < 2_000; i++) {
                        MapOptions options = kinds.get((thread + i) % kinds.size());
                        BackendHandle h = backend.open(SHM, "busy", options);
                        h.segment().set(ValueLayout.JAVA_LONG, 8L * thread, i);
                        open.add(h);
                        if (open.size() > 3 || i % 3 == 0) {
                            open.removeFirst().close();
                        }
                    }
                    open.forEach(BackendHandle::close);
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(Await.DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(List.of(new HolderInfo(PID, 1)), holders("busy"), "only the held handle's hold is left");
        assertEquals(mappings, backend.mappings(), "only the held handle's mapping is left");
        assertEquals(1999L, held.segment().get(ValueLayout.JAVA_LONG, 0));
        held.close();
        assertTrue(backend.lookup("busy").isEmpty());
        assertEquals(0, backend.keptMappings().size(), "the last close ended the object: nothing of it is kept");
        assertEquals(List.of(), TableInvariants.violations(backend));
    }

    private long generation() {
        return backend.table().locked(backend.table()::generation);
    }

    /** The holds of {@code pid} on {@code name}, live and parked. */
    private long holds(String name, long pid) {
        return backend.lookup(name).map(info -> info.holders().stream().filter(h -> h.pid() == pid)
                .mapToLong(HolderInfo::handles).sum()).orElse(0L);
    }

    private List<HolderInfo> holders(String name) {
        return backend.lookup(name).orElseThrow(() -> new AssertionError(name + " is gone")).holders();
    }
}
