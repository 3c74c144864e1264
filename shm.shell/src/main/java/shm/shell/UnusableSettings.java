package shm.shell;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * What the launcher's main thread runs instead of the command line when the entry point's framework properties
 * cannot be used: it prints the problem as one line, {@code error: <problem>}, and answers exit code
 * {@value CommandLineRun#BAD_ARGUMENTS}, so that the process ends at once instead of waiting for a main thread that
 * never comes.
 */
final class UnusableSettings implements Callable<Integer> {

    private final String problem;
    private final ProcessStreams streams;

    /**
     * A main thread that reports {@code problem}.
     *
     * @param problem what is wrong, in one line
     * @param streams where to print it (standard error)
     */
    UnusableSettings(String problem, ProcessStreams streams) {
        this.problem = Objects.requireNonNull(problem, "problem");
        this.streams = Objects.requireNonNull(streams, "streams");
    }

    /** Prints the problem and answers {@value CommandLineRun#BAD_ARGUMENTS}. */
    @Override
    public Integer call() {
        PrintStream errors = new PrintStream(streams.err(), true, StandardCharsets.UTF_8);
        errors.println("error: " + problem);
        errors.flush();
        return CommandLineRun.BAD_ARGUMENTS;
    }
}
