package shm.personality.rtx;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static shm.api.rtx.RtxConstants.*;

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
import shm.api.rtx.RtxResult;
import shm.testkit.CExample;
import shm.testkit.LineProcess;

/**
 * The RTX program of the porting guide ({@code docs/porting-guide.md}, "An RTX program"), ported line by line, run
 * against the C peer {@code examples/c/shm_peer.c} playing the Windows side: the RTSS process creates the pump image,
 * writes a setpoint and a command, the C process opens the image by name, reads them and writes its reply, and the
 * RTSS process reads the reply and closes the last handle, which destroys the image.
 */
class PortedRtxProgramTest {

    // typedef struct { ULONG seq; ULONG command; double setpoint; char reply[16]; } PUMP_IMAGE;
    static final CStruct PUMP_IMAGE = CStruct.of(JAVA_INT.withName("seq"), JAVA_INT.withName("command"),
            JAVA_DOUBLE.withName("setpoint"), MemoryLayout.sequenceLayout(16, ValueLayout.JAVA_BYTE).withName("reply"));
    static final VarHandle SEQ = PUMP_IMAGE.field("seq");
    static final VarHandle COMMAND = PUMP_IMAGE.field("command");
    static final VarHandle SETPOINT = PUMP_IMAGE.field("setpoint");
    /** {@code #define CMD_START 1}. */
    static final int CMD_START = 1;

    @RegisterExtension
    final RtxFixture store = new RtxFixture();
    private CExample peer;

    @BeforeEach
    void open() {
        peer = CExample.shmPeer();
        Assumptions.assumeTrue(peer.binary().isPresent(), () -> peer.unavailable().orElse(""));
    }

    @Test
    void thePumpProgramTalksToTheCSide() {
        RtxPersonality rtx = store.rtss();

        // PUMP_IMAGE *image;
        // HANDLE h = RtCreateSharedMemory(PAGE_READWRITE, 0, sizeof(PUMP_IMAGE), "PumpImage", (VOID **) &image);
        RtxResult h = rtx.RtCreateSharedMemory(PAGE_READWRITE, 0, (int) PUMP_IMAGE.byteSize(), "PumpImage");
        // if (h == NULL) { RtPrintf("RtCreateSharedMemory failed: %u\n", GetLastError()); return 1; }
        assertTrue(h.succeeded(), () -> "RtCreateSharedMemory failed: " + rtx.RtGetLastError());
        MemorySegment image = PUMP_IMAGE.at(h.location(), 0);
        // if (GetLastError() == ERROR_ALREADY_EXISTS) RtPrintf("attached to an existing image\n");
        assertEquals(ERROR_SUCCESS, rtx.RtGetLastError(), "a new image");
        // image->setpoint = 42.5; image->command = CMD_START; image->seq = image->seq + 1;
        SETPOINT.set(image, 42.5);
        COMMAND.set(image, CMD_START);
        SEQ.setVolatile(image, (int) SEQ.get(image) + 1);

        // The Windows side, in C: opens "PumpImage", reads seq, command and setpoint, writes "ACK 42.5" as reply.
        try (LineProcess windows = LineProcess.start("c-peer", List.of(peer.binary().orElseThrow().toString(),
                store.root.toString(), "PumpImage", "open", "read", "0", "16", "write",
                String.valueOf(PUMP_IMAGE.offsetOf("reply")), "ACK 42.5"), Map.of())) {
            windows.nextLine(); // PEER pid=...
            assertTrue(windows.nextLine().startsWith("OPENED existed=true"));
            String read = windows.nextLine();
            // seq 1, command 1, setpoint 42.5: little-endian as the C compiler stores them
            assertTrue(read.contains("hex=01000000010000000000000000404540"), read);
            assertTrue(windows.nextLine().startsWith("WROTE"));
            assertEquals(0, windows.waitFor());
        }

        // RtPrintf("reply: %s\n", image->reply);
        String reply = image.asSlice(PUMP_IMAGE.offsetOf("reply"), 16).getString(0, StandardCharsets.US_ASCII);
        assertEquals("ACK 42.5", reply);
        // if (!RtCloseHandle(h)) { RtPrintf("RtCloseHandle failed: %u\n", GetLastError()); return 1; }
        assertTrue(rtx.RtCloseHandle(h.handle()), () -> "RtCloseHandle failed: " + rtx.RtGetLastError());
        assertTrue(store.backend.lookup("PumpImage").isEmpty(), "the last close destroyed the image");
    }
}
