package shm.provider.mmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static shm.testkit.Reasons.assertReason;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import shm.api.ErrorReason;
import shm.api.MapOptions;
import shm.api.NamedEvent;
import shm.api.NamedSemaphore;
import shm.api.ObjectInfo;
import shm.api.ObjectType;
import shm.api.WaitResult;
import shm.api.spi.BackendHandle;
import shm.testkit.TmpfsDirectory;

/**
 * The files of objects a backend destroyed, kept for its next create of the same size ({@link SpareFiles},
 * {@link MmapSettings#spareFiles()}): the name goes at the last close as always, the file waits under a temporary name
 * of this process, and the next create zeroes it, gives it a new header and renames it; a file is never used for
 * another size, never after a failed create, never beyond the capacity, and none outlives the backend or its process.
 */
class SpareFilesTest {

    private static final ObjectType SHM = ObjectType.SHARED_MEMORY;
    private static final long PID = ProcessHandle.current().pid();
    private static final String OWN_TEMPORARY = NameCodec.TEMPORARY_PREFIX + PID + ".";

    @RegisterExtension
    final TmpfsDirectory tmpfs = new TmpfsDirectory();
    private final Path root = tmpfs.path().resolve("ns");

    private MmapBackend backend(int spareFiles) {
        return new MmapBackend(MmapSettings.under(root).withSpareFiles(spareFiles));
    }

    private static long inode(Path file) throws IOException {
        return (Long) Files.getAttribute(file, "unix:ino", LinkOption.NOFOLLOW_LINKS);
    }

    /** The only file under a temporary name of this process. */
    private Path onlySpare() {
        List<String> spares = TmpfsDirectory.objectFiles(root).stream().filter(n -> n.startsWith(OWN_TEMPORARY))
                .toList();
        assertEquals(1, spares.size(), TmpfsDirectory.objectFiles(root)::toString);
        return root.resolve(spares.getFirst());
    }

    @Test
    void theLastCloseKeepsTheFileUnderATemporaryNameAndTheNextCreateOfThatSizeTakesItZeroed() throws IOException {
        try (MmapBackend b = backend(4)) {
            BackendHandle first = b.createOrOpen(SHM, "first", 4096, MapOptions.DEFAULT);
            long inode = inode(root.resolve(NameCodec.fileName("first")));
            first.segment().fill((byte) 0x5a);
            first.close();

            assertTrue(b.lookup("first").isEmpty(), "the object ended with its last close");
            Path spare = onlySpare();
            assertEquals(inode, inode(spare), "its file waits under a temporary name");
            assertEquals(1, b.keptMappings().spareCount());
            assertEquals(0, b.keptMappings().size(), "and its mapping is the spare's, not kept for an open");
            assertReason(ErrorReason.NOT_FOUND, () -> b.open(SHM, "first", MapOptions.DEFAULT));

            int mappings = b.mappings();
            try (BackendHandle second = b.createOrOpen(SHM, "second", 4096, MapOptions.DEFAULT)) {
                assertEquals(List.of(NameCodec.fileName("second")), TmpfsDirectory.objectFiles(root),
                        "the spare was renamed: no temporary name is left");
                assertEquals(inode, inode(root.resolve(NameCodec.fileName("second"))));
                assertEquals(mappings, b.mappings(), "the spare's mapping is the new handle's");
                assertEquals(0, b.keptMappings().spareCount());
                MemorySegment data = second.segment();
                for (long offset = 0; offset < 4096; offset += 8) {
                    assertEquals(0L, data.get(ValueLayout.JAVA_LONG, offset), "offset " + offset + " is zero");
                }
                data.set(ValueLayout.JAVA_INT, 0, 42);
                try (MmapBackend other = backend(0);
                     BackendHandle seen = other.open(SHM, "second", MapOptions.DEFAULT)) {
                    assertEquals(42, seen.segment().get(ValueLayout.JAVA_INT, 0),
                            "another participant opens it by its name and header and sees its pages");
                    assertEquals("second", other.list().getFirst().name());
                }
            }
            assertEquals(inode, inode(onlySpare()), "the file is a spare again after the new object's end");
        }
        assertEquals(List.of(), TmpfsDirectory.fileNames(root), "the backend's close removed the spare too");
    }

    @Test
    void aSpareGetsTheWholeHeaderOfItsNewObjectLongNamesIncluded() throws IOException {
        String longName = "a-long-name-".repeat(30);
        String otherLongName = "another-one-".repeat(25);
        try (MmapBackend b = backend(4)) {
            b.createOrOpen(SHM, longName, 8192, MapOptions.DEFAULT).close();
            try (BackendHandle h = b.createOrOpen(SHM, otherLongName, 8192, MapOptions.DEFAULT)) {
                assertEquals(0, b.keptMappings().spareCount(), "the long-named object's file was taken");
                assertEquals(List.of(otherLongName), b.list().stream().map(ObjectInfo::name).toList(),
                        "the name is read from the new header");
            }
            b.createOrOpen(SHM, "short", 8192, MapOptions.DEFAULT).close();
            try (BackendHandle h = b.createOrOpen(SHM, "s", 8192, MapOptions.DEFAULT)) {
                byte[] page = Files.readAllBytes(root.resolve(NameCodec.fileName("s")));
                int used = new ObjectHeader(SHM, 8192, 8192, "s", PID, 0).usedBytes();
                for (int i = used; i < ObjectHeader.DATA_OFFSET; i++) {
                    assertEquals(0, page[i], "header page byte " + i + " of the old header was cleared");
                }
            }
        }
    }

    @Test
    void aSyncObjectMadeFromASpareStartsInItsOwnInitialStateNotInTheEndedObjectsState() {
        try (MmapBackend b = backend(4)) {
            NamedEvent signaled = b.createOrOpenEvent("was-signaled", true, true);
            assertEquals(WaitResult.SIGNALED, signaled.await(Duration.ZERO));
            signaled.close();
            assertEquals(1, b.keptMappings().spareCount(), "the event's file is a spare");
            try (NamedEvent fresh = b.createOrOpenEvent("fresh", false, false)) {
                assertEquals(0, b.keptMappings().spareCount(), "the new event took it");
                assertFalse(fresh.manualReset(), "its own reset mode");
                assertEquals(WaitResult.TIMEOUT, fresh.await(Duration.ZERO), "and its own state: not signaled");
                fresh.set();
                assertEquals(WaitResult.SIGNALED, fresh.await(Duration.ZERO));
                assertEquals(WaitResult.TIMEOUT, fresh.await(Duration.ZERO), "auto-reset");
            }
            try (NamedSemaphore full = b.createOrOpenSemaphore("full", 3, 3)) {
                assertEquals(WaitResult.SIGNALED, full.acquire(Duration.ZERO));
            }
            try (NamedSemaphore empty = b.createOrOpenSemaphore("empty", 0, 1)) {
                assertEquals(WaitResult.TIMEOUT, empty.acquire(Duration.ZERO), "the count is its own 0");
                empty.release(1);
                assertEquals(WaitResult.SIGNALED, empty.acquire(Duration.ZERO));
            }
        }
    }

    @Test
    void aSpareServesOnlyItsOwnSizeAndTheCapacityBoundsThem() {
        try (MmapBackend b = backend(2)) {
            b.createOrOpen(SHM, "small", 4096, MapOptions.DEFAULT).close();
            try (BackendHandle larger = b.createOrOpen(SHM, "larger", 8192, MapOptions.DEFAULT)) {
                assertEquals(1, b.keptMappings().spareCount(), "a create of another size makes its own file");
            }
            assertEquals(2, b.keptMappings().spareCount());
            b.createOrOpen(SHM, "third", 12288, MapOptions.DEFAULT).close();
            assertEquals(2, b.keptMappings().spareCount(), "the oldest went beyond the capacity");
            assertEquals(2, TmpfsDirectory.objectFiles(root).size(), TmpfsDirectory.objectFiles(root)::toString);
            try (BackendHandle h = b.createOrOpen(SHM, "again", 4096, MapOptions.DEFAULT)) {
                assertEquals(2, b.keptMappings().spareCount(), "the 4 KiB spare was the one that went");
            }
        }
    }

    @Test
    void noSpareIsKeptWhenOffOrWithoutKeptMappingsOrForLargeObjects() {
        try (MmapBackend off = backend(0)) {
            off.createOrOpen(SHM, "a", 4096, MapOptions.DEFAULT).close();
            assertEquals(List.of(), TmpfsDirectory.objectFiles(root), "0 removes every file with its object");
        }
        try (MmapBackend noKept = new MmapBackend(MmapSettings.under(root).withSpareFiles(4).withKeptMappings(0))) {
            noKept.createOrOpen(SHM, "a", 4096, MapOptions.DEFAULT).close();
            assertEquals(List.of(), TmpfsDirectory.objectFiles(root), "a spare is made of a kept mapping only");
        }
        try (MmapBackend b = backend(4)) {
            b.createOrOpen(SHM, "large", KeptMappings.MAX_LENGTH + 4096, MapOptions.DEFAULT).close();
            assertEquals(List.of(), TmpfsDirectory.objectFiles(root), "an object beyond 1 MiB is removed");
        }
    }

    @Test
    void aCreateThatFindsAForeignFileUnderTheNameDiscardsTheSpareAndLeavesTheFileUntouched() throws IOException {
        try (MmapBackend b = backend(4)) {
            b.createOrOpen(SHM, "gone", 4096, MapOptions.DEFAULT).close();
            Path foreign = root.resolve(NameCodec.fileName("taken"));
            Files.writeString(foreign, "not ours");
            assertReason(ErrorReason.INCOMPATIBLE_STORE, () -> b.createOrOpen(SHM, "taken", 4096,
                    MapOptions.DEFAULT));
            assertEquals("not ours", Files.readString(foreign), "the foreign file was left untouched");
            assertEquals(List.of(NameCodec.fileName("taken")), TmpfsDirectory.objectFiles(root),
                    "the spare went with the failed create: nothing half-made is left");
            assertEquals(0, b.keptMappings().spareCount());
            assertEquals(List.of(), b.list());
            Files.delete(foreign);
            assertEquals(List.of(), TableInvariants.violations(b), "the table holds nothing of the failed create");
        }
    }

    @Test
    void theMappingLimitDiscardsSparesBeforeItRefuses() {
        try (MmapBackend b = new MmapBackend(MmapSettings.under(root).withSpareFiles(4).withMaxMappings(3))) {
            b.createOrOpen(SHM, "a", 4096, MapOptions.DEFAULT).close();
            b.createOrOpen(SHM, "b", 4096 * 2, MapOptions.DEFAULT).close();
            assertEquals(2, b.keptMappings().spareCount());
            assertEquals(3, b.mappings(), "the table and the two spares");
            try (BackendHandle c = b.createOrOpen(SHM, "c", 4096 * 3, MapOptions.DEFAULT)) {
                assertEquals(1, b.keptMappings().spareCount(), "the oldest spare made room");
                try (BackendHandle d = b.createOrOpen(SHM, "d", 4096 * 4, MapOptions.DEFAULT)) {
                    assertEquals(0, b.keptMappings().spareCount());
                    assertReason(ErrorReason.LIMIT, () -> b.createOrOpen(SHM, "e", 4096 * 5, MapOptions.DEFAULT));
                }
            }
        }
    }

    @Test
    void anObjectHeldElsewhereIsNotASpareAtThisBackendsLastClose() throws IOException {
        try (MmapBackend b = backend(4); MmapBackend holder = backend(0);
             BackendHandle created = b.createOrOpen(SHM, "shared", 4096, MapOptions.DEFAULT)) {
            BackendHandle held = holder.open(SHM, "shared", MapOptions.DEFAULT);
            created.close();
            assertEquals(0, b.keptMappings().spareCount(), "the object lives on: its mapping is kept, not a spare");
            assertEquals(1, b.keptMappings().size());
            held.close();
            assertEquals(List.of(), TmpfsDirectory.objectFiles(root),
                    "the other backend's last close removed the file: it had no kept mapping of it");
        }
    }

    @Test
    void theSparesOfAKilledProcessAreRemovedByTheNextReap() {
        try (MmapBackend observer = backend(0)) {
            ChildJvm child = ChildJvm.start(root, "export " + ChildMain.SPARE_FILES_VARIABLE + "=4;");
            try {
                child.ok("create first 4096");
                child.ok("close first");
                child.ok("create second 8192");
                child.ok("close second");
                String childSpares = NameCodec.TEMPORARY_PREFIX + child.pid() + ".";
                assertEquals(2, TmpfsDirectory.objectFiles(root).stream().filter(n -> n.startsWith(childSpares))
                        .count(), "the child keeps two spares: " + TmpfsDirectory.objectFiles(root));
                assertTrue(observer.list().isEmpty(), "spares are not objects");
                child.kill();
            } finally {
                child.close();
            }
            assertEquals(List.of(child.pid()), observer.reapDeadProcesses());
            assertEquals(List.of(), TmpfsDirectory.objectFiles(root), "the dead child's spares were removed");
            assertEquals(List.of(), TableInvariants.violations(observer));
        }
    }

    @Test
    void spareFilesOutOfRangeAreRefused() {
        MmapSettings settings = MmapSettings.under(root);
        assertEquals(0, settings.spareFiles(), "off by default");
        assertThrows(IllegalArgumentException.class, () -> settings.withSpareFiles(-1));
        assertThrows(IllegalArgumentException.class, () -> settings.withSpareFiles(MmapSettings.MAX_SPARE_FILES + 1));
        assertNotEquals(settings, settings.withSpareFiles(1));
    }
}
