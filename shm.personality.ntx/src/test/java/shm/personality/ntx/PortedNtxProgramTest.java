package shm.personality.ntx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static shm.api.ntx.NtxConstants.*;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import shm.api.intime.IntimeTables;
import shm.api.ntx.NtxHandleResult;
import shm.api.ntx.NtxMapResult;
import shm.testkit.CExample;
import shm.testkit.PumpImage;

/**
 * The NTX program of the porting guide ({@code docs/porting-guide.md}, "An NTX program"), ported line by line, run
 * against the C peer {@code examples/c/shm_peer.c} playing the INtime (RT) side: the Windows process allocates RT
 * memory for the "PumpImage", maps it, writes a setpoint and a command, and catalogs the memory handle in the root
 * process's object directory; the C process looks the name up there, follows the RTHANDLE to its GDT descriptor and
 * the memory, reads the image and writes its reply; the Windows process reads the reply, withdraws the name, unmaps
 * and frees the memory, which is then gone from the store.
 */
class PortedNtxProgramTest {

    // typedef struct { ULONG seq; ULONG command; double setpoint; char reply[16]; } PUMP_IMAGE;  (shm.testkit.PumpImage)
    // #define CMD_START 1

    @RegisterExtension
    final NtxFixture store = new NtxFixture();
    private CExample peer;

    @BeforeEach
    void peer() {
        peer = CExample.shmPeer();
        Assumptions.assumeTrue(peer.binary().isPresent(), () -> peer.unavailable().orElse(""));
    }

    @Test
    void thePumpProgramTalksToTheCRtSide() {
        store.rt(); // the INtime kernel's tables (GDT, processes), as a running INtime node has them
        NtxPersonality ntx = store.windows();

        // NTXHANDLE root = ntxGetRootRtProcess();
        NtxHandleResult root = ntx.ntxGetRootRtProcess();
        // if (root == NTX_BAD_NTXHANDLE) { printf("no INtime node: %u\n", ntxGetLastRtError()); return 1; }
        assertTrue(root.succeeded(), () -> "no INtime node: " + ntx.ntxGetLastRtError());
        // NTXHANDLE mem = ntxAllocateRtMemory(NTX_LOCAL, sizeof(PUMP_IMAGE));
        NtxHandleResult mem = ntx.ntxAllocateRtMemory(NTX_LOCAL, (int) PumpImage.LAYOUT.byteSize());
        // if (mem == NTX_BAD_NTXHANDLE) { printf("ntxAllocateRtMemory failed: %u\n", ntxGetLastRtError()); return 1; }
        assertTrue(mem.succeeded(), () -> "ntxAllocateRtMemory failed: " + ntx.ntxGetLastRtError());
        // PUMP_IMAGE *image = (PUMP_IMAGE *) ntxMapRtSharedMemory(mem);
        NtxMapResult mapped = ntx.ntxMapRtSharedMemory(mem.handle());
        // if (image == NULL) { printf("ntxMapRtSharedMemory failed: %u\n", ntxGetLastRtError()); return 1; }
        assertTrue(mapped.succeeded(), () -> "ntxMapRtSharedMemory failed: " + ntx.ntxGetLastRtError());
        MemorySegment image = PumpImage.LAYOUT.at(mapped.address(), 0);
        // image->setpoint = 42.5; image->command = CMD_START; image->seq = image->seq + 1;
        PumpImage.SETPOINT.set(image, 42.5);
        PumpImage.COMMAND.set(image, PumpImage.CMD_START);
        PumpImage.SEQ.setVolatile(image, (int) PumpImage.SEQ.get(image) + 1);
        // if (ntxCatalogNtxHandle(root, mem, "PumpImage") != E_OK) { printf("catalog failed\n"); return 1; }
        assertEquals(E_OK, ntx.ntxCatalogNtxHandle(root.handle(), mem.handle(), "PumpImage"), "catalog failed");

        assertEquals(1, unnamedFiles(), "the RT memory is one unnamed object of the store");

        // The RT side, in C: looks "PumpImage" up in the root directory, maps the memory the RTHANDLE names, reads
        // seq, command and setpoint, writes "ACK 42.5" as reply.
        String answer = PumpImage.answerFromCByCatalog(peer.binary().orElseThrow(), store.root,
                IntimeTables.ROOT_DIRECTORY, "PumpImage");
        assertTrue(answer.startsWith("FOUND rthandle=0x"), answer);
        // seq 1, command 1, setpoint 42.5: little-endian as the C compiler stores them
        assertTrue(answer.contains("hex=01000000010000000000000000404540"), answer);

        // printf("reply: %s\n", image->reply);
        assertEquals(PumpImage.ACK, PumpImage.reply(image));
        // ntxUncatalogNtxHandle(root, mem, "PumpImage");
        assertEquals(E_OK, ntx.ntxUncatalogNtxHandle(root.handle(), mem.handle(), "PumpImage"));
        // ntxUnmapRtSharedMemory(mem);
        assertEquals(E_OK, ntx.ntxUnmapRtSharedMemory(mem.handle()));
        // if (ntxFreeRtMemory(mem) != E_OK) { printf("ntxFreeRtMemory failed: %u\n", ntxGetLastRtError()); return 1; }
        assertEquals(E_OK, ntx.ntxFreeRtMemory(mem.handle()), () -> "ntxFreeRtMemory failed: "
                + ntx.ntxGetLastRtError());
        assertEquals(0, unnamedFiles(), "the memory is gone from the store");
    }

    /** The store's files of unnamed objects (RT memory is unnamed). */
    private long unnamedFiles() {
        try (Stream<Path> files = Files.list(store.root)) {
            return files.filter(f -> f.getFileName().toString().startsWith("u.")).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
