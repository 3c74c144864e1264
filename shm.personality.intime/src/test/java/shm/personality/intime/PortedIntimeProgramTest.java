package shm.personality.intime;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static shm.api.intime.IntimeConstants.*;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import shm.api.CStruct;
import shm.api.intime.Iwin32Result;
import shm.testkit.CExample;
import shm.testkit.LineProcess;

/**
 * The INtime program of the porting guide ({@code docs/porting-guide.md}, "An INtime program"), ported line by line,
 * run against the C peer {@code examples/c/shm_peer.c} playing the Windows side: the RT process creates the iwin32
 * shared memory "PumpImage", writes a setpoint and a command; the C process opens it by name, reads them and writes
 * its reply; the RT process reads the reply and closes its handle, the last one, which destroys the memory and gives
 * it back to the iwin32 pool.
 */
class PortedIntimeProgramTest {

    // typedef struct { DWORD seq; DWORD command; double setpoint; char reply[16]; } PUMP_IMAGE;
    static final CStruct PUMP_IMAGE = CStruct.of(JAVA_INT.withName("seq"), JAVA_INT.withName("command"),
            JAVA_DOUBLE.withName("setpoint"), MemoryLayout.sequenceLayout(16, ValueLayout.JAVA_BYTE).withName("reply"));
    static final VarHandle SEQ = PUMP_IMAGE.field("seq");
    static final VarHandle COMMAND = PUMP_IMAGE.field("command");
    static final VarHandle SETPOINT = PUMP_IMAGE.field("setpoint");
    /** {@code #define CMD_START 1}. */
    static final int CMD_START = 1;

    @RegisterExtension
    final IntimeFixture store = new IntimeFixture();
    private CExample peer;

    @BeforeEach
    void open() {
        peer = CExample.shmPeer();
        Assumptions.assumeTrue(peer.binary().isPresent(), () -> peer.unavailable().orElse(""));
    }

    @Test
    void thePumpProgramTalksToTheCSide() {
        IntimePersonality rt = store.process();

        // PUMP_IMAGE *image;
        // HANDLE h = RtCreateSharedMemory(0, 0, sizeof(PUMP_IMAGE), "PumpImage", (VOID **) &image);
        Iwin32Result h = rt.RtCreateSharedMemory(0, 0, (int) PUMP_IMAGE.byteSize(), "PumpImage");
        // if (h == NULL) { printf("RtCreateSharedMemory failed: %u\n", GetLastError()); return 1; }
        assertTrue(h.succeeded(), () -> "RtCreateSharedMemory failed: " + rt.GetLastError());
        // if (GetLastError() == ERROR_ALREADY_EXISTS) printf("attached to an existing image\n");
        assertEquals(ERROR_SUCCESS, rt.GetLastError(), "a new image");
        MemorySegment image = PUMP_IMAGE.at(h.location(), 0);
        // image->setpoint = 42.5; image->command = CMD_START; image->seq = image->seq + 1;
        SETPOINT.set(image, 42.5);
        COMMAND.set(image, CMD_START);
        SEQ.setVolatile(image, (int) SEQ.get(image) + 1);
        long poolUsed = store.backend.poolUsage(shm.api.intime.IntimeTables.IWIN32_POOL).orElseThrow().used();
        assertTrue(poolUsed > 0, "the image is charged to the iwin32 pool");

        // The Windows side, in C: opens "PumpImage", reads seq, command and setpoint, writes "ACK 42.5" as reply.
        try (LineProcess windows = LineProcess.start("c-peer", List.of(peer.binary().orElseThrow().toString(),
                store.root.toString(), "PumpImage", "open", "read", "0", "16", "write",
                String.valueOf(PUMP_IMAGE.offsetOf("reply")), "ACK 42.5"), Map.of())) {
            windows.nextLine(); // PEER pid=...
            assertTrue(windows.nextLine().startsWith("OPENED existed=true"));
            String read = windows.nextLine();
            assertTrue(read.contains("hex=01000000010000000000000000404540"), read);
            assertTrue(windows.nextLine().startsWith("WROTE"));
            assertEquals(0, windows.waitFor());
        }

        // printf("reply: %s\n", image->reply);
        String reply = image.asSlice(PUMP_IMAGE.offsetOf("reply"), 16).getString(0, StandardCharsets.US_ASCII);
        assertEquals("ACK 42.5", reply);
        // if (!CloseHandle(h)) { printf("CloseHandle failed: %u\n", GetLastError()); return 1; }
        assertTrue(rt.CloseHandle(h.handle()), () -> "CloseHandle failed: " + rt.GetLastError());
        assertTrue(store.backend.lookup("PumpImage").isEmpty(), "the last close destroyed the image");
        assertEquals(0, store.backend.poolUsage(shm.api.intime.IntimeTables.IWIN32_POOL).orElseThrow().used(),
                "its memory went back to the pool");
    }
}
