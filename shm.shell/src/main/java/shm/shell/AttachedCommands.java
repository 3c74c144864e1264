package shm.shell;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import org.osgi.service.log.Logger;

/**
 * Runs, in this runtime, the commands that command lines of the same platform home hand over instead of starting a
 * runtime of their own ({@code java -jar shm.jar shm:list} while this runtime runs): listens on the Unix domain socket
 * {@value CommandWire#SOCKET} of the home, in a folder only its user may enter (0700), and runs each connection's
 * request ({@link CommandWire}) on a thread of its own with the connection as its standard output and error, as if
 * the command had been typed at this runtime's prompt: handles it opens stay with this runtime.
 *
 * <p>It never takes over another runtime's socket: a socket at the path that answers belongs to another runtime of
 * the same home, which keeps it (this one then listens nowhere); a socket that does not answer was left by a runtime
 * that ended without closing it and is replaced; anything else at the path (a file, a folder) is left alone and
 * this runtime listens nowhere. {@link #close()} stops listening, removes the socket it made and ends the
 * connections still running (their command lines print that the runtime stopped). A client that goes away while its
 * command runs interrupts the command.
 */
final class AttachedCommands implements Listening {

    /** Runs one command line's arguments with the given streams and answers its exit code; never throws. */
    @FunctionalInterface
    interface CommandRunner {
        /**
         * Runs {@code arguments} as the runtime's command line would.
         *
         * @param arguments the arguments of the command line's {@code main}
         * @param streams   where the command's input comes from and its output goes to
         * @return the exit code
         */
        int run(List<String> arguments, ProcessStreams streams);
    }

    /** The name of the thread that accepts connections. */
    static final String LISTENER_THREAD = "shm-attach-listener";
    /** The name of each thread that runs a connection's command. */
    static final String COMMAND_THREAD = "shm-attached-command";

    private final Path socket;
    private final ServerSocketChannel server;
    private final Object socketKey;
    private final CommandRunner runner;
    private final Logger logger;
    private final Set<AttachedCommand> running = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread listener;

    private AttachedCommands(Path socket, ServerSocketChannel server, Object socketKey, CommandRunner runner,
            Logger logger) {
        this.socket = socket;
        this.server = server;
        this.socketKey = socketKey;
        this.runner = runner;
        this.logger = logger;
        this.listener = Thread.ofPlatform().daemon().name(LISTENER_THREAD).unstarted(this::accept);
    }

    /**
     * Listens on the home's socket, or nowhere when another runtime listens there or the socket cannot be made (each
     * said in one log line).
     *
     * @param home   the platform home
     * @param runner runs a request's arguments
     * @param logger where to say where it listens, or why it does not
     * @return what to close when the runtime stops listening
     */
    static Listening listen(Path home, CommandRunner runner, Logger logger) {
        Objects.requireNonNull(runner, "runner");
        Objects.requireNonNull(logger, "logger");
        Path socket = CommandWire.socket(home);
        try {
            makePrivateFolder(socket.getParent());
            if (!clearStale(socket, logger)) {
                return Listening.NOWHERE;
            }
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                server.bind(UnixDomainSocketAddress.of(socket));
                Object key = Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                        .fileKey();
                AttachedCommands commands = new AttachedCommands(socket, server, key, runner, logger);
                commands.listener.start();
                logger.info("commands given on the command line of the home {} run in this runtime (socket {})",
                        home, socket);
                return commands;
            } catch (IOException | RuntimeException failed) {
                server.close();
                throw failed;
            }
        } catch (IOException | RuntimeException unusable) {
            logger.warn("commands given on the command line of the home {} start runtimes of their own: the socket"
                    + " {} cannot be made: {}", home, socket, CommandLineRun.oneLine(unusable));
            return Listening.NOWHERE;
        }
    }

    private static void makePrivateFolder(Path folder) throws IOException {
        if (Files.isSymbolicLink(folder)) {
            throw new IOException(folder + " is a symbolic link, not the home's own folder");
        }
        try {
            Files.createDirectory(folder,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (FileAlreadyExistsException exists) {
            if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException(folder + " is not a folder");
            }
        }
        // Whatever the umask or an earlier hand made of it: only this user may reach the socket.
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwx------"));
    }

    /**
     * Whether the socket's path is free to bind: nothing there, or a socket nobody answers on (removed). False when
     * another runtime answers there, or something other than a socket is there (left alone).
     */
    private static boolean clearStale(Path socket, Logger logger) throws IOException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException absent) {
            return true;
        }
        if (!attributes.isOther()) {
            logger.warn("commands given on the command line start runtimes of their own: {} is not a socket, and"
                    + " this runtime leaves it alone", socket);
            return false;
        }
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            logger.info("another runtime of this home runs the commands given on its command line (socket {});"
                    + " this one does not listen", socket);
            return false;
        } catch (IOException nobodyAnswers) {
            // A runtime that ended without closing its socket (killed, crashed) left it.
            Files.deleteIfExists(socket);
            return true;
        }
    }

    private void accept() {
        while (!closed.get()) {
            SocketChannel connection;
            try {
                connection = server.accept();
            } catch (ClosedChannelException stopped) {
                return;
            } catch (IOException failed) {
                if (!closed.get()) {
                    logger.warn("the command socket {} stopped accepting: {}", socket, CommandLineRun.oneLine(failed));
                }
                return;
            }
            AttachedCommand command = new AttachedCommand(connection, runner, running::remove);
            running.add(command);
            if (closed.get()) {
                command.abandon();
                continue;
            }
            Thread.ofPlatform().daemon().name(COMMAND_THREAD).start(command);
        }
    }

    /** Stops listening, removes the socket this runtime made, and ends the connections still running; idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            server.close();
        } catch (IOException ignored) {
            // closing a listening socket releases it whatever this says
        }
        try {
            // Only the socket this runtime bound: another runtime may have replaced a socket it found dead.
            BasicFileAttributes now = Files.readAttributes(socket, BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            if (now.isOther() && Objects.equals(now.fileKey(), socketKey)) {
                Files.deleteIfExists(socket);
            }
        } catch (IOException goneOrUnreadable) {
            // nothing of ours is left there
        }
        running.forEach(AttachedCommand::abandon);
        try {
            listener.join(Duration.ofSeconds(5));
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
