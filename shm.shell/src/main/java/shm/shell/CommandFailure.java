package shm.shell;

import java.io.Serial;

/**
 * A command failed for a reason the operator can act on. Its message is the one line to show; {@link #toString()}
 * is that line after {@code "error: "}, which is how Gogo's console prints a failure, so that the console and the
 * command line word every failure the same way ({@code error: <message>}) and never show a stack trace.
 */
public final class CommandFailure extends RuntimeException {

    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * A failure saying {@code message}, caused by {@code cause}.
     *
     * @param message the one line to show
     * @param cause   what failed, kept for the log; may be {@code null}
     */
    public CommandFailure(String message, Throwable cause) {
        super(message, cause, false, false);
    }

    /** The failure as the console shows it: {@code error: <message>}. */
    @Override
    public String toString() {
        return "error: " + getMessage();
    }

    /**
     * The one-line failure for anything a command threw: a {@link UsageException} or a {@code CommandFailure} as it
     * is, anything else wrapped with its message on one line (its type's simple name when it has none).
     */
    static RuntimeException of(RuntimeException failure) {
        if (failure instanceof UsageException || failure instanceof CommandFailure) {
            return failure;
        }
        return new CommandFailure(CommandLineRun.oneLine(failure), failure);
    }
}
