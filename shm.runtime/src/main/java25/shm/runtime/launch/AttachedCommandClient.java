package shm.runtime.launch;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Hands a command line's command to the runtime that runs in the same platform home, when one listens on the home's
 * socket ({@value RuntimeHome#ATTACH_SOCKET}), and prints its answer: the command runs in that runtime, as if typed at
 * its prompt, and this JVM starts no framework. The other side, and the wire format it shares with this class, is shm.shell's
 * {@code AttachedCommands} / {@code CommandWire} ({@code shm.runtime/README.md} describes both):
 *
 * <pre>
 * request  = MAGIC  count  (length  bytes){count}        the arguments of main, exactly as given (UTF-8)
 * answer   = (kind  length  bytes)*  EXIT  exitCode      kind 1: standard output, 2: standard error
 * </pre>
 * (32-bit big-endian integers.)
 *
 * <p>Compiled for Java 25 apart from {@link RuntimeHome} (Java 11), which loads it by name once it knows the Java is
 * new enough.
 */
final class AttachedCommandClient {

    /** What {@link #run} answers when no runtime took the command: the caller starts one. */
    static final int NOT_HANDED_OVER = -1;

    private static final int MAGIC = 0x53484d31;
    private static final byte OUT = 1;
    private static final byte ERR = 2;
    private static final byte EXIT = 3;
    /** The exit code of a command whose runtime went away before it answered ("a command failed"). */
    private static final int RUNTIME_GONE = 1;

    private AttachedCommandClient() {
    }

    /**
     * Hands this JVM's command line to the runtime of {@code home} and prints what it answers.
     *
     * @param home the platform home
     * @return the command's exit code, or {@link #NOT_HANDED_OVER} when this JVM has no command to hand over (no
     *         arguments, or they cannot be read) or no runtime listens at the home's socket
     */
    static int run(Path home) {
        List<String> arguments = mainArguments(ProcessHandle.current().info().arguments().map(Arrays::asList)
                .orElse(List.of()));
        if (arguments.isEmpty()) {
            return NOT_HANDED_OVER;
        }
        Path socket = home.resolve(RuntimeHome.ATTACH_SOCKET);
        SocketChannel channel;
        try {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                channel.connect(UnixDomainSocketAddress.of(socket));
            } catch (IOException | RuntimeException refused) {
                channel.close();
                return NOT_HANDED_OVER;
            }
        } catch (IOException | RuntimeException noSocket) {
            return NOT_HANDED_OVER;
        }
        // From here on the runtime may have run the command: never start a second runtime for it.
        try (channel) {
            DataOutputStream request = new DataOutputStream(Channels.newOutputStream(channel));
            request.writeInt(MAGIC);
            request.writeInt(arguments.size());
            for (String argument : arguments) {
                byte[] bytes = argument.getBytes(StandardCharsets.UTF_8);
                request.writeInt(bytes.length);
                request.write(bytes);
            }
            request.flush();
            return printAnswer(new DataInputStream(Channels.newInputStream(channel)));
        } catch (IOException | RuntimeException broken) {
            System.err.println("shm: the runtime of " + home + " stopped before it answered the command ("
                    + broken.getMessage() + ")");
            return RUNTIME_GONE;
        }
    }

    private static int printAnswer(DataInputStream answer) throws IOException {
        OutputStream out = new FileOutputStream(FileDescriptor.out);
        OutputStream err = new FileOutputStream(FileDescriptor.err);
        while (true) {
            int kind = answer.read();
            if (kind < 0) {
                throw new EOFException("the connection ended");
            }
            int value = answer.readInt();
            switch (kind) {
                case EXIT -> {
                    return value;
                }
                case OUT -> out.write(answer.readNBytes(value));
                case ERR -> err.write(answer.readNBytes(value));
                default -> throw new IOException("an answer of unknown kind " + kind);
            }
        }
    }

    /**
     * The arguments of {@code main} from the JVM's command line ({@code java [options] -jar <jar> [arguments]}, without
     * the program's name), exactly as given; none when the JVM was not started with {@code -jar}.
     */
    static List<String> mainArguments(List<String> commandLine) {
        int jar = commandLine.indexOf("-jar");
        if (jar < 0 || jar + 1 >= commandLine.size()) {
            return List.of();
        }
        return List.copyOf(commandLine.subList(jar + 2, commandLine.size()));
    }
}
