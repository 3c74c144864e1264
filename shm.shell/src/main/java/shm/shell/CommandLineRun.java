package shm.shell;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.apache.felix.service.command.Function;

/**
 * Runs what the runtime's command line asks for ({@link Invocation}) on the launcher's main thread, and answers the
 * process's exit code: {@value #SUCCESS} success, {@value #COMMAND_FAILED} a command failed, {@value #BAD_ARGUMENTS}
 * bad arguments, {@value #COMMANDS_UNAVAILABLE} the shm commands did not become available in time.
 *
 * <p>Before running anything it waits, up to the deadline, until the {@code shm} commands are registered (and, for
 * the interactive shell, Gogo's {@code gosh}). Results that commands return are printed to standard output; a
 * failure is printed as one line, {@code error: <message>}, to standard error, never as a stack trace.
 */
final class CommandLineRun implements Callable<Integer> {

    /** Exit code: everything asked for was done. */
    static final int SUCCESS = 0;
    /** Exit code: a command failed (its message was printed). */
    static final int COMMAND_FAILED = 1;
    /** Exit code: the arguments ask for nothing this runtime can do. */
    static final int BAD_ARGUMENTS = 2;
    /** Exit code: the {@code shm} commands (or the Gogo shell) were not registered before the deadline. */
    static final int COMMANDS_UNAVAILABLE = 3;

    /** Matches the service of the {@code shm} commands. */
    static final String SHM_COMMANDS_FILTER = "(&(osgi.command.scope=shm)(osgi.command.function=list))";
    /** Matches the service of Gogo's {@code gosh} command, which runs the interactive console. */
    static final String GOSH_FILTER = "(&(osgi.command.scope=gogo)(osgi.command.function=gosh))";

    private final Invocation invocation;
    private final CommandProcessor processor;
    private final ServiceWait arrival;
    private final Duration patience;
    private final InputStream in;
    private final OutputStream out;
    private final OutputStream err;

    /**
     * @param invocation what to run
     * @param processor  the Gogo command processor to run it with
     * @param arrival    how to wait for the commands
     * @param patience   how long to wait for the commands, counted from the start of {@link #call()}
     * @param in         the standard input of the process (not {@code System.in}, which Gogo redirects)
     * @param out        the standard output of the process (not {@code System.out}, which Gogo redirects)
     * @param err        the standard error of the process (not {@code System.err}, which Gogo redirects)
     */
    CommandLineRun(Invocation invocation, CommandProcessor processor, ServiceWait arrival, Duration patience,
            InputStream in, OutputStream out, OutputStream err) {
        this.invocation = Objects.requireNonNull(invocation, "invocation");
        this.processor = Objects.requireNonNull(processor, "processor");
        this.arrival = Objects.requireNonNull(arrival, "arrival");
        this.patience = Objects.requireNonNull(patience, "patience");
        this.in = Objects.requireNonNull(in, "in");
        this.out = Objects.requireNonNull(out, "out");
        this.err = Objects.requireNonNull(err, "err");
    }

    /** Runs the invocation and answers the exit code; never throws. */
    @Override
    public Integer call() {
        PrintStream output = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream errors = new PrintStream(err, true, StandardCharsets.UTF_8);
        try {
            return switch (invocation) {
                case Invocation.Help help -> {
                    output.println(Invocation.USAGE);
                    yield SUCCESS;
                }
                case Invocation.Invalid invalid -> {
                    errors.println("error: " + invalid.problem() + " (--help shows the usage)");
                    yield BAD_ARGUMENTS;
                }
                case Invocation.Interactive interactive -> run(output, errors, true,
                        session -> session.execute("gosh --login --noshutdown"));
                case Invocation.Script script -> run(output, errors, false, session -> session.execute(script.text()));
                case Invocation.SingleCommand single -> run(output, errors, false,
                        session -> runSingle(session, single));
            };
        } finally {
            output.flush();
            errors.flush();
        }
    }

    private int run(PrintStream output, PrintStream errors, boolean interactive, SessionWork work) {
        try {
            Instant deadline = Instant.now().plus(patience);
            if (!arrival.await(SHM_COMMANDS_FILTER, deadline)) {
                errors.println("error: the shm commands were not registered within " + patience.toSeconds()
                        + " s: is a SharedMemoryService available?");
                return COMMANDS_UNAVAILABLE;
            }
            if (interactive && !arrival.await(GOSH_FILTER, deadline)) {
                errors.println("error: the Gogo shell (gogo:gosh) was not registered within " + patience.toSeconds()
                        + " s");
                return COMMANDS_UNAVAILABLE;
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            errors.println("error: interrupted while waiting for the shm commands");
            return COMMANDS_UNAVAILABLE;
        }
        try (CommandSession session = processor.createSession(in, out, err)) {
            Object result = work.run(session);
            if (result != null && !interactive) {
                output.println(session.format(result, Converter.INSPECT));
            }
            return SUCCESS;
        } catch (Exception failure) {
            errors.println("error: " + oneLine(failure));
            return COMMAND_FAILED;
        }
    }

    private static Object runSingle(CommandSession session, Invocation.SingleCommand single) throws Exception {
        Object command = session.get(single.command());
        if (!(command instanceof Function function)) {
            throw new IllegalArgumentException("Command not found: " + single.command());
        }
        return function.execute(session, new ArrayList<Object>(single.arguments()));
    }

    /** The failure's message on one line; its type's simple name when it has no message. */
    static String oneLine(Throwable failure) {
        String message = failure.getMessage();
        if (message == null || message.isBlank()) {
            return failure.getClass().getSimpleName();
        }
        List<String> lines = message.strip().lines().toList();
        return lines.size() == 1 ? lines.get(0) : String.join(" | ", lines);
    }

    /** Work done in a Gogo session; may fail with any exception. */
    @FunctionalInterface
    private interface SessionWork {
        Object run(CommandSession session) throws Exception;
    }
}
