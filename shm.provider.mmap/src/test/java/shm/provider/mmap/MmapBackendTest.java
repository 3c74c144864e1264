package shm.provider.mmap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static shm.testkit.Reasons.assertReason;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import shm.api.Access;
import shm.api.ErrorReason;
import shm.api.HolderInfo;
import shm.api.MapOptions;
import shm.api.ObjectInfo;
import shm.api.ObjectType;
import shm.api.ShmException;
import shm.api.spi.BackendHandle;
import shm.testkit.StoreFixture;
import shm.testkit.TmpfsDirectory;

class MmapBackendTest {

    private static final ObjectType SHM = ObjectType.SHARED_MEMORY;
    private static final long PID = ProcessHandle.current().pid();

    @RegisterExtension
    final StoreFixture<MmapBackend> store = MmapStores.fresh();
    private final Path root = store.root();
    /** The store's backend; a test that needs other settings closes it and tracks its own in the store. */
    private MmapBackend backend = store.backend();

    @Test
    void rootDirectoriesAreCreatedPrivateWhateverTheUmask() throws IOException {
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(root)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(root.getParent())));
    }

    @Test
    void createMakesOnePrivateFileWithDataAtAPageBoundary() throws IOException {
        try (BackendHandle h = backend.createOrOpen(SHM, "pump", 100, MapOptions.DEFAULT)) {
            assertFalse(h.alreadyExisted());
            assertEquals(100, h.byteSize());
            assertEquals(100, h.reservedSize());
            assertEquals("pump", h.name());
            assertEquals(0, h.segment().address() % 4096, "data is page-aligned");
            Path file = root.resolve("n.pump");
            assertEquals(List.of("n.pump"), TmpfsDirectory.objectFiles(root));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            assertEquals(4096 + 100, Files.size(file));
        }
    }

    @Test
    void groupSharingGivesExactGroupModes() throws IOException {
        backend.close();
        backend = store.track(
                new MmapBackend(MmapSettings.under(root.resolveSibling("group")).withGroupShared(true)));
        try (BackendHandle h = backend.createOrOpen(SHM, "g", 10, MapOptions.DEFAULT)) {
            Path dir = root.resolveSibling("group");
            assertEquals("rwxrwx---", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
            assertEquals("rw-rw----",
                    PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("n.g"))));
        }
    }

    @Test
    void secondCreateOpensTheSameBytesAndTheExistingSizeWins() {
        try (BackendHandle first = backend.createOrOpen(SHM, "shared", 64, MapOptions.DEFAULT);
             BackendHandle second = backend.createOrOpen(SHM, "shared", 8192, MapOptions.DEFAULT)) {
            assertTrue(second.alreadyExisted());
            assertEquals(64, second.byteSize());
            first.segment().setString(0, "hello");
            assertEquals("hello", second.segment().getString(0));
            second.segment().set(ValueLayout.JAVA_LONG, 56, 0x1122334455667788L);
            assertEquals(0x1122334455667788L, first.segment().get(ValueLayout.JAVA_LONG, 56));
        }
    }

    @Test
    void lastCloseUnlinksAndCloseIsIdempotent() {
        BackendHandle a = backend.createOrOpen(SHM, "life", 10, MapOptions.DEFAULT);
        BackendHandle b = backend.open(SHM, "life", MapOptions.DEFAULT);
        a.close();
        a.close();
        assertEquals(List.of("n.life"), TmpfsDirectory.objectFiles(root), "b still holds the object");
        assertEquals(1, backend.lookup("life").orElseThrow().handleCount());
        b.close();
        assertEquals(List.of(), TmpfsDirectory.objectFiles(root));
        assertEquals(Optional.empty(), backend.lookup("life"));
    }

    @Test
    void useAfterCloseThrowsInsteadOfCrashing() {
        BackendHandle h = backend.createOrOpen(SHM, "gone", 4096, MapOptions.DEFAULT);
        MemorySegment segment = h.segment();
        segment.set(ValueLayout.JAVA_INT, 0, 42);
        h.close();
        assertFalse(h.isOpen());
        assertThrows(IllegalStateException.class, () -> segment.get(ValueLayout.JAVA_INT, 0));
        ShmException e = assertThrows(ShmException.class, h::segment);
        assertEquals(ErrorReason.CLOSED, e.reason());
        assertEquals("gone", h.name(), "identity answers after close");
    }

    @Test
    void badInputIsRefusedAndCreatesNothing() {
        assertReason(ErrorReason.NOT_FOUND, () -> backend.open(SHM, "missing", MapOptions.DEFAULT));
        assertReason(ErrorReason.INVALID_PARAMETER, () -> backend.createOrOpen(SHM, "zero", 0, MapOptions.DEFAULT));
        assertReason(ErrorReason.INVALID_PARAMETER, () -> backend.createOrOpen(SHM, "neg", -1, MapOptions.DEFAULT));
        assertReason(ErrorReason.INVALID_PARAMETER,
                () -> backend.createOrOpen(SHM, "huge", Long.MAX_VALUE, MapOptions.DEFAULT));
        assertReason(ErrorReason.INVALID_PARAMETER, () -> backend.createUnnamed(SHM, 0, MapOptions.DEFAULT));
        assertReason(ErrorReason.INVALID_NAME, () -> backend.createOrOpen(SHM, "", 1, MapOptions.DEFAULT));
        assertReason(ErrorReason.INVALID_NAME, () -> backend.createOrOpen(SHM, "nul\0", 1, MapOptions.DEFAULT));
        assertReason(ErrorReason.INVALID_NAME, () -> backend.open(SHM, "x".repeat(5000), MapOptions.DEFAULT));
        assertEquals(List.of(), TmpfsDirectory.objectFiles(root));
    }

    @Test
    void namesThatLookLikePathsStayInsideTheRoot() throws IOException {
        List<String> names = List.of("..", ".", "../outside", "/etc/passwd", "a/../../b", "back\\slash");
        for (String name : names) {
            backend.createOrOpen(SHM, name, 64, MapOptions.DEFAULT).segment().setString(0, name);
        }
        assertEquals(List.of("ns"), TmpfsDirectory.fileNames(store.directory()), "nothing was written beside the root");
        assertEquals(names.size(), TmpfsDirectory.objectFiles(root).size());
        for (String name : names) {
            try (BackendHandle h = backend.open(SHM, name, MapOptions.DEFAULT)) {
                assertEquals(name, h.segment().getString(0));
            }
        }
        assertEquals(names.stream().sorted().toList(), backend.list().stream().map(ObjectInfo::name).toList());
    }

    @Test
    void veryLongNamesWorkThroughTheirHashedFile() {
        String longName = "sensor/".repeat(500);
        try (BackendHandle h = backend.createOrOpen(SHM, longName, 16, MapOptions.DEFAULT);
             BackendHandle again = backend.open(SHM, longName, MapOptions.DEFAULT)) {
            h.segment().setString(0, "long");
            assertEquals("long", again.segment().getString(0));
            String file = TmpfsDirectory.objectFiles(root).getFirst();
            assertTrue(file.startsWith("h.") && file.length() == 66, file);
            assertEquals(longName, backend.list().getFirst().name());
            assertEquals(longName, backend.lookup(longName).orElseThrow().name());
        }
    }

    @Test
    void theNamespaceIsSharedByAllTypes() {
        try (BackendHandle event = backend.createOrOpen(ObjectType.EVENT, "busy", 64, MapOptions.DEFAULT)) {
            ShmException e = assertThrows(ShmException.class,
                    () -> backend.createOrOpen(SHM, "busy", 64, MapOptions.DEFAULT));
            assertEquals(ErrorReason.NAME_USED_BY_OTHER_TYPE, e.reason());
            assertTrue(e.getMessage().contains("EVENT"), e.getMessage());
            assertReason(ErrorReason.NAME_USED_BY_OTHER_TYPE, () -> backend.open(SHM, "busy", MapOptions.DEFAULT));
            assertEquals(1, backend.lookup("busy").orElseThrow().handleCount(), "the failed calls hold nothing");
            assertEquals(ObjectType.EVENT, backend.lookup("busy").orElseThrow().type());
        }
    }

    @Test
    void readOnlyMappingsRefuseWrites() {
        try (BackendHandle rw = backend.createOrOpen(SHM, "ro", 16, MapOptions.DEFAULT);
             BackendHandle ro = backend.open(SHM, "ro", MapOptions.DEFAULT.withAccess(Access.READ_ONLY))) {
            rw.segment().set(ValueLayout.JAVA_BYTE, 0, (byte) 7);
            assertTrue(ro.segment().isReadOnly());
            assertEquals(7, ro.segment().get(ValueLayout.JAVA_BYTE, 0));
            assertThrows(IllegalArgumentException.class,
                    () -> ro.segment().set(ValueLayout.JAVA_BYTE, 0, (byte) 1));
        }
    }

    @Test
    void lockAndPrefaultOptionsMapUsableMemory() {
        MapOptions realTime = MapOptions.DEFAULT.withLockPages(true).withPrefault(true);
        try (BackendHandle h = backend.createOrOpen(SHM, "rt", 64 * 1024, realTime)) {
            h.segment().fill((byte) 0x5A);
            assertEquals(0x5A, h.segment().get(ValueLayout.JAVA_BYTE, 64 * 1024 - 1));
        }
        backend.close();
        backend = store.track(new MmapBackend(MmapSettings.under(root).withLockPages(true).withPrefault(true)));
        long lockedBefore = lockedKib();
        try (BackendHandle h = backend.createOrOpen(SHM, "rt", 8192, MapOptions.DEFAULT)) {
            assertTrue(lockedKib() >= lockedBefore + 8, "the settings lock the mapping's pages in RAM (VmLck "
                    + lockedBefore + " kB -> " + lockedKib() + " kB)");
            assertEquals(0, h.segment().get(ValueLayout.JAVA_BYTE, 8191));
        }
    }

    /** The memory this process has locked (VmLck of /proc/self/status), in KiB. */
    private static long lockedKib() {
        try {
            return java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status")).stream()
                    .filter(l -> l.startsWith("VmLck:")).map(l -> l.replaceAll("[^0-9]", "")).mapToLong(Long::parseLong)
                    .findFirst().orElseThrow();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void segmentsAboveTwoGibibytesWorkSparse() {
        backend.close();
        backend = store.track(new MmapBackend(MmapSettings.under(root).withReserveSpace(false)));
        long size = 3L << 30;
        long far = (5L << 29) + 13;
        try (BackendHandle h = backend.createOrOpen(SHM, "big", size, MapOptions.DEFAULT);
             BackendHandle other = backend.open(SHM, "big", MapOptions.DEFAULT)) {
            assertEquals(size, h.byteSize());
            h.segment().set(ValueLayout.JAVA_LONG_UNALIGNED, far, 0xCAFEBABEL);
            h.segment().set(ValueLayout.JAVA_BYTE, size - 1, (byte) 9);
            assertEquals(0xCAFEBABEL, other.segment().get(ValueLayout.JAVA_LONG_UNALIGNED, far));
            assertEquals(9, other.segment().get(ValueLayout.JAVA_BYTE, size - 1));
            assertEquals(size, backend.lookup("big").orElseThrow().byteSize());
            assertThrows(IndexOutOfBoundsException.class, () -> h.segment().get(ValueLayout.JAVA_BYTE, size));
        }
    }

    @Test
    void unnamedObjectsAreNotListedAndVanishOnClose() {
        BackendHandle h = backend.createUnnamed(SHM, 32, MapOptions.DEFAULT);
        assertNull(h.name());
        assertEquals(1, TmpfsDirectory.objectFiles(root).size());
        assertTrue(TmpfsDirectory.objectFiles(root).getFirst().startsWith("u."));
        assertEquals(List.of(), backend.list());
        h.segment().set(ValueLayout.JAVA_INT, 0, 1);
        h.close();
        assertEquals(List.of(), TmpfsDirectory.objectFiles(root));
    }

    @Test
    void listAndLookupShowSizesTypesAndThisProcessAsHolder() {
        try (BackendHandle a = backend.createOrOpen(SHM, "b-obj", 5000, MapOptions.DEFAULT);
             BackendHandle a2 = backend.open(SHM, "b-obj", MapOptions.DEFAULT);
             BackendHandle m = backend.createOrOpen(ObjectType.MUTEX, "a-mutex", 64, MapOptions.DEFAULT)) {
            List<ObjectInfo> all = backend.list();
            assertEquals(List.of("a-mutex", "b-obj"), all.stream().map(ObjectInfo::name).toList());
            assertEquals(new ObjectInfo("b-obj", SHM, 5000, 5000, List.of(new HolderInfo(PID, 2))), all.get(1));
            assertEquals(ObjectType.MUTEX, all.get(0).type());
        }
    }

    @Test
    void shrinkingLowersTheLogicalSizeForLaterHandlesOnly() throws IOException {
        try (BackendHandle h = backend.createOrOpen(SHM, "shrink", 10_000, MapOptions.DEFAULT)) {
            h.shrinkLogicalSize(100);
            assertEquals(10_000, h.byteSize(), "mappings already made keep their size");
            try (BackendHandle later = backend.open(SHM, "shrink", MapOptions.DEFAULT)) {
                assertEquals(100, later.byteSize());
                assertEquals(10_000, later.reservedSize());
            }
            assertEquals(4096 + 10_000, Files.size(root.resolve("n.shrink")), "the file is never truncated");
            assertReason(ErrorReason.INVALID_PARAMETER, () -> h.shrinkLogicalSize(101));
            assertReason(ErrorReason.INVALID_PARAMETER, () -> h.shrinkLogicalSize(0));
            ObjectInfo info = backend.lookup("shrink").orElseThrow();
            assertEquals(100, info.logicalSize());
            assertEquals(10_000, info.byteSize());
        }
    }

    @Test
    void foreignFilesAreReportedAndNeverTouched() throws IOException {
        Path foreign = root.resolve("n.foreign");
        byte[] content = "not ours at all".getBytes(StandardCharsets.US_ASCII);
        Files.write(foreign, content);
        ShmException e = assertThrows(ShmException.class, () -> backend.open(SHM, "foreign", MapOptions.DEFAULT));
        assertEquals(ErrorReason.INCOMPATIBLE_STORE, e.reason());
        assertTrue(e.getMessage().contains("left untouched"), e.getMessage());
        assertReason(ErrorReason.INCOMPATIBLE_STORE, () -> backend.createOrOpen(SHM, "foreign", 8, MapOptions.DEFAULT));
        assertEquals(Optional.empty(), backend.lookup("foreign"), "the table does not list what it did not create");
        assertEquals(List.of(), backend.list());
        Files.createSymbolicLink(root.resolve("n.link"), Path.of("/etc/hostname"));
        assertReason(ErrorReason.INCOMPATIBLE_STORE, () -> backend.open(SHM, "link", MapOptions.DEFAULT));
        Files.writeString(root.resolve("README"), "someone else's file");
        assertEquals(List.of(), backend.reapDeadProcesses());
        backend.close();
        assertArrayEquals(content, Files.readAllBytes(foreign));
        assertEquals(List.of("README", "n.foreign", "n.link"), TmpfsDirectory.objectFiles(root));
    }

    @Test
    void closingTheBackendClosesEveryHandleAndUnlinksTheirObjects() {
        BackendHandle a = backend.createOrOpen(SHM, "one", 8, MapOptions.DEFAULT);
        BackendHandle b = backend.createOrOpen(SHM, "two", 8, MapOptions.DEFAULT);
        BackendHandle c = backend.createUnnamed(SHM, 8, MapOptions.DEFAULT);
        MemorySegment segment = a.segment();
        backend.close();
        backend.close();
        assertFalse(a.isOpen() || b.isOpen() || c.isOpen());
        assertThrows(IllegalStateException.class, () -> segment.get(ValueLayout.JAVA_BYTE, 0));
        assertEquals(List.of(), TmpfsDirectory.objectFiles(root));
        assertReason(ErrorReason.CLOSED, () -> backend.createOrOpen(SHM, "three", 8, MapOptions.DEFAULT));
        assertReason(ErrorReason.CLOSED, backend::list);
    }

    @Test
    void racingCreatorsInOneProcessCreateExactlyOnce() throws Exception {
        int threads = 8;
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(threads);
        List<java.util.concurrent.Callable<BackendHandle>> tasks = new java.util.ArrayList<>();
        for (int i = 0; i < threads; i++) {
            tasks.add(() -> {
                start.await();
                return backend.createOrOpen(SHM, "race", 4096, MapOptions.DEFAULT);
            });
        }
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(threads)) {
            List<BackendHandle> handles = new java.util.ArrayList<>();
            for (var f : pool.invokeAll(tasks)) {
                handles.add(f.get());
            }
            assertEquals(1, handles.stream().filter(h -> !h.alreadyExisted()).count());
            assertEquals(threads, backend.lookup("race").orElseThrow().handleCount());
            handles.forEach(BackendHandle::close);
        }
        assertEquals(List.of(), TmpfsDirectory.objectFiles(root));
    }
}
