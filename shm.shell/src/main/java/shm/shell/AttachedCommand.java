package shm.shell;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One command line's connection to {@link AttachedCommands}: reads its request, runs it with the connection as its
 * standard output and error (and no standard input), and answers the exit code ({@link CommandWire}). While the
 * command runs, a watcher reads the connection: when the command line goes away (its user pressed Ctrl-C, say), the
 * command's thread is interrupted, so that a wait it is in ends.
 */
final class AttachedCommand implements Runnable {

    private final SocketChannel connection;
    private final AttachedCommands.CommandRunner runner;
    private final Consumer<AttachedCommand> done;
    private final AtomicBoolean finished = new AtomicBoolean();
    private volatile Thread runningOn;

    AttachedCommand(SocketChannel connection, AttachedCommands.CommandRunner runner, Consumer<AttachedCommand> done) {
        this.connection = connection;
        this.runner = runner;
        this.done = done;
    }

    @Override
    public void run() {
        runningOn = Thread.currentThread();
        try (connection) {
            InputStream in = Channels.newInputStream(connection);
            OutputStream out = Channels.newOutputStream(connection);
            List<String> arguments;
            try {
                arguments = CommandWire.readRequest(in);
            } catch (EOFException nothingAsked) {
                return; // a probe (another runtime checking that this one listens) or a client that gave up
            } catch (IllegalArgumentException notARequest) {
                refuse(out, notARequest.getMessage());
                return;
            }
            if (arguments.isEmpty()) {
                refuse(out, "a command handed to a running runtime needs arguments; the interactive prompt is that"
                        + " runtime's own");
                return;
            }
            Thread watcher = Thread.ofVirtual().name(AttachedCommands.COMMAND_THREAD + "-watcher")
                    .start(() -> interruptWhenGone(in));
            try {
                Object lock = new Object();
                ProcessStreams streams = new ProcessStreams(new ByteArrayInputStream(new byte[0]),
                        CommandWire.framing(out, CommandWire.OUT, lock), CommandWire.framing(out, CommandWire.ERR, lock));
                int exitCode = runner.run(arguments, streams);
                synchronized (lock) {
                    finished.set(true);
                    CommandWire.writeExit(out, exitCode);
                }
            } finally {
                finished.set(true);
                watcher.interrupt(); // which also closes the connection, as the end of this method would
            }
        } catch (IOException clientGone) {
            // the command line went away; what the command did stays done, as at the prompt
        } finally {
            finished.set(true);
            Thread.interrupted(); // an interruption meant for the command ends with it
            done.accept(this);
        }
    }

    private static void refuse(OutputStream out, String why) throws IOException {
        byte[] line = ("error: " + why + "\n").getBytes(StandardCharsets.UTF_8);
        CommandWire.writeFrame(out, CommandWire.ERR, line, 0, line.length);
        CommandWire.writeExit(out, CommandLineRun.BAD_ARGUMENTS);
    }

    /** Reads the connection until it ends; a command line that ends before its command interrupts the command. */
    private void interruptWhenGone(InputStream in) {
        try {
            while (in.read() >= 0) {
                // a command line writes nothing after its request; anything more is ignored
            }
        } catch (IOException closed) {
            // closed by either side: the same as the end of the stream
        }
        interruptIfRunning();
    }

    private void interruptIfRunning() {
        Thread thread = runningOn;
        if (!finished.get() && thread != null) {
            thread.interrupt();
        }
    }

    /** The runtime stops listening: the command is interrupted and its connection closed. */
    void abandon() {
        interruptIfRunning();
        try {
            connection.close();
        } catch (IOException ignored) {
            // closed is closed
        }
    }
}
