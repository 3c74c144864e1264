package shm.provider.mmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static shm.testkit.Reasons.assertReason;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import shm.api.Access;
import shm.api.ErrorReason;
import shm.api.HolderInfo;
import shm.api.MapOptions;
import shm.api.ObjectType;
import shm.api.ShmException;
import shm.api.spi.BackendHandle;
import shm.testkit.StoreFixture;
import shm.testkit.TmpfsDirectory;

/**
 * The mappings a backend keeps after their object's last handle here closed ({@link KeptMappings}): used again by the
 * next open of the same object, never for another object, dropped once the object ended, bounded, and the first to go
 * at the mapping limit. The store's backend holds the objects open ("another participant"); a second backend over the
 * same root opens and closes them.
 */
class KeptMappingsTest {

    private static final ObjectType SHM = ObjectType.SHARED_MEMORY;
    private static final long PID = ProcessHandle.current().pid();
    private static final MapOptions CONFINED = MapOptions.DEFAULT.withConfined(true);

    @RegisterExtension
    final StoreFixture<MmapBackend> store = MmapStores.fresh();
    private final Path root = store.root();
    private final MmapBackend holder = store.backend();

    private MmapBackend opener(MmapSettings settings) {
        return new MmapBackend(settings);
    }

    private MmapBackend opener() {
        return opener(MmapSettings.under(root));
    }

    /** Objects {@code prefix0}, {@code prefix1}, … of 4 KiB each, created and held open by the holder. */
    private List<BackendHandle> holdObjects(String prefix, int count) {
        List<BackendHandle> held = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            held.add(holder.createOrOpen(SHM, prefix + i, 4096, MapOptions.DEFAULT));
        }
        return held;
    }

    @Test
    void aReopenUsesTheMappingTheLastCloseKeptAndItsPages() {
        try (BackendHandle held = holder.createOrOpen(SHM, "pump", 4096, MapOptions.DEFAULT);
             MmapBackend b = opener()) {
            int base = b.mappings();
            BackendHandle first = b.open(SHM, "pump", CONFINED);
            long address = first.segment().address();
            first.segment().set(ValueLayout.JAVA_INT, 0, 7);
            MemorySegment closedView = first.segment();
            first.close();
            assertThrows(IllegalStateException.class, () -> closedView.get(ValueLayout.JAVA_INT, 0),
                    "a segment of a closed handle throws at once, kept pages or not");
            assertEquals(1, b.keptMappings().size());
            assertEquals(base + 1, b.mappings(), "the kept mapping is still mapped");

            try (BackendHandle again = b.open(SHM, "pump", MapOptions.DEFAULT)) {
                assertEquals(address, again.segment().address(), "the kept mapping, not a new one");
                assertEquals(base + 1, b.mappings(), "nothing mapped anew");
                assertEquals(0, b.keptMappings().size());
                assertEquals(7, again.segment().get(ValueLayout.JAVA_INT, 0));
                held.segment().set(ValueLayout.JAVA_INT, 4, 9);
                assertEquals(9, again.segment().get(ValueLayout.JAVA_INT, 4), "the object's pages");
                assertEquals(List.of(new HolderInfo(PID, 2)), holder.lookup("pump").orElseThrow().holders(),
                        "the reopen took its hold in the table as every open does");
            }
            assertEquals(List.of(new HolderInfo(PID, 1)), holder.lookup("pump").orElseThrow().holders());
            assertEquals(1, b.keptMappings().size());
        }
        assertEquals(List.of(), TmpfsDirectory.objectFiles(root));
    }

    @Test
    void theLastCloseAnywhereKeepsNothing() {
        try (MmapBackend b = opener()) {
            int base = b.mappings();
            BackendHandle solo = b.createOrOpen(SHM, "solo", 4096, CONFINED);
            solo.close();
            assertEquals(0, b.keptMappings().size(), "the object ended with this close");
            assertEquals(base, b.mappings());
            assertEquals(List.of(), TmpfsDirectory.objectFiles(root));
        }
    }

    @Test
    void aKeptMappingOfAnObjectThatEndedElsewhereGoesAtTheNextOpenAndANewObjectOfTheNameGetsItsOwnPages() {
        try (MmapBackend b = opener()) {
            BackendHandle old = holder.createOrOpen(SHM, "sensor", 4096, MapOptions.DEFAULT);
            old.segment().set(ValueLayout.JAVA_INT, 0, 1);
            int base = b.mappings();
            b.open(SHM, "sensor", CONFINED).close();
            assertEquals(1, b.keptMappings().size());
            old.close();   // the holder's close was the last hold: the object ends, its file is unlinked
            assertEquals(List.of(), TmpfsDirectory.objectFiles(root));
            assertEquals(1, b.keptMappings().size(), "nothing of this backend ran since");

            try (BackendHandle fresh = holder.createOrOpen(SHM, "sensor", 4096, MapOptions.DEFAULT)) {
                fresh.segment().set(ValueLayout.JAVA_INT, 0, 2);
                try (BackendHandle seen = b.open(SHM, "sensor", CONFINED)) {
                    assertEquals(2, seen.segment().get(ValueLayout.JAVA_INT, 0), "the new object, not the old pages");
                    assertEquals(0, b.keptMappings().size(), "the old object's mapping was unmapped");
                    assertEquals(base + 1, b.mappings());
                    seen.segment().set(ValueLayout.JAVA_INT, 4, 3);
                    assertEquals(3, fresh.segment().get(ValueLayout.JAVA_INT, 4));
                }
            }
        }
    }

    @Test
    void anOpenOfAnObjectThatIsGoneStillUnmapsWhatWasKeptOfIt() {
        try (MmapBackend b = opener()) {
            BackendHandle held = holder.createOrOpen(SHM, "gone", 4096, MapOptions.DEFAULT);
            int base = b.mappings();
            b.open(SHM, "gone", CONFINED).close();
            held.close();
            assertReason(ErrorReason.NOT_FOUND, () -> b.open(SHM, "gone", CONFINED));
            assertEquals(0, b.keptMappings().size());
            assertEquals(base, b.mappings(), "the failed open swept the kept mapping of the ended object");
        }
    }

    @Test
    void readOnlyAndWritableMappingsAreKeptApart() {
        try (BackendHandle held = holder.createOrOpen(SHM, "both", 4096, MapOptions.DEFAULT);
             MmapBackend b = opener()) {
            BackendHandle writable = b.open(SHM, "both", CONFINED);
            long writableAddress = writable.segment().address();
            writable.close();
            try (BackendHandle reader = b.open(SHM, "both", CONFINED.withAccess(Access.READ_ONLY))) {
                assertTrue(reader.segment().isReadOnly());
                assertNotEquals(writableAddress, reader.segment().address(), "not the writable mapping");
                assertEquals(1, b.keptMappings().size(), "the writable one stays kept");
            }
            assertEquals(2, b.keptMappings().size());
            try (BackendHandle writer = b.open(SHM, "both", CONFINED)) {
                assertEquals(writableAddress, writer.segment().address());
                writer.segment().set(ValueLayout.JAVA_INT, 0, 5);
                assertEquals(5, held.segment().get(ValueLayout.JAVA_INT, 0));
            }
        }
    }

    @Test
    void atMostTheConfiguredNumberIsKeptAndNoneWithZero() {
        List<BackendHandle> held = holdObjects("o", 3);
        try {
            try (MmapBackend two = opener(MmapSettings.under(root).withKeptMappings(2));
                 MmapBackend none = opener(MmapSettings.under(root).withKeptMappings(0))) {
                int twoBase = two.mappings();
                int noneBase = none.mappings();
                for (int i = 0; i < 3; i++) {
                    two.open(SHM, "o" + i, CONFINED).close();
                    none.open(SHM, "o" + i, CONFINED).close();
                }
                assertEquals(2, two.keptMappings().size(), "the oldest was unmapped for the third");
                assertEquals(twoBase + 2, two.mappings());
                assertEquals(0, none.keptMappings().size());
                assertEquals(noneBase, none.mappings());
            }
        } finally {
            held.forEach(BackendHandle::close);
        }
    }

    @Test
    void objectsLargerThanTheLimitAreNotKept() {
        try (BackendHandle held = holder.createOrOpen(SHM, "large", KeptMappings.MAX_LENGTH + 4096,
                MapOptions.DEFAULT);
             MmapBackend b = opener()) {
            int base = b.mappings();
            b.open(SHM, "large", CONFINED).close();
            assertEquals(0, b.keptMappings().size());
            assertEquals(base, b.mappings());
        }
    }

    @Test
    void theMappingLimitUnmapsKeptMappingsBeforeItRefuses() {
        List<BackendHandle> held = holdObjects("m", 4);
        try {
            // the table and two handles
            try (MmapBackend b = opener(MmapSettings.under(root).withMaxMappings(3))) {
                b.open(SHM, "m0", CONFINED).close();
                b.open(SHM, "m1", CONFINED).close();
                assertEquals(2, b.keptMappings().size());
                assertEquals(3, b.mappings(), "at the limit, with two kept");
                try (BackendHandle m2 = b.open(SHM, "m2", CONFINED);
                     BackendHandle m3 = b.open(SHM, "m3", CONFINED)) {
                    assertEquals(0, b.keptMappings().size(), "each new mapping took the place of a kept one");
                    ShmException refused = assertThrows(ShmException.class, () -> b.open(SHM, "m0", CONFINED));
                    assertEquals(ErrorReason.LIMIT, refused.reason());
                    assertTrue(refused.getMessage().contains("maxMappings"), refused.getMessage());
                    assertEquals(3, b.mappings(), "the refused open left nothing mapped");
                    m2.segment().set(ValueLayout.JAVA_INT, 0, 1);
                    m3.segment().set(ValueLayout.JAVA_INT, 0, 1);
                }
            }
        } finally {
            held.forEach(BackendHandle::close);
        }
    }

    @Test
    void aBackendsCloseUnmapsWhatItKept() {
        try (BackendHandle held = holder.createOrOpen(SHM, "kept", 4096, MapOptions.DEFAULT)) {
            MmapBackend b = opener();
            b.open(SHM, "kept", CONFINED).close();
            assertEquals(1, b.keptMappings().size());
            b.close();
            assertEquals(0, b.keptMappings().size());
            assertEquals(List.of(new HolderInfo(PID, 1)), holder.lookup("kept").orElseThrow().holders(),
                    "the holder's hold is untouched");
            held.segment().set(ValueLayout.JAVA_INT, 0, 1);
        }
    }
}
