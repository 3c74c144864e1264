package shm.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import shm.api.ErrorReason;
import shm.api.SharedMemory;
import shm.api.ShmException;
import shm.core.NeutralSharedMemoryService;
import shm.provider.mmap.MmapBackend;
import shm.provider.mmap.MmapSettings;

/** The commands' behaviour against the real neutral service over the real mmap backend, in a temporary root. */
class ShellOperationsTest {

    @TempDir
    Path temporary;

    private MmapBackend backend;
    private NeutralSharedMemoryService service;
    private ShellOperations shell;

    @BeforeEach
    void openService() {
        backend = new MmapBackend(MmapSettings.under(temporary.resolve("root")));
        service = new NeutralSharedMemoryService(backend);
        shell = new ShellOperations(() -> service, new HeldHandles());
    }

    @AfterEach
    void closeService() {
        shell.closeEverything();
        service.close();
        backend.close();
    }

    @Test
    void createSaysWhetherItCreatedOrOpenedAndKeepsEveryHandle() {
        assertEquals("created 'demo' (4096 bytes); this shell holds 1 handle of it",
                shell.create(List.of("demo", "4k")));
        assertEquals("opened existing 'demo' (4096 bytes; its size wins over the requested 8192);"
                + " this shell holds 2 handles of it", shell.create(List.of("demo", "8k")));
        assertEquals("opened existing 'demo' (4096 bytes); this shell holds 3 handles of it",
                shell.create(List.of("demo", "4096")));
        assertEquals(3, service.info("demo").orElseThrow().handleCount());
    }

    @Test
    void createRejectsBadArgumentsWithAUsageLine() {
        UsageException badSize = assertThrows(UsageException.class, () -> shell.create(List.of("demo", "4q")));
        assertEquals("'4q' is not a byte count: " + ByteCounts.ACCEPTED_FORMS + "; usage: shm:create <name> <size>",
                badSize.getMessage());
        assertEquals("missing arguments; usage: shm:create <name> <size>",
                assertThrows(UsageException.class, () -> shell.create(List.of("demo"))).getMessage());
        assertEquals("too many arguments; usage: shm:create <name> <size>",
                assertThrows(UsageException.class, () -> shell.create(List.of("demo", "4k", "x"))).getMessage());
        assertThrows(UsageException.class, () -> shell.create(List.of("demo", "0")));
        assertTrue(service.info("demo").isEmpty(), "nothing was created");
    }

    @Test
    void writeThenDumpShowsTheBytes() {
        shell.create(List.of("demo", "4k"));
        assertEquals("wrote 11 bytes to 'demo' at offset 16",
                shell.write(false, List.of("demo", "16", "hello", "world")));
        String dump = shell.dump(List.of("demo", "0", "32"));
        assertEquals(String.join("\n",
                "'demo': 32 bytes from offset 0 of 4096",
                "00000000  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|",
                "00000010  68 65 6c 6c 6f 20 77 6f  72 6c 64 00 00 00 00 00  |hello world.....|"), dump);
    }

    @Test
    void writeWithHexWritesTheBytesItSpells() {
        shell.create(List.of("demo", "64"));
        assertEquals("wrote 4 bytes to 'demo' at offset 16",
                shell.write(true, List.of("demo", "0x10", "de", "ad", "be", "ef")));
        assertEquals("deadbeef", HexFormat.of().formatHex(bytesOf("demo", 16, 4)));
        UsageException badHex =
                assertThrows(UsageException.class, () -> shell.write(true, List.of("demo", "0", "xyz")));
        assertTrue(badHex.getMessage().startsWith("'xyz' is not hex bytes"), badHex.getMessage());
        assertTrue(badHex.getMessage().endsWith("; usage: " + ShellOperations.WRITE_USAGE), badHex.getMessage());
    }

    @Test
    void dumpShowsTheFirst256BytesByDefaultAndFewerForSmallObjects() {
        shell.create(List.of("big", "4k"));
        List<String> lines = shell.dump(List.of("big")).lines().toList();
        assertEquals("'big': 256 bytes from offset 0 of 4096", lines.get(0));
        assertEquals(List.of("*", "00000100"), lines.subList(2, 4), "equal lines collapse, as hexdump -C does");
        assertEquals(4, lines.size());
        shell.create(List.of("small", "20"));
        List<String> small = shell.dump(List.of("small")).lines().toList();
        assertEquals("'small': 20 bytes from offset 0 of 20", small.get(0));
        assertEquals(3, small.size());
        assertEquals("'small': 0 bytes from offset 20 of 20", shell.dump(List.of("small", "20")));
    }

    @Test
    void dataThatDoesNotFitIsRefusedAndNothingIsWritten() {
        shell.create(List.of("demo", "16"));
        IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class,
                () -> shell.write(false, List.of("demo", "10", "0123456789")));
        assertEquals("'demo' has 16 bytes: 10 bytes at offset 10 do not fit", tooLong.getMessage());
        assertEquals("'demo': 16 bytes from offset 0 of 16 (asked for 17; the object ends there)",
                shell.dump(List.of("demo", "0", "17")).lines().findFirst().orElseThrow());
        assertThrows(IllegalArgumentException.class, () -> shell.dump(List.of("demo", "17")));
        assertEquals("00000000000000000000000000000000", HexFormat.of().formatHex(bytesOf("demo", 0, 16)));
    }

    @Test
    void writeAndDumpOpenAnObjectTheShellDoesNotHoldForThatCommandOnly() {
        try (SharedMemory elsewhere = service.createOrOpen("shared", 4096)) {
            assertEquals("wrote 2 bytes to 'shared' at offset 0 (this shell holds no handle of it: opened for this"
                    + " command only)", shell.write(false, List.of("shared", "0", "hi")));
            assertTrue(shell.dump(List.of("shared", "0", "2")).startsWith(
                    "'shared': 2 bytes from offset 0 of 4096 (this shell holds no handle of it: opened for this"
                            + " command only)\n00000000  68 69"));
            assertEquals(1, service.info("shared").orElseThrow().handleCount(), "the transient handle was closed");
            assertEquals('h', (char) elsewhere.segment().get(ValueLayout.JAVA_BYTE, 0));
        }
    }

    @Test
    void writeToAMissingObjectFailsWithTheServicesMessage() {
        ShmException missing = assertThrows(ShmException.class, () -> shell.write(false, List.of("nothing", "0", "x")));
        assertEquals(ErrorReason.NOT_FOUND, missing.reason());
        assertTrue(missing.getMessage().startsWith("'nothing': "), missing.getMessage());
        assertThrows(ShmException.class, () -> shell.dump(List.of("nothing")));
        assertThrows(ShmException.class, () -> shell.open(List.of("nothing")));
    }

    @Test
    void openKeepsAHandleOfAnExistingObject() {
        try (SharedMemory elsewhere = service.createOrOpen("demo", 8192)) {
            assertEquals("opened 'demo' (8192 bytes); this shell holds 1 handle of it", shell.open(List.of("demo")));
            assertEquals(2, service.info("demo").orElseThrow().handleCount());
            assertTrue(elsewhere.isOpen());
        }
        assertTrue(service.info("demo").isPresent(), "the shell's handle keeps the object alive");
    }

    @Test
    void infoShowsTheObjectAndTheShellsHandles() {
        shell.create(List.of("demo", "4k"));
        shell.create(List.of("demo", "4k"));
        List<String> lines = shell.info(List.of("demo")).lines().toList();
        assertEquals("name          demo", lines.get(0));
        assertEquals("type          SHARED_MEMORY", lines.get(1));
        assertEquals("size          4096 bytes", lines.get(2));
        assertEquals("holders       " + ProcessHandle.current().pid() + " (java) x2 (2 handles in all processes)",
                lines.get(4));
        assertEquals("this shell    2 handles", lines.get(5));
        ShmException missing = assertThrows(ShmException.class, () -> shell.info(List.of("nothing")));
        assertEquals("'nothing': no object of that name exists (NOT_FOUND)", missing.getMessage());
    }

    @Test
    void listShowsEveryObjectOrSaysThereIsNone() {
        assertEquals("no objects", shell.list(List.of()));
        shell.create(List.of("b", "8k"));
        shell.create(List.of("a", "4k"));
        List<String> lines = shell.list(List.of()).lines().toList();
        assertEquals(3, lines.size());
        assertTrue(lines.get(0).startsWith("NAME"));
        long pid = ProcessHandle.current().pid();
        assertEquals("a     SHARED_MEMORY  4096     4096  " + pid + " (java) x1", lines.get(1));
        assertEquals("b     SHARED_MEMORY  8192     8192  " + pid + " (java) x1", lines.get(2));
        assertEquals("too many arguments; usage: shm:list",
                assertThrows(UsageException.class, () -> shell.list(List.of("x"))).getMessage());
    }

    @Test
    void closeClosesTheShellsHandlesAndSaysWhenThereAreNone() {
        shell.create(List.of("demo", "4k"));
        shell.open(List.of("demo"));
        assertEquals("closed 2 handles of 'demo'", shell.close(List.of("demo")));
        assertTrue(service.info("demo").isEmpty(), "the last close destroyed the object");
        assertEquals("this shell holds no handle of 'demo': nothing to close", shell.close(List.of("demo")));
    }

    @Test
    void closeEverythingClosesAllHeldHandles() {
        shell.create(List.of("a", "4k"));
        shell.create(List.of("b", "4k"));
        shell.create(List.of("b", "4k"));
        assertEquals(3, shell.closeEverything());
        assertTrue(service.list().isEmpty());
        assertEquals(0, shell.closeEverything());
    }

    @Test
    void handlesClosedElsewhereAreForgotten() {
        shell.create(List.of("demo", "4k"));
        service.close();
        assertEquals("this shell holds no handle of 'demo': nothing to close", shell.close(List.of("demo")));
    }

    @Test
    void withoutAServiceEveryCommandSaysSo() {
        ShellOperations unbound = new ShellOperations(() -> null, new HeldHandles());
        IllegalStateException failure = assertThrows(IllegalStateException.class, () -> unbound.list(List.of()));
        assertEquals("no shared-memory service is available", failure.getMessage());
        assertFalse(failure.getMessage().isBlank());
    }

    @Test
    void textIsWrittenAsUtf8() {
        shell.create(List.of("demo", "16"));
        shell.write(false, List.of("demo", "0", "grüß"));
        assertEquals("grüß", new String(bytesOf("demo", 0, 6), StandardCharsets.UTF_8));
    }

    private byte[] bytesOf(String name, long offset, long length) {
        try (SharedMemory reader = service.open(name)) {
            return reader.segment().asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE);
        }
    }
}
