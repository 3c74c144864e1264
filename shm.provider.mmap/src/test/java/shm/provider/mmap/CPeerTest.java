package shm.provider.mmap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static shm.provider.mmap.CPeerProcess.field;
import static shm.provider.mmap.CPeerProcess.holders;
import static shm.testkit.Reasons.assertReason;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import shm.api.ErrorReason;
import shm.api.HolderInfo;
import shm.api.MapOptions;
import shm.api.ObjectInfo;
import shm.api.ObjectType;
import shm.api.ShmException;
import shm.api.spi.BackendHandle;
import shm.testkit.StoreFixture;
import shm.testkit.TmpfsDirectory;

/**
 * The C example {@code examples/c/shm_peer.c} and the Java backend share one root: compiled here with gcc, the C
 * program opens objects Java created and the reverse, and both see the same bytes, the same handle counts, the same
 * errors and the same end of life (last close destroys, a killed process is reaped, the last participant removes the
 * table). Every wait has a deadline; every child process is killed in the end.
 */
class CPeerTest {

    private static final ObjectType SHM = ObjectType.SHARED_MEMORY;
    private static final long JAVA = ProcessHandle.current().pid();
    private static final Path SOURCE = Path.of("..", "examples", "c", "shm_peer.c");

    /** The compiled peer; compiled once, by the first test. */
    private static Path binary;
    /** Why the peer cannot be built here (no gcc), or {@code null}. */
    private static String unavailable;

    @RegisterExtension
    final StoreFixture<MmapBackend> store = MmapStores.fresh();
    private final Path root = store.root();
    private final MmapBackend backend = store.backend();

    /**
     * Compiles the example with the flags its README gives; every test is skipped, each with the reason, when gcc is
     * not installed. A compile error fails the tests.
     */
    private static synchronized void compile() throws IOException, InterruptedException {
        if (binary == null && unavailable == null) {
            Path source = SOURCE.toAbsolutePath().normalize();
            assertTrue(Files.isRegularFile(source), "the C example is missing: " + source);
            if (!gccAvailable()) {
                unavailable = "gcc is not installed (not found on the PATH), so the C example " + source
                        + " cannot be built and run";
            } else {
                binary = build(source);
            }
        }
        assumeTrue(unavailable == null, unavailable);
    }

    private static Path build(Path source) throws IOException, InterruptedException {
        Path binary = Path.of("target", "c-peer", "shm_peer").toAbsolutePath();
        Files.createDirectories(binary.getParent());
        Process gcc = new ProcessBuilder("gcc", "-std=c11", "-Wall", "-Wextra", "-Werror", "-O2", "-o",
                binary.toString(), source.toString()).redirectErrorStream(true).start();
        String output = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(gcc.waitFor(120, TimeUnit.SECONDS), "gcc did not finish within 120 s");
        assertEquals(0, gcc.exitValue(), "gcc -std=c11 -Wall -Wextra -Werror failed on " + source + ":\n" + output);
        return binary;
    }

    private static boolean gccAvailable() throws InterruptedException {
        try {
            Process probe = new ProcessBuilder("gcc", "--version").redirectErrorStream(true).start();
            probe.getInputStream().readAllBytes();
            return probe.waitFor(30, TimeUnit.SECONDS) && probe.exitValue() == 0;
        } catch (IOException notFound) {
            return false;
        }
    }

    @BeforeEach
    void compileThePeer() throws IOException, InterruptedException {
        compile();
    }

    private CPeerProcess peer(Path in, String name, String... steps) {
        CPeerProcess peer = CPeerProcess.start(binary, in, name, steps);
        store.track(peer);
        return peer;
    }

    private CPeerProcess peer(String name, String... steps) {
        return peer(root, name, steps);
    }

    // ------------------------------------------------------------------ Java creates, C opens

    @Test
    void javaCreatesAndCOpensReadsWritesCountsAndCloses() {
        try (BackendHandle pump = backend.createOrOpen(SHM, "pump", 64, MapOptions.DEFAULT)) {
            write(pump, 0, "hello from java");

            CPeerProcess c = peer("pump", "open", "read", "0", "15", "write", "20", "hello from c", "info", "hold",
                    "close");
            assertEquals("PEER pid=" + c.pid() + " file=n.pump", c.expect("PEER"));
            String opened = c.expect("OPENED");
            assertEquals("true", field(opened, "existed"), opened);
            assertEquals("64", field(opened, "size"), opened);
            assertEquals("64", field(opened, "reserved"), opened);
            String read = c.expect("READ");
            assertEquals(hex("hello from java"), field(read, "hex"), read);
            assertEquals("hello from java", field(read, "text"), read);
            assertEquals("WROTE off=20 len=12", c.expect("WROTE"));
            String info = c.expect("INFO");
            assertEquals("2", field(info, "handles"), info);
            assertEquals(Map.of(JAVA, 1, c.pid(), 1), holders(info), info);
            c.expect("READY");

            // While C holds: Java sees C's bytes and the same two holders.
            assertEquals("hello from c", read(pump, 20, 12));
            assertEquals(Set.of(new HolderInfo(JAVA, 1), new HolderInfo(c.pid(), 1)), holdersOf("pump"));
            assertEquals(Set.of(JAVA, c.pid()), Set.copyOf(backend.participants()));

            c.send("close");
            c.expect("RELEASED");
            assertEquals("CLOSED handles=1 destroyed=false", c.expect("CLOSED"));
            assertEquals("LEFT table=kept", c.expect("LEFT"));
            assertEquals(0, c.awaitExit(), c.describe());
            assertEquals("", c.stderr());

            assertEquals(Set.of(new HolderInfo(JAVA, 1)), holdersOf("pump"));
            assertEquals(List.of(JAVA), backend.participants(), "the C process left the table");
            assertEquals("hello from java", read(pump, 0, 15), "C's write did not touch other bytes");
        }
        assertTrue(backend.lookup("pump").isEmpty());
        assertEquals(List.of(), TmpfsDirectory.objectFiles(root), "the last close (Java's) unlinked the file");
        assertTableClean();
    }

    /**
     * The C peer's {@code cycles N} step (the benchmark's reference for the protocol's open cycle): N opens and closes
     * of an object Java holds, each through the table, leave the counts as they were; on a missing object it fails
     * with NOT_FOUND before any cycle.
     */
    @Test
    void cOpensAndClosesAnObjectJavaHoldsManyTimesAndLeavesTheCountsAsTheyWere() {
        try (BackendHandle held = backend.createOrOpen(SHM, "held", 64, MapOptions.DEFAULT)) {
            write(held, 0, "kept");
            long generation = backend.table().locked(backend.table()::generation);

            CPeerProcess c = peer("held", "cycles", "500", "info");
            c.expect("PEER");
            String cycled = c.expect("CYCLED");
            assertEquals("500", field(cycled, "n"), cycled);
            assertTrue(Double.parseDouble(field(cycled, "per_s")) > 0, cycled);
            String info = c.expect("INFO");
            assertEquals("1", field(info, "handles"), info);
            assertEquals(Map.of(JAVA, 1), holders(info), info);
            assertEquals("LEFT table=kept", c.expect("LEFT"));
            assertEquals(0, c.awaitExit(), c.describe());

            assertEquals(Set.of(new HolderInfo(JAVA, 1)), holdersOf("held"));
            assertEquals("kept", read(held, 0, 4));
            // each cycle commits its open and its close: two generations per cycle, plus the peer's registration
            assertTrue(backend.table().locked(backend.table()::generation) >= generation + 1000);
        }
        CPeerProcess missing = peer("missing", "cycles", "5");
        missing.expect("PEER");
        assertEquals(1, missing.awaitExit(), missing.describe());
        assertTrue(missing.stderr().contains("(NOT_FOUND)"), missing.stderr());
        assertTableClean();
    }

    // ------------------------------------------------------------------ C creates, Java opens

    @Test
    void javaReopensAnObjectTheCPeerHoldsThroughTheMappingItKeptAndTheCPeersLastCloseEndsIt() {
        CPeerProcess c = peer("kept", "create", "64", "write", "0", "first", "hold", "write", "0", "again", "hold",
                "close");
        c.expect("PEER");
        c.expect("OPENED");
        c.expect("WROTE");
        c.expect("READY");
        int base = backend.mappings();
        BackendHandle first = backend.open(SHM, "kept", MapOptions.DEFAULT.withConfined(true));
        long address = first.segment().address();
        assertEquals("first", read(first, 0, 5));
        first.close();
        assertEquals(1, backend.keptMappings().size(), "the C peer holds the object: its mapping is kept");

        c.send("continue");
        c.expect("RELEASED");
        c.expect("WROTE");
        c.expect("READY");
        try (BackendHandle again = backend.open(SHM, "kept", MapOptions.DEFAULT)) {
            assertEquals(address, again.segment().address(), "the kept mapping");
            assertEquals("again", read(again, 0, 5), "the C peer's write, in the same pages");
            assertEquals(Set.of(new HolderInfo(JAVA, 1), new HolderInfo(c.pid(), 1)), holdersOf("kept"));
        }

        c.send("continue");
        c.expect("RELEASED");
        assertEquals("CLOSED handles=0 destroyed=true", c.expect("CLOSED"), "Java holds nothing: C's close ends it");
        assertEquals(0, c.awaitExit(), c.describe());
        assertEquals(List.of(), TmpfsDirectory.objectFiles(root));
        assertReason(ErrorReason.NOT_FOUND, () -> backend.open(SHM, "kept", MapOptions.DEFAULT));
        assertEquals(0, backend.keptMappings().size(), "the next open unmapped the ended object's pages");
        assertEquals(base, backend.mappings());
    }

    @Test
    void cCreatesAndJavaOpensThenTheKilledCPeerIsReaped() throws IOException {
        CPeerProcess c = peer("sensor", "create", "32", "write", "0", "written by c", "info", "hold", "info",
                "hold");
        c.expect("PEER");
        String opened = c.expect("OPENED");
        assertEquals("false", field(opened, "existed"), opened);
        assertEquals("32", field(opened, "size"), opened);
        c.expect("WROTE");
        String info = c.expect("INFO");
        assertEquals("1", field(info, "handles"), info);
        assertEquals(Map.of(c.pid(), 1), holders(info), info);
        c.expect("READY");

        Path file = root.resolve("n.sensor");
        assertEquals(4096 + 32, Files.size(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(List.of("n.sensor"), TmpfsDirectory.objectFiles(root), "no temporary file left");

        BackendHandle sensor = backend.createOrOpen(SHM, "sensor", 1000, MapOptions.DEFAULT);
        assertTrue(sensor.alreadyExisted());
        assertEquals(32, sensor.byteSize(), "the existing object's size counts");
        assertEquals("written by c", read(sensor, 0, 12));
        assertEquals(Set.of(new HolderInfo(JAVA, 1), new HolderInfo(c.pid(), 1)), holdersOf("sensor"));

        c.send("continue");
        c.expect("RELEASED");
        info = c.expect("INFO");
        assertEquals("2", field(info, "handles"), info);
        assertEquals(Map.of(JAVA, 1, c.pid(), 1), holders(info), info);
        c.expect("READY");

        c.kill();   // SIGKILL while holding: no close, no leave
        assertTrue(Files.exists(file), "the killed holder's handle still counts until someone reaps it");
        sensor.close();   // reaps the dead C process first, then Java's close is the last one

        assertEquals(List.of(), backend.list());
        assertEquals(List.of(), TmpfsDirectory.objectFiles(root), "nothing but the table is left");
        assertEquals(List.of(TableLayout.FILE_NAME), TmpfsDirectory.fileNames(root));
        assertEquals(List.of(JAVA), backend.participants(), "the killed C process was reaped");
        assertTableClean();
    }

    @Test
    void aKilledLastHolderIsReapedByJavaAndItsObjectDestroyed() {
        CPeerProcess c = peer("orphan", "create", "8", "write", "0", "orphan", "hold");
        c.expect("PEER");
        c.expect("OPENED");
        c.expect("WROTE");
        c.expect("READY");
        try (BackendHandle orphan = backend.open(SHM, "orphan", MapOptions.DEFAULT)) {
            assertEquals("orphan", read(orphan, 0, 6));
        }
        assertEquals(Set.of(new HolderInfo(c.pid(), 1)), holdersOf("orphan"), "Java's close was not the last");

        c.kill();
        assertEquals(List.of(c.pid()), backend.reapDeadProcesses());
        assertTrue(backend.lookup("orphan").isEmpty());
        assertEquals(List.of(), TmpfsDirectory.objectFiles(root));
        assertTableClean();
    }

    @Test
    void cReapsAKilledCPeerToo() {
        CPeerProcess victim = peer("victim", "create", "8", "hold");
        victim.expect("PEER");
        victim.expect("OPENED");
        victim.expect("READY");
        victim.kill();

        CPeerProcess reaper = peer("victim", "info");
        reaper.expect("PEER");
        assertEquals("INFO exists=false", reaper.expect("INFO"), "the C peer reaped the dead one at its lock");
        reaper.expect("LEFT");
        assertEquals(0, reaper.awaitExit(), reaper.describe());
        assertEquals(List.of(), TmpfsDirectory.objectFiles(root));
        assertEquals(List.of(JAVA), backend.participants());
        assertTableClean();
    }

    @Test
    void cHonoursParkedHoldsAndReleasesThemAtTheirDeadline() {
        MmapBackend parking = store.track(new MmapBackend(MmapSettings.under(root)));
        parking.parkHoldsFor(java.time.Duration.ofSeconds(2));
        parking.createOrOpen(SHM, "parked", 64, MapOptions.DEFAULT).segment().setString(0, "kept");
        assertEquals(1, parking.park());

        CPeerProcess before = peer("parked", "open", "read", "0", "4", "info", "close");
        before.expect("PEER");
        before.expect("OPENED");
        assertEquals("kept", CPeerProcess.field(before.expect("READ"), "text"), "the parked object lives");
        assertEquals(Map.of(JAVA, 1), CPeerProcess.holders(before.expect("INFO")).entrySet().stream()
                .filter(e -> e.getKey() == JAVA).collect(java.util.stream.Collectors.toMap(Map.Entry::getKey,
                        Map.Entry::getValue)), "the parked hold is the Java process's");
        assertEquals("CLOSED handles=1 destroyed=false", before.expect("CLOSED"), "the C close leaves the parked hold");
        assertEquals(0, before.awaitExit(), before.describe());
        assertEquals(1, backend.parkedHolds().size(), "the C peer registered beside the parked slot, not over it");

        Instant deadline = backend.parkedHolds().getFirst().deadline();
        shm.testkit.Await.until("the deadline passes", java.time.Duration.ofSeconds(30),
                () -> Instant.now().isAfter(deadline.plusMillis(10)));
        CPeerProcess reaper = peer("parked", "info");
        reaper.expect("PEER");
        assertEquals("INFO exists=false", reaper.expect("INFO"), "the C peer released the expired parked hold");
        assertEquals(0, reaper.awaitExit(), reaper.describe());
        assertEquals(List.of(), TmpfsDirectory.objectFiles(root));
    }

    // ------------------------------------------------------------------ names

    static Stream<String> namesThatNeedEscaping() {
        return Stream.of("a/b c%", "..", "tab\there \\ and 'quotes'", "/".repeat(100), "x".repeat(300));
    }

    @ParameterizedTest
    @MethodSource("namesThatNeedEscaping")
    void namesThatNeedEscapingWorkFromJavaToC(String name) {
        try (BackendHandle h = backend.createOrOpen(SHM, name, 16, MapOptions.DEFAULT)) {
            write(h, 0, "java");
            CPeerProcess c = peer(name, "open", "read", "0", "4", "write", "8", "c", "info");
            assertEquals("PEER pid=" + c.pid() + " file=" + NameCodec.fileName(name), c.expect("PEER"));
            assertEquals("true", field(c.expect("OPENED"), "existed"));
            assertEquals("java", field(c.expect("READ"), "text"));
            c.expect("WROTE");
            assertEquals(Map.of(JAVA, 1, c.pid(), 1), holders(c.expect("INFO")));
            assertEquals("CLOSED handles=1 destroyed=false", c.expect("CLOSED"));
            c.expect("LEFT");
            assertEquals(0, c.awaitExit(), c.describe());
            assertEquals("c", read(h, 8, 1));
            assertEquals(Set.of(new HolderInfo(JAVA, 1)), holdersOf(name));
            assertEquals(List.of(NameCodec.fileName(name)), TmpfsDirectory.objectFiles(root));
            assertEquals(List.of(name), backend.list().stream().map(ObjectInfo::name).toList());
        }
        assertEquals(List.of(), TmpfsDirectory.objectFiles(root));
    }

    @ParameterizedTest
    @MethodSource("namesThatNeedEscaping")
    void namesThatNeedEscapingWorkFromCToJava(String name) {
        CPeerProcess c = peer(name, "create", "16", "write", "0", "from c", "hold");
        assertEquals("file=" + NameCodec.fileName(name), "file=" + field(c.expect("PEER"), "file"));
        c.expect("OPENED");
        c.expect("WROTE");
        c.expect("READY");
        assertEquals(List.of(NameCodec.fileName(name)), TmpfsDirectory.objectFiles(root));
        assertEquals(List.of(name), backend.list().stream().map(ObjectInfo::name).toList(),
                "Java reads the name back from the file name or, when hashed, from C's header");
        try (BackendHandle h = backend.open(SHM, name, MapOptions.DEFAULT)) {
            assertEquals(name, h.name());
            assertEquals("from c", read(h, 0, 6));
            c.send("close");
            c.expect("RELEASED");
            assertEquals("CLOSED handles=1 destroyed=false", c.expect("CLOSED"), "the handle left open is closed");
            c.expect("LEFT");
            assertEquals(0, c.awaitExit(), c.describe());
            assertEquals(Set.of(new HolderInfo(JAVA, 1)), holdersOf(name));
        }
        assertEquals(List.of(), TmpfsDirectory.objectFiles(root));
        assertTableClean();
    }

    // ------------------------------------------------------------------ errors

    @Test
    void aMissingNameFailsTheSameWayAndLeavesTheTableUnchanged() {
        try (BackendHandle other = backend.createOrOpen(SHM, "other", 8, MapOptions.DEFAULT)) {
            List<ObjectInfo> before = backend.list();
            ShmException java = assertThrows(ShmException.class,
                    () -> backend.open(SHM, "missing", MapOptions.DEFAULT));
            assertEquals(ErrorReason.NOT_FOUND, java.reason());

            CPeerProcess c = peer("missing", "open", "info");
            c.expect("PEER");
            assertEquals(1, c.awaitExit(), c.describe());
            assertEquals("shm_peer: " + java.getMessage() + "\n", c.stderr(), "one line, the same rule and reason");
            assertTrue(c.remainingLines().stream().noneMatch(l -> l.startsWith("OPENED") || l.startsWith("INFO")));

            assertEquals(before, backend.list());
            assertEquals(List.of(JAVA), backend.participants(), "the failed C process left the table");
            assertFalse(Files.exists(root.resolve("n.missing")));
            assertTableClean();
            assertTrue(other.isOpen());
        }
    }

    @ParameterizedTest
    @MethodSource("namesThatNeedEscaping")
    void theMessageNamesTheObjectAsJavaDoes(String name) {
        String tricky = name + "\t\u007f" + "z".repeat(200);   // control characters, and more than 200 characters
        ShmException java = assertThrows(ShmException.class, () -> backend.open(SHM, tricky, MapOptions.DEFAULT));
        CPeerProcess c = peer(tricky, "open");
        assertEquals(1, c.awaitExit(), c.describe());
        assertEquals("shm_peer: " + java.getMessage() + "\n", c.stderr());
        assertEquals(List.of(JAVA), backend.participants());
    }

    @Test
    void aFailureAloneInARootLeavesTheRootEmpty() {
        Path alone = store.directory().resolve("alone");
        CPeerProcess c = peer(alone, "missing", "open");
        c.expect("PEER");
        assertEquals("LEFT table=removed", c.expect("LEFT"), "the last participant removes the table");
        assertEquals(1, c.awaitExit(), c.describe());
        assertTrue(c.stderr().contains("(NOT_FOUND)"), c.stderr());
        assertEquals(List.of(), TmpfsDirectory.fileNames(alone));
    }

    @Test
    void theObjectLimitOfTheTableStopsCAsItStopsJava() {
        Path limited = store.directory().resolve("limited");
        try (MmapBackend java = new MmapBackend(MmapSettings.under(limited).withMaxObjects(2));
             BackendHandle a = java.createOrOpen(SHM, "a", 8, MapOptions.DEFAULT);
             BackendHandle b = java.createOrOpen(SHM, "b", 8, MapOptions.DEFAULT)) {
            ShmException refused = assertThrows(ShmException.class,
                    () -> java.createOrOpen(SHM, "c", 8, MapOptions.DEFAULT));
            assertEquals(ErrorReason.LIMIT, refused.reason());
            CPeerProcess c = peer(limited, "c", "create", "8");
            c.expect("PEER");
            assertEquals(1, c.awaitExit(), c.describe());
            assertTrue(c.stderr().contains("(LIMIT)") && c.stderr().contains("holds at most 2 objects"), c.stderr());
            assertFalse(Files.exists(limited.resolve("n.c")), "nothing half-made");
            CPeerProcess opener = peer(limited, "a", "open", "close");   // an existing object still opens
            opener.expect("PEER");
            opener.expect("OPENED");
            assertEquals(0, opener.awaitExit(), opener.describe());
            assertEquals(2, java.list().size());
        }
        // a table C makes has Java's default limit and capacity
        CPeerProcess maker = peer(limited, "solo", "create", "8", "hold");
        maker.expect("PEER");
        maker.expect("OPENED");
        maker.expect("READY");
        try (TableEditor editor = new TableEditor(limited)) {
            assertEquals(MmapSettings.DEFAULT_MAX_OBJECTS, editor.word(TableLayout.OBJECT_LIMIT_OFFSET));
            assertEquals(TableLayout.objectCapacityFor(MmapSettings.DEFAULT_MAX_OBJECTS),
                    editor.word(TableLayout.OBJECT_CAPACITY_OFFSET));
        }
        try (MmapBackend java = new MmapBackend(MmapSettings.under(limited))) {
            assertEquals(1, java.list().size());
        }
        maker.send("close");
        maker.expect("RELEASED");
        maker.expect("CLOSED");
        assertEquals(0, maker.awaitExit(), maker.describe());
    }

    /** 16 processes hold one object at once; the 17th, C or Java, gets LIMIT, and nothing is counted or mapped. */
    @Test
    void theSeventeenthHolderGetsLimitAndTheSixteenKeepWorking() {
        Path crowded = store.directory().resolve("crowded");
        List<CPeerProcess> holders = new ArrayList<>();
        CPeerProcess first = peer(crowded, "busy", "create", "8", "hold");
        first.expect("PEER");
        first.expect("OPENED");
        first.expect("READY");
        holders.add(first);
        while (holders.size() < TableLayout.HOLDERS_PER_OBJECT) {
            CPeerProcess c = peer(crowded, "busy", "open", "hold");
            c.expect("PEER");
            c.expect("OPENED");
            c.expect("READY");
            holders.add(c);
        }
        CPeerProcess seventeenth = peer(crowded, "busy", "open", "hold");
        seventeenth.expect("PEER");
        assertEquals(1, seventeenth.awaitExit(), seventeenth.describe());
        assertTrue(seventeenth.stderr().contains("(LIMIT)")
                && seventeenth.stderr().contains("at most 16 processes at once"), seventeenth.stderr());
        try (MmapBackend java = new MmapBackend(MmapSettings.under(crowded))) {
            int mappings = java.mappings();
            ShmException e = assertThrows(ShmException.class, () -> java.open(SHM, "busy", MapOptions.DEFAULT));
            assertEquals(ErrorReason.LIMIT, e.reason());
            assertTrue(e.getMessage().contains("at most 16 processes at once"), e.getMessage());
            assertEquals(mappings, java.mappings(), "the refused open left no mapping");
            ObjectInfo info = java.lookup("busy").orElseThrow();
            assertEquals(16, info.holders().size());
            assertTrue(info.holders().stream().noneMatch(h -> h.pid() == JAVA), "Java is not counted");
        }
        for (CPeerProcess c : holders) {
            c.send("close");
            c.expect("RELEASED");
            c.expect("CLOSED");
        }
        for (CPeerProcess c : holders) {
            assertEquals(0, c.awaitExit(), c.describe());
        }
        assertEquals(List.of(), TmpfsDirectory.fileNames(crowded), "the last holder destroyed it and left");
    }

    @Test
    void invalidNamesAreRefusedWithTheSameRule() {
        ShmException java = assertThrows(ShmException.class, () -> backend.createOrOpen(SHM, "", 8,
                MapOptions.DEFAULT));
        CPeerProcess c = peer("", "create", "8");
        assertEquals(1, c.awaitExit(), c.describe());
        assertEquals("shm_peer: " + java.getMessage() + "\n", c.stderr());

        String tooLong = "n".repeat(ObjectHeader.MAX_NAME_BYTES + 1);
        java = assertThrows(ShmException.class, () -> backend.createOrOpen(SHM, tooLong, 8, MapOptions.DEFAULT));
        assertEquals(ErrorReason.INVALID_NAME, java.reason());
        c = peer(tooLong, "create", "8");
        assertEquals(1, c.awaitExit(), c.describe());
        assertTrue(c.stderr().endsWith("a name must be at most 4032 bytes in UTF-8, this one is 4033 (INVALID_NAME)\n"),
                c.stderr());
        assertEquals(List.of(), TmpfsDirectory.objectFiles(root));
        assertEquals(List.of(JAVA), backend.participants());
    }

    /** Neither makes a store among others' files (docs/mmap-store.md, "A new table"); both say so in the same line. */
    @Test
    void neitherMakesAStoreInADirectoryHoldingOthersFiles() throws IOException {
        Path elsewhere = Files.createDirectories(store.directory().resolve("not-a-store"));
        Files.writeString(elsewhere.resolve("passwd"), "root:x:0:0\n");
        ShmException java = assertThrows(ShmException.class, () -> new MmapBackend(MmapSettings.under(elsewhere)));
        assertEquals(ErrorReason.INCOMPATIBLE_STORE, java.reason());
        CPeerProcess c = peer(elsewhere, "obj", "create", "8");
        assertEquals(1, c.awaitExit(), c.describe());
        assertEquals("shm_peer: 'obj': " + java.getMessage() + "\n", c.stderr());
        assertEquals(List.of("passwd"), TmpfsDirectory.fileNames(elsewhere), "nothing was written");
    }

    @Test
    void aFileTheTableDoesNotKnowIsRefusedByBothAndLeftUntouched() throws IOException {
        Path foreign = root.resolve("n.foreign");
        Files.writeString(foreign, "not ours");
        ShmException java = assertThrows(ShmException.class, () -> backend.open(SHM, "foreign",
                MapOptions.DEFAULT));
        assertEquals(ErrorReason.INCOMPATIBLE_STORE, java.reason());
        for (String step : List.of("open", "create")) {
            CPeerProcess c = step.equals("open") ? peer("foreign", "open") : peer("foreign", "create", "8");
            assertEquals(1, c.awaitExit(), c.describe());
            assertEquals("shm_peer: " + java.getMessage() + "\n", c.stderr());
        }
        assertEquals("not ours", Files.readString(foreign));
        assertEquals(List.of(), backend.list());
        assertEquals(List.of(JAVA), backend.participants());
        assertEquals(List.of("n.foreign", TableLayout.FILE_NAME), TmpfsDirectory.fileNames(root));
    }

    /**
     * Both open an object by its recorded inode and length (docs/mmap-store.md, Open step 4): a file put under the
     * object's name outside the protocol, a byte-for-byte copy, is refused by both with the same rule and left as it
     * is; the C peer's own create leaves no temporary name behind (an O_TMPFILE file, linked when complete).
     */
    @Test
    void bothCheckTheRecordedInodeAndTheCPeerCreatesWithoutATemporaryName() throws IOException {
        List<String> crashes = new ArrayList<>();
        for (int n = 1; ; n++) {   // a fresh store each time, so that the n-th crash point is the same step
            Path at = store.directory().resolve("link-" + n);
            CPeerProcess c = CPeerProcess.start(binary, Map.of("SHM_PEER_CRASH_AT", String.valueOf(n)), at, "fromc",
                    "create", "4096");
            store.track(c);
            c.awaitExit();
            String crash = c.output().stream().filter(l -> l.startsWith("CRASH ")).findFirst().orElse(null);
            assertTrue(crash != null, "the C peer's create never reached its link: " + crashes + c.describe());
            crashes.add(crash);
            if (crash.equals("CRASH where=linked")) {
                assertEquals(List.of("n.fromc", TableLayout.FILE_NAME), TmpfsDirectory.fileNames(at),
                        "killed right after its link, the C peer left no temporary name: the file had none");
                break;
            }
        }

        try (BackendHandle held = backend.createOrOpen(SHM, "copied", 4096, MapOptions.DEFAULT)) {
            Path file = root.resolve("n.copied");
            Path copy = root.resolve("copy");
            Files.copy(file, copy);
            Files.move(copy, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            // this backend holds the object: a further open views the pages it maps, the recorded object's, and never
            // the file now under the name
            try (BackendHandle again = backend.open(SHM, "copied", MapOptions.DEFAULT)) {
                held.segment().set(ValueLayout.JAVA_INT, 0, 99);
                assertEquals(99, again.segment().get(ValueLayout.JAVA_INT, 0));
            }
            MmapBackend other = store.track(new MmapBackend(MmapSettings.under(root)));
            ShmException java = assertThrows(ShmException.class, () -> other.open(SHM, "copied",
                    MapOptions.DEFAULT));
            assertEquals(ErrorReason.INCOMPATIBLE_STORE, java.reason());
            assertTrue(java.getMessage().contains("does not match its object table entry (inode"), java.getMessage());
            CPeerProcess c = peer("copied", "open");
            assertEquals(1, c.awaitExit(), c.describe());
            assertEquals("shm_peer: " + java.getMessage() + "\n", c.stderr());
            assertTrue(Files.isRegularFile(file), "left untouched");
        }
    }

    @Test
    void aJournalCountBeyondItsCapacityIsRefusedByTheCPeerAndTheTableLeftUntouched() throws IOException {
        Path table = root.resolve(TableLayout.FILE_NAME);
        try (BackendHandle held = backend.createOrOpen(SHM, "held", 64, MapOptions.DEFAULT);
             TableEditor editor = new TableEditor(root)) {
            // a torn or hostile table: a rollback that trusted this count would read entries past its journal
            editor.putWord(TableLayout.JOURNAL_COUNT_OFFSET, editor.word(TableLayout.JOURNAL_CAPACITY_OFFSET) + 1);
            byte[] before = Files.readAllBytes(table);
            CPeerProcess c = peer("held", "open");
            assertEquals(1, c.awaitExit(), c.describe());
            assertTrue(c.stderr().contains("more than its capacity"), "names the rule: " + c.stderr());
            assertArrayEquals(before, Files.readAllBytes(table), "not one byte of the table written");
            editor.putWord(TableLayout.JOURNAL_COUNT_OFFSET, 0);
            assertTrue(held.isOpen());
        }
    }

    @Test
    void anObjectOfAnotherTypeIsRefusedByBoth() {
        try (BackendHandle event = backend.createOrOpen(ObjectType.EVENT, "signal", 8, MapOptions.DEFAULT)) {
            ShmException java = assertThrows(ShmException.class, () -> backend.open(SHM, "signal",
                    MapOptions.DEFAULT));
            CPeerProcess c = peer("signal", "open");
            assertEquals(1, c.awaitExit(), c.describe());
            assertEquals("shm_peer: " + java.getMessage() + "\n", c.stderr());
            assertTrue(event.isOpen());
            assertEquals(List.of(new HolderInfo(JAVA, 1)), backend.lookup("signal").orElseThrow().holders());
        }
    }

    @Test
    void aRangeOutsideTheObjectIsRefusedAndTheHandleStillClosed() {
        try (BackendHandle h = backend.createOrOpen(SHM, "small", 4, MapOptions.DEFAULT)) {
            CPeerProcess c = peer("small", "open", "write", "2", "abc");
            c.expect("PEER");
            c.expect("OPENED");
            assertEquals("CLOSED handles=1 destroyed=false", c.expect("CLOSED"));
            assertEquals(1, c.awaitExit(), c.describe());
            assertTrue(c.stderr().contains("outside the object's 4 bytes (INVALID_PARAMETER)"), c.stderr());
            assertEquals(Set.of(new HolderInfo(JAVA, 1)), holdersOf("small"));
            assertTrue(h.isOpen());
        }
    }

    // ------------------------------------------------------------------ leaving

    @Test
    void theLastParticipantRemovesTheTableWhetherJavaOrC() throws IOException {
        Path shared = store.directory().resolve("shared");
        MmapBackend java = new MmapBackend(MmapSettings.under(shared));
        CPeerProcess c;
        try {
            BackendHandle h = java.createOrOpen(SHM, "last", 8, MapOptions.DEFAULT);
            write(h, 0, "bye");
            c = peer(shared, "last", "open", "hold", "read", "0", "3");
            c.expect("PEER");
            c.expect("OPENED");
            c.expect("READY");
        } finally {
            java.close();   // closes Java's handle and leaves; C still holds, so the table stays
        }
        assertEquals(List.of("n.last", TableLayout.FILE_NAME), TmpfsDirectory.fileNames(shared));
        c.send("close");
        c.expect("RELEASED");
        assertEquals("bye", field(c.expect("READ"), "text"));
        assertEquals("CLOSED handles=0 destroyed=true", c.expect("CLOSED"));
        assertEquals("LEFT table=removed", c.expect("LEFT"));
        assertEquals(0, c.awaitExit(), c.describe());
        assertEquals(List.of(), TmpfsDirectory.fileNames(shared), "an unused root is empty");

        // and a C-only lifetime in a fresh root, then Java uses what C left (nothing)
        CPeerProcess alone = peer(shared, "solo", "create", "8", "info", "close");
        alone.expect("PEER");
        alone.expect("OPENED");
        assertEquals(Map.of(alone.pid(), 1), holders(alone.expect("INFO")));
        assertEquals("CLOSED handles=0 destroyed=true", alone.expect("CLOSED"));
        assertEquals("LEFT table=removed", alone.expect("LEFT"));
        assertEquals(0, alone.awaitExit(), alone.describe());
        assertEquals(List.of(), TmpfsDirectory.fileNames(shared));
        try (MmapBackend again = new MmapBackend(MmapSettings.under(shared))) {
            assertEquals(List.of(), again.list());
        }
    }

    @Test
    void manyCPeersAndJavaCountHandlesTogether() {
        int peersCount = 6;
        try (BackendHandle h = backend.createOrOpen(SHM, "crowd", 8 * peersCount, MapOptions.DEFAULT)) {
            List<CPeerProcess> crowd = new ArrayList<>();
            for (int i = 0; i < peersCount; i++) {
                crowd.add(peer("crowd", "open", "write", String.valueOf(8 * i), "peer-" + i, "hold"));
            }
            Map<Long, Integer> expected = new HashMap<>(Map.of(JAVA, 1));
            for (CPeerProcess c : crowd) {
                c.expect("PEER");
                c.expect("OPENED");
                c.expect("WROTE");
                c.expect("READY");
                expected.put(c.pid(), 1);
            }
            assertEquals(expected, holdersOf("crowd").stream()
                    .collect(Collectors.toMap(HolderInfo::pid, HolderInfo::handles)));
            for (int i = 0; i < peersCount; i++) {
                assertEquals("peer-" + i, read(h, 8L * i, 6));
            }
            for (CPeerProcess c : crowd) {
                c.send("close");
            }
            for (CPeerProcess c : crowd) {
                c.expect("RELEASED");
                c.expect("CLOSED");
                c.expect("LEFT");
                assertEquals(0, c.awaitExit(), c.describe());
            }
            assertEquals(Set.of(new HolderInfo(JAVA, 1)), holdersOf("crowd"));
        }
        assertEquals(List.of(), TmpfsDirectory.objectFiles(root));
        assertTableClean();
    }

    // ------------------------------------------------------------------ crashes

    /** What a kill looks like to the dying Java thread: nothing after it runs, no cleanup touches the table. */
    private static final class SimulatedKill extends Error {
        private static final long serialVersionUID = 1L;

        SimulatedKill(String where) {
            super("killed at " + where, null, false, false);
        }
    }

    @Test
    void aCPeerKilledAtAnyPointOfCreateAndCloseLeavesAStoreThatJavaRecovers() {
        try (BackendHandle held = backend.createOrOpen(SHM, "held", 8, MapOptions.DEFAULT)) {
            int points = killCAtEveryPoint("obj", List.of("create", "4096", "write", "0", "x", "close"),
                    () -> assertTrue(backend.lookup("obj").isEmpty(), "C's object was never made or was reaped"));
            assertTrue(points > 20, "create, close and leave have " + points + " crash points");
            assertTrue(held.isOpen());
        }
    }

    @Test
    void aCPeerKilledAtAnyPointOfOpenAndCloseLeavesTheCountRight() {
        try (BackendHandle held = backend.createOrOpen(SHM, "held", 8, MapOptions.DEFAULT)) {
            int points = killCAtEveryPoint("held", List.of("open", "close"),
                    () -> assertEquals(Set.of(new HolderInfo(JAVA, 1)), holdersOf("held")));
            assertTrue(points > 10, "open, close and leave have " + points + " crash points");
            assertTrue(held.isOpen());
        }
    }

    /**
     * For n = 1, 2, ... runs the C peer with {@code SHM_PEER_CRASH_AT=n}, so that it kills itself with SIGKILL at
     * its n-th crash point, until it runs through; after each kill Java's next lock must leave a consistent store
     * (journal rolled back, intents finished, the dead process reaped) and {@code check} must hold.
     *
     * @return how many crash points the steps have
     */
    private int killCAtEveryPoint(String name, List<String> steps, Runnable check) {
        for (int n = 1; ; n++) {
            CPeerProcess c = CPeerProcess.start(binary, Map.of("SHM_PEER_CRASH_AT", String.valueOf(n)), root, name,
                    steps.toArray(String[]::new));
            store.track(c);
            int status = c.awaitExit();
            String crash = c.output().stream().filter(l -> l.startsWith("CRASH ")).findFirst().orElse(null);
            if (crash == null) {
                assertEquals(0, status, c.describe());
                assertEquals(List.of(JAVA), backend.participants());
                return n - 1;
            }
            assertEquals(128 + 9, status, "killed by SIGKILL" + c.describe());
            String where = "after the C peer was killed at point " + n + " (" + crash + ")";
            assertEquals(List.of(), TableInvariants.violations(backend), where);
            check.run();
            assertEquals(List.of(JAVA), backend.participants(), where);
            backend.reapDeadProcesses();   // the operator's reaper also removes the dead peer's temporary files
            assertEquals(List.of("n.held", TableLayout.FILE_NAME), TmpfsDirectory.fileNames(root), where);
        }
    }

    @Test
    void aJavaWriterKilledAtAnyPointOfCreateIsRecoveredByTheCPeer() throws IOException {
        boolean sawJournal = false;
        boolean sawIntent = false;
        for (int n = 1; ; n++) {
            Path at = store.directory().resolve("crash-" + n);
            MmapBackend survivor = new MmapBackend(MmapSettings.under(at));
            BackendHandle held = survivor.createOrOpen(SHM, "held", 8, MapOptions.DEFAULT);
            MmapBackend victim = new MmapBackend(MmapSettings.under(at));
            int[] reached = {0};
            int killAt = n;
            victim.crashPoint(where -> {
                if (++reached[0] == killAt) {
                    throw new SimulatedKill(where);
                }
            });
            boolean killed;
            try {
                victim.createOrOpen(SHM, "obj", 4096, MapOptions.DEFAULT);
                killed = false;
            } catch (SimulatedKill kill) {
                killed = true;
            }
            victim.crashPoint(where -> { });
            if (!killed) {
                victim.close();
                held.close();
                survivor.close();
                assertTrue(n > 20, "create has " + (n - 1) + " crash points");
                assertTrue(sawJournal, "some kill left a journal for the C peer to roll back");
                assertTrue(sawIntent, "some kill left an intent for the C peer to finish");
                return;
            }
            victim.table().close();   // the kernel closes a dead process's descriptors (and drops its flock)
            ObjectTable table = survivor.table();
            sawJournal |= table.journalCount() != 0;
            sawIntent |= table.pendingIntents() != 0;

            CPeerProcess c = peer(at, "obj", "info");   // C is the first to take the lock after the kill
            c.expect("PEER");
            String info = c.expect("INFO");
            c.expect("LEFT");
            assertEquals(0, c.awaitExit(), c.describe());
            String where = "after a kill at point " + n + ", C printed " + info;
            assertEquals(0, table.journalCount(), "C rolled the journal back " + where);
            assertEquals(0, table.pendingIntents(), "C finished the intents " + where);
            if (info.equals("INFO exists=false")) {
                assertFalse(Files.exists(at.resolve("n.obj")), "C unlinked the file of the dead intent " + where);
            } else {
                assertEquals(Map.of(JAVA, 1), holders(info), where);   // the victim shares this JVM's pid
            }
            assertEquals(List.of(), TableInvariants.violations(survivor), where);
            held.close();
            survivor.close();
        }
    }

    // ------------------------------------------------------------------ helpers

    private Set<HolderInfo> holdersOf(String name) {
        return Set.copyOf(backend.lookup(name).orElseThrow(() -> new AssertionError(name + " is gone")).holders());
    }

    /** No transaction left open and no intent pending, as after every complete operation. */
    private void assertTableClean() {
        assertEquals(List.of(), TableInvariants.violations(backend));
        assertEquals(0, backend.table().journalCount(), "journal count");
        assertEquals(0, backend.table().pendingIntents(), "pending intents");
    }

    private static void write(BackendHandle handle, long offset, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        MemorySegment.copy(bytes, 0, handle.segment(), ValueLayout.JAVA_BYTE, offset, bytes.length);
    }

    private static String read(BackendHandle handle, long offset, int length) {
        return new String(handle.segment().asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE),
                StandardCharsets.UTF_8);
    }

    private static String hex(String text) {
        return HexFormat.of().formatHex(text.getBytes(StandardCharsets.UTF_8));
    }
}
