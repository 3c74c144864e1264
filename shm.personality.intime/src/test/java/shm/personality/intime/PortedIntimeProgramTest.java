package shm.personality.intime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static shm.api.intime.IntimeConstants.*;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import shm.api.intime.Iwin32Result;
import shm.testkit.CExample;
import shm.testkit.PumpImage;

/**
 * The INtime program of the porting guide ({@code docs/porting-guide.md}, "An INtime program"), ported line by line,
 * run against the C peer {@code examples/c/shm_peer.c} playing the Windows side: the RT process creates the iwin32
 * shared memory "PumpImage", writes a setpoint and a command; the C process opens it by name, reads them and writes
 * its reply; the RT process reads the reply and closes its handle, the last one, which destroys the memory and gives
 * it back to the iwin32 pool.
 */
class PortedIntimeProgramTest {

    // typedef struct { ULONG seq; ULONG command; double setpoint; char reply[16]; } PUMP_IMAGE;  (shm.testkit.PumpImage)
    // #define CMD_START 1

    @RegisterExtension
    final IntimeFixture store = new IntimeFixture();

    @Test
    void thePumpProgramTalksToTheCSide() {
        Path peer = CExample.shmPeerOverMmapStore();
        IntimePersonality rt = store.process();

        // PUMP_IMAGE *image;
        // HANDLE h = RtCreateSharedMemory(0, 0, sizeof(PUMP_IMAGE), "PumpImage", (VOID **) &image);
        Iwin32Result h = rt.RtCreateSharedMemory(0, 0, (int) PumpImage.LAYOUT.byteSize(), "PumpImage");
        // if (h == NULL) { printf("RtCreateSharedMemory failed: %u\n", GetLastError()); return 1; }
        assertTrue(h.succeeded(), () -> "RtCreateSharedMemory failed: " + rt.GetLastError());
        // if (GetLastError() == ERROR_ALREADY_EXISTS) printf("attached to an existing image\n");
        assertEquals(ERROR_SUCCESS, rt.GetLastError(), "a new image");
        MemorySegment image = PumpImage.LAYOUT.at(h.location(), 0);
        // image->setpoint = 42.5; image->command = CMD_START; image->seq = image->seq + 1;
        PumpImage.SETPOINT.set(image, 42.5);
        PumpImage.COMMAND.set(image, PumpImage.CMD_START);
        PumpImage.SEQ.setVolatile(image, (int) PumpImage.SEQ.get(image) + 1);
        long poolUsed = store.backend.poolUsage(shm.api.intime.IntimeTables.IWIN32_POOL).orElseThrow().used();
        assertTrue(poolUsed > 0, "the image is charged to the iwin32 pool");

        // The Windows side, in C: opens "PumpImage", reads seq, command and setpoint, writes "ACK 42.5" as reply.
        String read = PumpImage.answerFromC(peer, store.root, "PumpImage");
        // seq 1, command 1, setpoint 42.5: little-endian as the C compiler stores them
        assertTrue(read.contains("hex=01000000010000000000000000404540"), read);

        // printf("reply: %s\n", image->reply);
        assertEquals(PumpImage.ACK, PumpImage.reply(image));
        // if (!CloseHandle(h)) { printf("CloseHandle failed: %u\n", GetLastError()); return 1; }
        assertTrue(rt.CloseHandle(h.handle()), () -> "CloseHandle failed: " + rt.GetLastError());
        assertTrue(store.backend.lookup("PumpImage").isEmpty(), "the last close destroyed the image");
        assertEquals(0, store.backend.poolUsage(shm.api.intime.IntimeTables.IWIN32_POOL).orElseThrow().used(),
                "its memory went back to the pool");
    }
}
