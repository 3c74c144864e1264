package shm.personality.rtx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static shm.api.rtx.RtxConstants.*;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import shm.api.rtx.RtxResult;
import shm.testkit.CExample;
import shm.testkit.PumpImage;

/**
 * The RTX program of the porting guide ({@code docs/porting-guide.md}, "An RTX program"), ported line by line, run
 * against the C peer {@code examples/c/shm_peer.c} playing the Windows side: the RTSS process creates the pump image,
 * writes a setpoint and a command, the C process opens the image by name, reads them and writes its reply, and the
 * RTSS process reads the reply and closes the last handle, which destroys the image.
 */
class PortedRtxProgramTest {

    // typedef struct { ULONG seq; ULONG command; double setpoint; char reply[16]; } PUMP_IMAGE;  (shm.testkit.PumpImage)
    // #define CMD_START 1

    @RegisterExtension
    final RtxFixture store = new RtxFixture();

    @Test
    void thePumpProgramTalksToTheCSide() {
        Path peer = CExample.shmPeerOverMmapStore();
        RtxPersonality rtx = store.rtss();

        // PUMP_IMAGE *image;
        // HANDLE h = RtCreateSharedMemory(PAGE_READWRITE, 0, sizeof(PUMP_IMAGE), "PumpImage", (VOID **) &image);
        RtxResult h = rtx.RtCreateSharedMemory(PAGE_READWRITE, 0, (int) PumpImage.LAYOUT.byteSize(), "PumpImage");
        // if (h == NULL) { RtPrintf("RtCreateSharedMemory failed: %u\n", GetLastError()); return 1; }
        assertTrue(h.succeeded(), () -> "RtCreateSharedMemory failed: " + rtx.RtGetLastError());
        MemorySegment image = PumpImage.LAYOUT.at(h.location(), 0);
        // if (GetLastError() == ERROR_ALREADY_EXISTS) RtPrintf("attached to an existing image\n");
        assertEquals(ERROR_SUCCESS, rtx.RtGetLastError(), "a new image");
        // image->setpoint = 42.5; image->command = CMD_START; image->seq = image->seq + 1;
        PumpImage.SETPOINT.set(image, 42.5);
        PumpImage.COMMAND.set(image, PumpImage.CMD_START);
        PumpImage.SEQ.setVolatile(image, (int) PumpImage.SEQ.get(image) + 1);

        // The Windows side, in C: opens "PumpImage", reads seq, command and setpoint, writes "ACK 42.5" as reply.
        String read = PumpImage.answerFromC(peer, store.root, "PumpImage");
        // seq 1, command 1, setpoint 42.5: little-endian as the C compiler stores them
        assertTrue(read.contains("hex=01000000010000000000000000404540"), read);

        // RtPrintf("reply: %s\n", image->reply);
        assertEquals(PumpImage.ACK, PumpImage.reply(image));
        // if (!RtCloseHandle(h)) { RtPrintf("RtCloseHandle failed: %u\n", GetLastError()); return 1; }
        assertTrue(rtx.RtCloseHandle(h.handle()), () -> "RtCloseHandle failed: " + rtx.RtGetLastError());
        assertTrue(store.backend.lookup("PumpImage").isEmpty(), "the last close destroyed the image");
    }
}
