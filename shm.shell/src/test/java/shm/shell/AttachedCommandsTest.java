package shm.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.CommandSessionListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.service.log.Logger;

import shm.api.ObjectInfo;
import shm.core.NeutralSharedMemoryService;
import shm.testkit.Await;

/**
 * A runtime's socket for the command lines of its home, with the real Gogo runtime, the real shm commands over the
 * real mmap backend, and real Unix domain sockets; the command line is played by {@link #handOver}, which speaks the
 * wire format of {@link CommandWire} as the runtime jar's launcher agent does (the jar's own client is run against a
 * real runtime by {@code shm.runtime}'s {@code AttachedCommandIT}).
 */
class AttachedCommandsTest {

    @TempDir
    Path temporary;

    private Path home;
    private GogoWithShmCommands gogo;
    private NeutralSharedMemoryService service;
    private CommandProcessorImpl processor;
    private final Blocker blocker = new Blocker();
    private final List<String> logged = Collections.synchronizedList(new ArrayList<>());
    private final List<Listening> listenings = new ArrayList<>();

    @BeforeEach
    void startGogoWithTheShmCommands() throws IOException {
        home = Files.createDirectory(temporary.resolve("home"));
        gogo = new GogoWithShmCommands(temporary.resolve("root"));
        service = gogo.service;
        processor = gogo.processor;
        processor.addCommand("test", blocker, "block");
    }

    @AfterEach
    void stopEverything() {
        listenings.forEach(Listening::close);
        gogo.close();
    }

    /** A command that waits until interrupted, and says so. */
    public static final class Blocker {
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch interrupted = new CountDownLatch(1);

        /** Waits up to a minute; an interruption ends it. */
        public String block() {
            started.countDown();
            try {
                Thread.sleep(Duration.ofMinutes(1));
                return "not interrupted";
            } catch (InterruptedException expected) {
                interrupted.countDown();
                return "interrupted";
            }
        }
    }

    private Listening listen() {
        Listening listening = AttachedCommands.listen(home, this::runHere, recordingLogger());
        listenings.add(listening);
        return listening;
    }

    /** What the runtime's entry point does with a handed-over command: a command-line run on the connection. */
    private int runHere(List<String> arguments, ProcessStreams connection) {
        return new CommandLineRun(Invocation.parse(arguments.toArray(String[]::new)), processor,
                (filter, deadline) -> true, Duration.ofSeconds(5), new StartedPlatform(), connection,
                () -> Listening.NOWHERE, true).call();
    }

    private Logger recordingLogger() {
        return (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
                (proxy, method, arguments) -> {
                    if (arguments != null && arguments.length > 0 && arguments[0] instanceof String format) {
                        logged.add(method.getName() + " " + format);
                    }
                    return method.getReturnType() == boolean.class ? Boolean.FALSE
                            : method.getReturnType() == String.class ? "recording" : null;
                });
    }

    /** What a command line printed and answered. */
    private record Answer(int exitCode, String output, String errors) {
    }

    private Answer handOver(String... arguments) throws IOException {
        try (SocketChannel channel = connect()) {
            sendRequest(channel, CommandWire.MAGIC, arguments);
            return readAnswer(channel);
        }
    }

    private SocketChannel connect() throws IOException {
        return SocketChannel.open(UnixDomainSocketAddress.of(CommandWire.socket(home)));
    }

    private static void sendRequest(SocketChannel channel, int magic, String... arguments) throws IOException {
        DataOutputStream request = new DataOutputStream(Channels.newOutputStream(channel));
        request.writeInt(magic);
        request.writeInt(arguments.length);
        for (String argument : arguments) {
            byte[] bytes = argument.getBytes(StandardCharsets.UTF_8);
            request.writeInt(bytes.length);
            request.write(bytes);
        }
        request.flush();
    }

    private static Answer readAnswer(SocketChannel channel) throws IOException {
        DataInputStream answer = new DataInputStream(Channels.newInputStream(channel));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        while (true) {
            byte kind = answer.readByte();
            int value = answer.readInt();
            switch (kind) {
                case CommandWire.OUT -> out.write(answer.readNBytes(value));
                case CommandWire.ERR -> err.write(answer.readNBytes(value));
                case CommandWire.EXIT -> {
                    return new Answer(value, out.toString(StandardCharsets.UTF_8),
                            err.toString(StandardCharsets.UTF_8));
                }
                default -> throw new AssertionError("a frame of unknown kind " + kind);
            }
        }
    }

    @Test
    void aHandedOverCommandRunsInTheRuntimeWhoseHandlesOutliveTheCommandLine() throws IOException {
        listen();
        Answer created = handOver("shm:create", "kept", "4k");
        assertEquals(new Answer(0, "created 'kept' (4096 bytes); this shell holds 1 handle of it\n", ""), created);

        // The command line is gone; the runtime (this JVM) still holds the object, as after a command at its prompt.
        ObjectInfo kept = service.info("kept").orElseThrow();
        assertEquals(4096, kept.byteSize());
        assertEquals(1, kept.handleCount());
        Answer listed = handOver("list");
        assertEquals(0, listed.exitCode(), listed.errors());
        assertTrue(listed.output().contains("kept  SHARED_MEMORY  4096     4096  " + ProcessHandle.current().pid()),
                listed.output());
        Answer script = handOver("-c", "shm:write kept 0 hello; shm:dump kept 0 5");
        assertEquals(0, script.exitCode(), script.errors());
        assertTrue(script.output().contains("|hello|"), script.output());
    }

    @Test
    void aFailingCommandAnswersOneErrorLineAndExitCodeOneAndBadArgumentsTwo() throws IOException {
        listen();
        assertEquals(new Answer(1, "", "error: 'absent': no object of that name exists (NOT_FOUND)\n"),
                handOver("shm:dump", "absent"));
        assertEquals(new Answer(2, "", "error: unknown option --bogus (--help shows the usage)\n"),
                handOver("--bogus"));
    }

    @Test
    void aRequestThatIsNoneOrAsksForNothingIsRefusedInOneLine() throws IOException {
        listen();
        try (SocketChannel channel = connect()) {
            sendRequest(channel, 0x12345678);
            Answer refused = readAnswer(channel);
            assertEquals(2, refused.exitCode());
            assertEquals("error: not a command of this runtime's command line (first word 0x12345678, expected"
                    + " 0x53484d31)\n", refused.errors());
        }
        Answer empty = handOver();
        assertEquals(2, empty.exitCode());
        assertTrue(empty.errors().startsWith("error: a command handed to a running runtime needs arguments"),
                empty.errors());
        // A connection that asks nothing (another runtime's probe) is closed without a word; the socket goes on.
        try (SocketChannel probe = connect()) {
            probe.shutdownOutput();
            assertEquals(-1, Channels.newInputStream(probe).read());
        }
        assertEquals(0, handOver("list").exitCode());
    }

    @Test
    void aCommandLineThatGoesAwayInterruptsItsCommand() throws Exception {
        listen();
        try (SocketChannel channel = connect()) {
            sendRequest(channel, CommandWire.MAGIC, "test:block");
            assertTrue(blocker.started.await(30, TimeUnit.SECONDS), "the command never started");
        }
        assertTrue(blocker.interrupted.await(30, TimeUnit.SECONDS),
                "the command went on after its command line went away");
    }

    @Test
    void closingStopsListeningRemovesTheSocketAndEndsTheCommandsStillRunning() throws Exception {
        Listening listening = listen();
        Path socket = CommandWire.socket(home);
        assertTrue(Files.exists(socket));
        try (SocketChannel channel = connect()) {
            sendRequest(channel, CommandWire.MAGIC, "test:block");
            assertTrue(blocker.started.await(30, TimeUnit.SECONDS), "the command never started");
            listening.close();
            listening.close(); // idempotent
            assertTrue(blocker.interrupted.await(30, TimeUnit.SECONDS), "the command went on after the close");
            try {
                Answer after = readAnswer(channel);
                throw new AssertionError("a command line whose runtime stopped listening got an answer: " + after);
            } catch (EOFException | AsynchronousCloseException expected) {
                // the connection ended without an exit code: the client says the runtime stopped
            }
        }
        assertFalse(Files.exists(socket, LinkOption.NOFOLLOW_LINKS), "the socket was left behind");
        Await.until("the listener thread to end", () -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(thread -> thread.getName().equals(AttachedCommands.LISTENER_THREAD)));
    }

    @Test
    void theSocketsFolderIsOnlyItsUsersWhateverItWasBefore() throws IOException {
        Files.createDirectories(home.resolve("run"));
        Files.setPosixFilePermissions(home.resolve("run"), PosixFilePermissions.fromString("rwxrwxrwx"));
        listen();
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("run"))));
    }

    @Test
    void aSocketAnotherRuntimeListensOnIsLeftToItAndADeadOneIsReplaced() throws IOException {
        Listening first = listen();
        Listening second = listen();
        assertSame(Listening.NOWHERE, second, "a second runtime took the socket of a live one");
        assertTrue(logged.stream().anyMatch(line -> line.contains("another runtime of this home")), logged.toString());
        assertEquals(0, handOver("list").exitCode());
        first.close();

        // A runtime that ended without closing its socket (killed) leaves the file of a socket nobody listens on.
        Path socket = CommandWire.socket(home);
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(socket));
        }
        assertTrue(Files.exists(socket, LinkOption.NOFOLLOW_LINKS));
        Listening third = listen();
        assertNotSame(Listening.NOWHERE, third, "a dead socket kept a runtime from listening");
        assertEquals(0, handOver("list").exitCode());
    }

    @Test
    void somethingOtherThanASocketAtItsPathIsLeftAlone() throws IOException {
        Path socket = CommandWire.socket(home);
        Files.createDirectories(socket.getParent());
        Files.writeString(socket, "an operator's notes");
        assertSame(Listening.NOWHERE, listen());
        assertEquals("an operator's notes", Files.readString(socket));
        assertTrue(logged.stream().anyMatch(line -> line.contains("is not a socket")), logged.toString());
    }

    @Test
    void theFailuresOfHandedOverCommandsAreNotTheConsoles() throws IOException {
        AtomicBoolean counted = new AtomicBoolean();
        processor.addListener(new CommandSessionListener() {
            @Override
            public void beforeExecute(CommandSession session, CharSequence command) {
            }

            @Override
            public void afterExecute(CommandSession session, CharSequence command,
                    Exception exception) {
                if (session.get(CommandLineRun.ATTACHED_VARIABLE) == null) {
                    counted.set(true);
                }
            }

            @Override
            public void afterExecute(CommandSession session, CharSequence command,
                    Object result) {
            }
        });
        listen();
        assertEquals(1, handOver("-c", "shm:dump absent").exitCode());
        assertFalse(counted.get(), "a handed-over command's session was not marked as such");
    }
}
