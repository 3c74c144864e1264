package shm.shell;

import java.io.Serial;

/**
 * A command was called with arguments it cannot use. The message is one line: what is wrong, then the command's
 * usage, so that the operator can correct the call without looking anything up.
 */
public final class UsageException extends IllegalArgumentException {

    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * An exception whose message is {@code "<problem>; usage: <usage>"}.
     *
     * @param problem what is wrong with the arguments, for example {@code "'4q' is not a byte count"}
     * @param usage   the command's usage line, for example {@code "shm:create <name> <size>"}
     */
    public UsageException(String problem, String usage) {
        super(problem + "; usage: " + usage);
    }

    /** The failure as the console shows it: {@code error: <problem>; usage: <usage>}. */
    @Override
    public String toString() {
        return "error: " + getMessage();
    }
}
