package shm.testkit;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import shm.api.CStruct;

/**
 * The pump image of the porting guide's ported programs ({@code docs/porting-guide.md}) and the Windows side that
 * answers them, played by the C example {@code examples/c/shm_peer.c}:
 *
 * <pre>
 * typedef struct { ULONG seq; ULONG command; double setpoint; char reply[16]; } PUMP_IMAGE;   // 32 bytes
 * #define CMD_START 1
 * </pre>
 */
public final class PumpImage {

    /** {@code PUMP_IMAGE}, laid out as a C compiler does. */
    public static final CStruct LAYOUT = CStruct.of(JAVA_INT.withName("seq"), JAVA_INT.withName("command"),
            JAVA_DOUBLE.withName("setpoint"), MemoryLayout.sequenceLayout(16, JAVA_BYTE).withName("reply"));
    /** {@code image->seq}. */
    public static final VarHandle SEQ = LAYOUT.field("seq");
    /** {@code image->command}. */
    public static final VarHandle COMMAND = LAYOUT.field("command");
    /** {@code image->setpoint}. */
    public static final VarHandle SETPOINT = LAYOUT.field("setpoint");
    /** {@code CMD_START}. */
    public static final int CMD_START = 1;
    /** What the Windows side writes into {@code reply}. */
    public static final String ACK = "ACK 42.5";

    private PumpImage() {
    }

    /** {@code image->reply} as the C string it holds. */
    public static String reply(MemorySegment image) {
        return image.asSlice(LAYOUT.offsetOf("reply"), 16).getString(0, StandardCharsets.US_ASCII);
    }

    /**
     * Runs the Windows side in C: {@code shm_peer ROOT NAME open read 0 16 write 16 "ACK 42.5"}, which opens the
     * image by name, reads seq, command and setpoint, and writes {@link #ACK} as the reply.
     *
     * @return the peer's {@code READ} line (its {@code hex=} field holds the 16 bytes as C stores them)
     * @throws IllegalStateException when the peer does not answer as expected or fails
     */
    public static String answerFromC(Path peer, Path root, String name) {
        return answer(peer, root, name, List.of("open"), false);
    }

    /**
     * Runs the RT side in C for an NTX program: {@code shm_peer ROOT NAME lookup SCOPE read 0 16 write 16 "ACK 42.5"},
     * which looks the memory handle cataloged under {@code name} up in the INtime object directory {@code scope} (the
     * root process's: {@code intime.root}), opens the memory its GDT descriptor names, reads the image and writes
     * {@link #ACK} as the reply.
     *
     * @return the peer's {@code FOUND} line and its {@code READ} line, joined by a newline
     * @throws IllegalStateException when the peer does not answer as expected or fails
     */
    public static String answerFromCByCatalog(Path peer, Path root, String scope, String name) {
        return answer(peer, root, name, List.of("lookup", scope), true);
    }

    private static String answer(Path peer, Path root, String name, List<String> open, boolean found) {
        List<String> command = new java.util.ArrayList<>(List.of(peer.toString(), root.toString(), name));
        command.addAll(open);
        command.addAll(List.of("read", "0", "16", "write", String.valueOf(LAYOUT.offsetOf("reply")), ACK));
        try (LineProcess other = LineProcess.start("c-peer", command, Map.of())) {
            other.nextLine(); // PEER pid=...
            String foundLine = found ? other.nextLine() : "";
            String opened = other.nextLine();
            String read = other.nextLine();
            String wrote = other.nextLine();
            int exit = other.waitFor();
            if ((found && !foundLine.startsWith("FOUND")) || !opened.startsWith("OPENED existed=true")
                    || !read.startsWith("READ") || !wrote.startsWith("WROTE") || exit != 0) {
                throw new IllegalStateException("the C side answered " + List.of(foundLine, opened, read, wrote)
                        + ", exit " + exit + "; further output: " + other.remainingLines());
            }
            return found ? foundLine + "\n" + read : read;
        }
    }
}
