package shm.shell;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.apache.felix.service.command.Function;

/**
 * Runs what the runtime's command line asks for ({@link Invocation}) on the launcher's main thread, and answers the
 * process's exit code: {@value #SUCCESS} success, {@value #COMMAND_FAILED} a command failed, {@value #BAD_ARGUMENTS}
 * bad arguments, {@value #COMMANDS_UNAVAILABLE} the shm commands did not become available in time.
 *
 * <p>Before running anything it starts the shm bundles once the configuration files are read, and waits, up to the
 * deadline, until the {@code shm} commands are registered. For the interactive shell it then starts Gogo's JLine
 * console bundle, which runs the console on the process's terminal, and waits until the console ends. Commands and scripts run in a
 * session whose {@code SCOPE} is {@code shm:*}, so {@code list} means {@code shm:list}. Results that commands return
 * are printed to standard output; a failure is printed as one line, {@code error: <message>}, to standard error,
 * never as a stack trace.
 *
 * <p>While the interactive console or a {@link Invocation.Serve served} runtime runs, it also runs the commands that
 * command lines of the same home hand over (see {@link AttachedCommands}), as long as the {@code listening} given
 * to it lasts. A run made for such a command ({@code attached}) marks its session with {@value #ATTACHED_VARIABLE},
 * so that its failures do not count as the console's.
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
    /**
     * Not an exit code: the bnd launcher's "listen again for a main callable" answer, given when this revision of
     * shm.shell goes away while the console runs, so that the launcher runs the next revision's callable.
     */
    static final int RELISTEN = 198;

    /** Matches the service of the {@code shm} commands. */
    static final String SHM_COMMANDS_FILTER = "(&(osgi.command.scope=shm)(osgi.command.function=list))";
    /** Matches the service of Gogo's {@code gosh} command, which runs the interactive console. */
    static final String GOSH_FILTER = "(&(osgi.command.scope=gogo)(osgi.command.function=gosh))";

    private static final String SHM_LIST = "shm:list";
    private static final String GOSH = "gogo:gosh";
    private static final String SHM_COMMANDS = "the shm commands (is a SharedMemoryService available?)";
    private static final String GOSH_SHELL = "the Gogo shell (" + GOSH + ")";
    /** How long a command given on the command line may take to appear after the shm commands did. */
    private static final Duration COMMAND_APPEARS = Duration.ofSeconds(5);
    /** How often to ask whether Gogo knows a command whose service is already registered. */
    private static final Duration KNOWN_POLL = Duration.ofMillis(2);

    private final Invocation invocation;
    private final CommandProcessor processor;
    private final ServiceWait serviceWait;
    private final Duration patience;
    private final RuntimeStages stages;
    private final ProcessStreams streams;
    private final Supplier<Listening> listening;
    private final boolean attached;

    /** The session variable that marks a session run for a command line that handed its command over. */
    static final String ATTACHED_VARIABLE = ".shm.attached";

    /**
     * A run that does nothing until {@link #call()}.
     *
     * @param invocation     what to run
     * @param processor      the Gogo command processor to run it with
     * @param serviceWait    how to wait for the commands
     * @param patience       how long to wait for the commands, counted from the start of {@link #call()}
     * @param stages         starts the shm bundles and the console, and tells when the console ended
     * @param streams        the process's standard streams
     */
    CommandLineRun(Invocation invocation, CommandProcessor processor, ServiceWait serviceWait, Duration patience,
            RuntimeStages stages, ProcessStreams streams) {
        this(invocation, processor, serviceWait, patience, stages, streams, () -> Listening.NOWHERE, false);
    }

    /**
     * A run that does nothing until {@link #call()}, and listens for the commands of other command lines while its
     * console or served runtime runs.
     *
     * @param invocation     what to run
     * @param processor      the Gogo command processor to run it with
     * @param serviceWait    how to wait for the commands
     * @param patience       how long to wait for the commands, counted from the start of {@link #call()}
     * @param stages         starts the shm bundles and the console, and tells when the console ended
     * @param streams        the process's standard streams, or the connection of a command line that handed its
     *                       command over
     * @param listening      starts listening for other command lines' commands
     * @param attached       whether this run is one such command
     */
    CommandLineRun(Invocation invocation, CommandProcessor processor, ServiceWait serviceWait, Duration patience,
            RuntimeStages stages, ProcessStreams streams, Supplier<Listening> listening,
            boolean attached) {
        this.listening = Objects.requireNonNull(listening, "listening");
        this.attached = attached;
        this.invocation = Objects.requireNonNull(invocation, "invocation");
        this.processor = Objects.requireNonNull(processor, "processor");
        this.serviceWait = Objects.requireNonNull(serviceWait, "serviceWait");
        this.patience = Objects.requireNonNull(patience, "patience");
        this.stages = Objects.requireNonNull(stages, "stages");
        this.streams = Objects.requireNonNull(streams, "streams");
    }

    /** Runs the invocation and answers the exit code; never throws. */
    @Override
    public Integer call() {
        PrintStream output = new PrintStream(streams.out(), true, StandardCharsets.UTF_8);
        PrintStream errors = new PrintStream(streams.err(), true, StandardCharsets.UTF_8);
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
                case Invocation.Interactive interactive -> interactive(output, errors);
                case Invocation.Serve serve -> serve(errors);
                case Invocation.Script script -> once(output, errors, session -> session.execute(script.text()));
                case Invocation.SingleCommand single -> once(output, errors, session -> runSingle(session, single));
            };
        } catch (RuntimeException unexpected) {
            errors.println("error: " + oneLine(unexpected));
            return COMMAND_FAILED;
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            errors.println("error: interrupted");
            return COMMAND_FAILED;
        } finally {
            output.flush();
            errors.flush();
        }
    }

    /**
     * Starts Gogo's JLine console (its bundle runs it on a thread of its own, on the process's terminal) and waits
     * until it ends: 0 when the framework stops (end of input, {@code exit}, a signal), or 1 when the input was not a
     * terminal (commands piped in) and a command failed; {@link #RELISTEN} when this revision of shm.shell goes away
     * while the console goes on.
     */
    private int interactive(PrintStream output, PrintStream errors) throws InterruptedException {
        Instant deadline = Instant.now().plus(patience);
        stages.startPlatform(deadline);
        if (!awaitCommands(errors, deadline)) {
            return COMMANDS_UNAVAILABLE;
        }
        stages.startConsole();
        if (!await(errors, GOSH_FILTER, deadline, GOSH_SHELL)) {
            return COMMANDS_UNAVAILABLE;
        }
        try (Listening listened = listening.get()) {
            return switch (stages.awaitConsoleEnd()) {
                case WITHDRAWN -> RELISTEN;
                case FRAMEWORK_STOPPING -> stages.consoleFailures() > 0 && !inputIsTerminal() ? COMMAND_FAILED
                        : SUCCESS;
            };
        }
    }

    /**
     * Starts the platform without a console and runs the commands other command lines hand over, until the framework
     * stops ({@link #SUCCESS}) or this revision of shm.shell goes away ({@link #RELISTEN}).
     */
    private int serve(PrintStream errors) throws InterruptedException {
        Instant deadline = Instant.now().plus(patience);
        stages.startPlatform(deadline);
        if (!awaitCommands(errors, deadline)) {
            return COMMANDS_UNAVAILABLE;
        }
        try (Listening listened = listening.get()) {
            return switch (stages.awaitConsoleEnd()) {
                case WITHDRAWN -> RELISTEN;
                case FRAMEWORK_STOPPING -> SUCCESS;
            };
        }
    }

    private static boolean inputIsTerminal() {
        java.io.Console console = System.console();
        return console != null && console.isTerminal();
    }

    private int once(PrintStream output, PrintStream errors, SessionWork work) throws InterruptedException {
        Instant deadline = Instant.now().plus(patience);
        stages.startPlatform(deadline);
        if (!awaitCommands(errors, deadline)) {
            return COMMANDS_UNAVAILABLE;
        }
        try (CommandSession session = processor.createSession(streams.in(), streams.out(), streams.err())) {
            if (!awaitKnown(session, errors, SHM_LIST, SHM_COMMANDS, deadline)) {
                return COMMANDS_UNAVAILABLE;
            }
            session.put("SCOPE", "shm:*");
            if (attached) {
                session.put(ATTACHED_VARIABLE, Boolean.TRUE);
            }
            Object result = work.run(session);
            if (result != null) {
                output.println(session.format(result, Converter.INSPECT));
            }
            return SUCCESS;
        } catch (InterruptedException interrupted) {
            // Closing the session (above) interrupted the command's Gogo job, which runs on a thread of its own.
            Thread.currentThread().interrupt();
            errors.println("error: interrupted");
            return COMMAND_FAILED;
        } catch (Exception failure) {
            errors.println("error: " + oneLine(failure));
            return failure instanceof UsageException ? BAD_ARGUMENTS : COMMAND_FAILED;
        }
    }

    private boolean awaitCommands(PrintStream errors, Instant deadline) {
        return await(errors, SHM_COMMANDS_FILTER, deadline, SHM_COMMANDS);
    }

    /**
     * Waits until the session can call {@code command}. Gogo adds a command when it hears of the command's service,
     * on the thread that registers the service and possibly after this thread has heard of it too, so a command
     * whose service is registered may still be unknown for a moment; this polls for that moment, up to the
     * deadline.
     */
    private boolean awaitKnown(CommandSession session, PrintStream errors, String command, String what,
            Instant deadline) {
        try {
            while (session.get(command) == null) {
                if (!Instant.now().isBefore(deadline)) {
                    errors.println("error: " + what + " did not become available within " + patience.toSeconds()
                            + " s");
                    return false;
                }
                Thread.sleep(KNOWN_POLL.toMillis());
            }
            return true;
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            errors.println("error: interrupted while waiting for " + what);
            return false;
        }
    }

    private boolean await(PrintStream errors, String filter, Instant deadline, String what) {
        try {
            if (serviceWait.await(filter, deadline)) {
                return true;
            }
            errors.println("error: " + what + " did not become available within " + patience.toSeconds() + " s");
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            errors.println("error: interrupted while waiting for " + what);
        }
        return false;
    }

    /** The session variable through which a single command runs inside a Gogo job (see {@link #runSingle}). */
    static final String SINGLE_COMMAND_VARIABLE = "_shm_command_line";

    /**
     * Runs one command with its arguments exactly as given. The command is called through a function stored in a
     * session variable, so that it runs as a Gogo job: with the session's streams as its {@code System.out} and
     * {@code System.err}, like a command typed at the console, yet without parsing (or quoting) its arguments.
     */
    private static Object runSingle(CommandSession session, Invocation.SingleCommand single) throws Exception {
        String name = single.command();
        // Gogo looks a name up in the session's SCOPE only when it is written "*:name". The commands of one bundle
        // register one after the other: give a command a moment to appear after shm:list did.
        String key = name.contains(":") ? name : "*:" + name;
        long deadline = System.nanoTime() + COMMAND_APPEARS.toNanos();
        while (!(session.get(key) instanceof Function) && System.nanoTime() < deadline) {
            Thread.sleep(KNOWN_POLL.toMillis());
        }
        if (!(session.get(key) instanceof Function command)) {
            throw new UsageException("no command named " + OperatorText.quoted(name), "help lists the commands");
        }
        List<Object> arguments = List.copyOf(single.arguments());
        session.put(SINGLE_COMMAND_VARIABLE,
                (Function) (jobSession, unused) -> command.execute(jobSession, new ArrayList<>(arguments)));
        return session.execute(SINGLE_COMMAND_VARIABLE);
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
