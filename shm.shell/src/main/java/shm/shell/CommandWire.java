package shm.shell;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The wire format between a command line and the runtime that runs its command ({@link AttachedCommands}), over a
 * Unix domain stream socket at {@value #SOCKET} of the platform home. All integers are 32-bit big-endian, all text
 * UTF-8. The command line's launcher agent ({@code shm.runtime.launch.AttachedCommandClient}) writes the other side;
 * {@code shm.runtime/README.md} describes both.
 *
 * <pre>
 * request  = MAGIC  count  (length  bytes){count}        the arguments of main, exactly as given
 * answer   = (kind  length  bytes)*  EXIT  exitCode      kind OUT: standard output, ERR: standard error
 * </pre>
 */
final class CommandWire {

    /** The socket's path under the platform home. */
    static final String SOCKET = "run/shell.sock";
    /** The first word of a request: {@code "SHM1"}; another value is refused. */
    static final int MAGIC = 0x53484d31;
    /** Frame kind: bytes for the command line's standard output. */
    static final byte OUT = 1;
    /** Frame kind: bytes for the command line's standard error. */
    static final byte ERR = 2;
    /** Frame kind: the command's exit code follows; the last frame. */
    static final byte EXIT = 3;
    /** Most arguments a request may carry. */
    static final int MAX_ARGUMENTS = 4096;
    /** Most bytes the arguments of a request may take together. */
    static final int MAX_REQUEST_BYTES = 1 << 22;

    private CommandWire() {
    }

    /** The socket of the platform home {@code home}. */
    static Path socket(Path home) {
        return home.resolve(SOCKET);
    }

    /**
     * Reads a request's arguments.
     *
     * @throws EOFException            when the stream ends before the request does (nothing was asked)
     * @throws IllegalArgumentException when the request is not one: another magic word, too many or too long
     *                                  arguments (its message names the rule)
     */
    static List<String> readRequest(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        int magic = data.readInt();
        if (magic != MAGIC) {
            throw new IllegalArgumentException(String.format(
                    "not a command of this runtime's command line (first word 0x%08x, expected 0x%08x)", magic, MAGIC));
        }
        int count = data.readInt();
        if (count < 0 || count > MAX_ARGUMENTS) {
            throw new IllegalArgumentException("a command line takes at most " + MAX_ARGUMENTS
                    + " arguments, this one " + Integer.toUnsignedString(count));
        }
        List<String> arguments = new ArrayList<>(count);
        long total = 0;
        for (int i = 0; i < count; i++) {
            int length = data.readInt();
            total += Integer.toUnsignedLong(length);
            if (length < 0 || total > MAX_REQUEST_BYTES) {
                throw new IllegalArgumentException("a command line's arguments take at most " + MAX_REQUEST_BYTES
                        + " bytes together");
            }
            byte[] argument = data.readNBytes(length);
            if (argument.length != length) {
                throw new EOFException("the request ended inside argument " + (i + 1));
            }
            arguments.add(new String(argument, StandardCharsets.UTF_8));
        }
        return arguments;
    }

    /** Writes one output frame of {@code kind} ({@link #OUT} or {@link #ERR}) in one write. */
    static void writeFrame(OutputStream out, byte kind, byte[] bytes, int offset, int length) throws IOException {
        byte[] frame = new byte[5 + length];
        frame[0] = kind;
        putInt(frame, 1, length);
        System.arraycopy(bytes, offset, frame, 5, length);
        out.write(frame);
        out.flush();
    }

    /** Writes the last frame: the exit code. */
    static void writeExit(OutputStream out, int exitCode) throws IOException {
        byte[] frame = new byte[5];
        frame[0] = EXIT;
        putInt(frame, 1, exitCode);
        out.write(frame);
        out.flush();
    }

    private static void putInt(byte[] into, int at, int value) {
        into[at] = (byte) (value >>> 24);
        into[at + 1] = (byte) (value >>> 16);
        into[at + 2] = (byte) (value >>> 8);
        into[at + 3] = (byte) value;
    }

    /**
     * An output stream whose every write becomes one frame of {@code kind} on {@code out}; the writes of the two
     * kinds share {@code out} and are kept whole and in order by {@code lock}.
     */
    static OutputStream framing(OutputStream out, byte kind, Object lock) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                if (length == 0) {
                    return;
                }
                synchronized (lock) {
                    writeFrame(out, kind, bytes, offset, length);
                }
            }
        };
    }
}
