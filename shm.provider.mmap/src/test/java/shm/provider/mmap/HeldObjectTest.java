package shm.provider.mmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static shm.testkit.Reasons.assertReason;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordingFile;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import shm.api.Access;
import shm.api.ErrorReason;
import shm.api.HolderInfo;
import shm.api.MapOptions;
import shm.api.ObjectType;
import shm.api.spi.BackendHandle;
import shm.testkit.StoreFixture;
import shm.testkit.TmpfsDirectory;

/**
 * The control path's fast paths (issue 14): a further open of an object this backend holds makes its own view of the
 * pages an open handle maps (no file opened) and writes only its own hold into the table (one hold per handle, which
 * the personalities' close of another process's handle relies on); segments of closed handles throw exactly when the
 * API docs say; confined handles; new files made unnamed and linked by descriptor or through {@code /proc}.
 */
class HeldObjectTest {

    private static final ObjectType SHM = ObjectType.SHARED_MEMORY;
    private static final long PID = ProcessHandle.current().pid();
    private static final MapOptions CONFINED = MapOptions.DEFAULT.withConfined(true);

    @RegisterExtension
    final StoreFixture<MmapBackend> store = MmapStores.fresh();
    private final Path root = store.root();
    private final MmapBackend backend = store.backend();

    @Test
    void openingAnObjectThisBackendHoldsWritesOnlyItsHoldIntoTheTable() {
        try (BackendHandle first = backend.createOrOpen(SHM, "held", 8192, MapOptions.DEFAULT)) {
            long generation = generation(backend);
            int mappings = backend.mappings();
            for (int i = 0; i < 100; i++) {
                try (BackendHandle again = backend.open(SHM, "held", MapOptions.DEFAULT);
                     BackendHandle created = backend.createOrOpen(SHM, "held", 1, MapOptions.DEFAULT)) {
                    assertTrue(created.alreadyExisted());
                    assertEquals(first.ref(), again.ref());
                    assertEquals(8192, again.byteSize());
                    again.segment().set(ValueLayout.JAVA_INT, 0, i);
                    assertEquals(i, first.segment().get(ValueLayout.JAVA_INT, 0), "one object");
                    assertTrue(first.segment().address() != created.segment().address(), "a view per handle");
                    assertEquals(List.of(new HolderInfo(PID, 3)), backend.lookup("held").orElseThrow().holders(),
                            "one hold per handle");
                }
            }
            // per cycle: two opens and two closes, one transaction each (the lookup writes nothing)
            assertEquals(generation + 400, generation(backend), "one table transaction per held open and close");
            assertEquals(1, backend.lookup("held").orElseThrow().handleCount());
            assertEquals(mappings, backend.mappings(), "each handle's mapping went with it");
            assertEquals(0, backend.keptMappings().size(), "no view of an object still held here is kept");
            assertReason(ErrorReason.NAME_USED_BY_OTHER_TYPE, () -> backend.open(ObjectType.EVENT, "held",
                    MapOptions.DEFAULT));
        }
        assertEquals(List.of(), TmpfsDirectory.objectFiles(root), "the last close still destroys the object");
        assertEquals(0, backend.keptMappings().size(), "and unmaps what was kept of it");
    }

    @Test
    void aViewMadeFromAnotherHandlesMappingSharesItsPagesAndOutlivesIt() {
        int mappings = backend.mappings();
        BackendHandle creator = backend.createOrOpen(SHM, "viewed", 8192, MapOptions.DEFAULT);
        creator.segment().set(ValueLayout.JAVA_INT, 4096, 42);
        try (BackendHandle view = backend.open(SHM, "viewed", MapOptions.DEFAULT);
             BackendHandle reader = backend.open(SHM, "viewed", MapOptions.DEFAULT.withAccess(Access.READ_ONLY));
             BackendHandle secondReader = backend.open(SHM, "viewed", CONFINED.withAccess(Access.READ_ONLY))) {
            assertEquals(42, view.segment().get(ValueLayout.JAVA_INT, 4096));
            assertEquals(8192, view.byteSize());
            assertTrue(view.segment().address() != creator.segment().address(), "an address of its own");
            assertTrue(secondReader.segment().isReadOnly());
            assertEquals(mappings + 4, backend.mappings(), "one mapping per handle");
            MemorySegment kept = creator.segment();
            creator.close();
            assertThrows(IllegalStateException.class, () -> kept.get(ValueLayout.JAVA_INT, 0));
            view.segment().set(ValueLayout.JAVA_INT, 8188, 7);
            assertEquals(7, reader.segment().get(ValueLayout.JAVA_INT, 8188), "the same pages after the first closed");
            assertEquals(7, secondReader.segment().get(ValueLayout.JAVA_INT, 8188));
            assertEquals(0, backend.keptMappings().size(), "other handles hold the object here: nothing kept");
            assertEquals(mappings + 3, backend.mappings());
        }
        assertEquals(0, backend.keptMappings().size(), "the last close ended the object: nothing of it is kept");
        assertEquals(mappings, backend.mappings());
        assertEquals(List.of(), TmpfsDirectory.objectFiles(root));
    }

    @Test
    void theTableCountsOneHoldPerHandleWhicheverBackendOpenedIt() {
        try (MmapBackend other = store.track(new MmapBackend(MmapSettings.under(root)));
             BackendHandle a = backend.createOrOpen(SHM, "counted", 64, MapOptions.DEFAULT);
             BackendHandle b = backend.open(SHM, "counted", MapOptions.DEFAULT);
             BackendHandle c = backend.open(SHM, "counted", MapOptions.DEFAULT.withAccess(Access.READ_ONLY))) {
            assertEquals(List.of(new HolderInfo(PID, 3)), backend.lookup("counted").orElseThrow().holders());
            assertEquals(List.of(new HolderInfo(PID, 3)), other.lookup("counted").orElseThrow().holders(),
                    "every backend reads the same count: one hold per handle");
            try (BackendHandle d = other.open(SHM, "counted", MapOptions.DEFAULT)) {
                assertEquals(List.of(new HolderInfo(PID, 4)), other.lookup("counted").orElseThrow().holders());
                assertEquals(List.of(new HolderInfo(PID, 4)), backend.lookup("counted").orElseThrow().holders());
            }
            a.close();
            b.close();
            assertEquals(List.of(new HolderInfo(PID, 1)), backend.lookup("counted").orElseThrow().holders());
            assertEquals(List.of(), TableInvariants.violations(backend));
        }
        assertEquals(List.of(), TmpfsDirectory.objectFiles(root));
    }

    @Test
    void aSegmentOfAClosedHandleThrowsAtOnceWhileOtherHandlesKeepTheObject() {
        BackendHandle first = backend.createOrOpen(SHM, "late", 64, MapOptions.DEFAULT);
        BackendHandle second = backend.open(SHM, "late", MapOptions.DEFAULT);
        MemorySegment kept = first.segment();
        kept.set(ValueLayout.JAVA_INT, 0, 7);
        first.close();
        assertReason(ErrorReason.CLOSED, first::segment);
        assertThrows(IllegalStateException.class, () -> kept.get(ValueLayout.JAVA_INT, 0));
        assertEquals(7, second.segment().get(ValueLayout.JAVA_INT, 0));
        second.close();
    }

    @Test
    void aConfinedSegmentThrowsAtItsHandlesCloseAndOnlyItsThreadUsesIt() throws Exception {
        try (BackendHandle shared = backend.createOrOpen(SHM, "confined", 64, MapOptions.DEFAULT)) {
            BackendHandle mine = backend.open(SHM, "confined", CONFINED);
            MemorySegment kept = mine.segment();
            kept.set(ValueLayout.JAVA_INT, 0, 42);
            assertEquals(42, shared.segment().get(ValueLayout.JAVA_INT, 0));
            Object otherThread = CompletableFuture.supplyAsync(() -> {
                try {
                    return (Object) kept.get(ValueLayout.JAVA_INT, 0);
                } catch (RuntimeException e) {
                    return e;
                }
            }).get();
            assertTrue(otherThread instanceof WrongThreadException, String.valueOf(otherThread));
            mine.close();
            assertThrows(IllegalStateException.class, () -> kept.get(ValueLayout.JAVA_INT, 0), "at once");
            assertEquals(42, shared.segment().get(ValueLayout.JAVA_INT, 0), "the shared handle is unaffected");
        }
        assertEquals(List.of(), TmpfsDirectory.objectFiles(root));
    }

    @Test
    void aConfinedCreateAloneMapsAndUnmapsWithoutASharedArena() {
        int mappings = backend.mappings();
        for (int i = 0; i < 50; i++) {
            try (BackendHandle h = backend.createOrOpen(SHM, "churn", 4096, CONFINED)) {
                h.segment().set(ValueLayout.JAVA_LONG, 4088, i);
            }
        }
        assertEquals(mappings, backend.mappings());
        assertEquals(List.of(), TmpfsDirectory.objectFiles(root));
    }

    @Test
    void aConfinedHandleClosedByAnotherThreadIsReleasedAndItsPagesStayMapped() throws Exception {
        BackendHandle confined = backend.createOrOpen(SHM, "stray", 64, CONFINED);
        MemorySegment kept = confined.segment();
        int mappings = backend.mappings();
        CompletableFuture.runAsync(confined::close).get();
        assertFalse(confined.isOpen());
        assertEquals(List.of(), TmpfsDirectory.objectFiles(root), "its hold was released: the object is gone");
        kept.set(ValueLayout.JAVA_INT, 0, 1);   // the owner thread's segment still works: nothing was unmapped
        assertEquals(mappings, backend.mappings(), "the pages stay mapped until the process ends");
    }

    @Test
    void aReadWriteOpenAfterAReadOnlyOneMapsAgainWithItsOwnHold() {
        try (MmapBackend creator = store.track(new MmapBackend(MmapSettings.under(root)));
             BackendHandle made = creator.createOrOpen(SHM, "access", 64, MapOptions.DEFAULT);
             BackendHandle reader = backend.open(SHM, "access", MapOptions.DEFAULT.withAccess(Access.READ_ONLY))) {
            assertTrue(reader.segment().isReadOnly());
            try (BackendHandle writer = backend.open(SHM, "access", MapOptions.DEFAULT)) {
                writer.segment().set(ValueLayout.JAVA_INT, 0, 5);
                assertEquals(5, reader.segment().get(ValueLayout.JAVA_INT, 0));
                assertEquals(5, made.segment().get(ValueLayout.JAVA_INT, 0));
                assertEquals(List.of(new HolderInfo(PID, 3)), creator.lookup("access").orElseThrow().holders());
            }
        }
    }

    @Test
    void aShrunkObjectGivesLaterHeldHandlesTheSmallerSize() {
        try (MmapBackend other = store.track(new MmapBackend(MmapSettings.under(root)));
             BackendHandle h = backend.createOrOpen(SHM, "shrunk", 10_000, MapOptions.DEFAULT);
             BackendHandle elsewhere = other.open(SHM, "shrunk", MapOptions.DEFAULT)) {
            elsewhere.shrinkLogicalSize(5000);   // by another backend: this one sees it in the table
            try (BackendHandle later = backend.open(SHM, "shrunk", MapOptions.DEFAULT)) {
                assertEquals(5000, later.byteSize());
                assertEquals(10_000, h.byteSize());
            }
        }
    }

    @Test
    void newFilesAreCompleteAndLeaveNoTemporaryNameWithOrWithoutOTmpfile() throws Exception {
        try (BackendHandle h = backend.createOrOpen(SHM, "unnamed-file", 64, MapOptions.DEFAULT)) {
            assertEquals(List.of("n.unnamed-file"), TmpfsDirectory.objectFiles(root));
        }
        backend.newObjectFilesForTests().useTemporaryNames();
        try (BackendHandle h = backend.createOrOpen(SHM, "named-file", 64, MapOptions.DEFAULT)) {
            h.segment().set(ValueLayout.JAVA_INT, 0, 3);
            try (Stream<Path> names = Files.list(root)) {
                assertEquals(List.of(), names.map(p -> p.getFileName().toString())
                        .filter(n -> n.startsWith(NameCodec.TEMPORARY_PREFIX)).toList());
            }
            try (BackendHandle again = store.track(new MmapBackend(MmapSettings.under(root)))
                    .open(SHM, "named-file", MapOptions.DEFAULT)) {
                assertEquals(3, again.segment().get(ValueLayout.JAVA_INT, 0), "a complete object with its header");
            }
        }
        assertEquals(List.of(), TmpfsDirectory.objectFiles(root));
    }

    @Test
    void newFilesAreLinkedCompleteWhetherTheKernelLinksByDescriptorOrThroughProc() {
        for (boolean throughProc : new boolean[] {false, true}) {
            if (throughProc) {
                backend.newObjectFilesForTests().linkThroughProc();
            }
            String name = throughProc ? "linked-through-proc" : "linked-by-descriptor";
            try (BackendHandle h = backend.createOrOpen(SHM, name, 64, MapOptions.DEFAULT)) {
                h.segment().set(ValueLayout.JAVA_INT, 0, 7);
                assertEquals(List.of(NameCodec.fileName(name)), TmpfsDirectory.objectFiles(root));
                try (BackendHandle again = store.track(new MmapBackend(MmapSettings.under(root)))
                        .open(SHM, name, MapOptions.DEFAULT)) {
                    assertEquals(7, again.segment().get(ValueLayout.JAVA_INT, 0), "a complete object with its header");
                }
            }
            assertEquals(List.of(), TmpfsDirectory.objectFiles(root));
        }
    }

    @Test
    void aCreateOpenAndCloseThrowNoException() throws Exception {
        Path dump = Files.createTempFile("held-object-test", ".jfr");
        try (Recording recording = new Recording()) {
            recording.enable("jdk.JavaExceptionThrow");
            recording.start();
            for (int i = 0; i < 20; i++) {
                try (BackendHandle h = backend.createOrOpen(SHM, "quiet", 4096, MapOptions.DEFAULT);
                     BackendHandle again = backend.open(SHM, "quiet", CONFINED)) {
                    h.segment().set(ValueLayout.JAVA_INT, 0, i);
                }
            }
            recording.stop();
            recording.dump(dump);
            long thread = Thread.currentThread().threadId();
            List<String> thrown = RecordingFile.readAllEvents(dump).stream()
                    .filter(e -> e.getThread() != null && e.getThread().getJavaThreadId() == thread)
                    .map(e -> e.getClass("thrownClass").getName() + ": " + e.getString("message")).toList();
            assertEquals(List.of(), thrown);
        } finally {
            Files.deleteIfExists(dump);
        }
    }

    private static long generation(MmapBackend backend) {
        return backend.guard().tableWork(ObjectTable::generation);
    }
}
