package shm.shell;

import java.util.Arrays;
import java.util.List;

/**
 * What the arguments given to the runtime's {@code main} ask for. Read by {@link #parse(String...)}:
 *
 * <ul>
 * <li>no arguments: an {@link Interactive} Gogo shell;</li>
 * <li>{@code --help} or {@code -h}: {@link Help};</li>
 * <li>{@code --serve}: {@link Serve}, the runtime without a console;</li>
 * <li>{@code -c <script...>}: a {@link Script} of Gogo statements separated by {@code ;} or line breaks (the words
 * after {@code -c} joined by single spaces);</li>
 * <li>{@code <command> [<argument>...]}: a {@link SingleCommand}, its arguments passed on exactly as given
 * (no Gogo parsing, so no quoting is needed);</li>
 * <li>anything else starting with {@code -}: {@link Invalid}.</li>
 * </ul>
 */
sealed interface Invocation {

    /** The usage text of the command line, one line per form. */
    String USAGE = String.join("\n",
            "arguments:",
            "  (none)                      an interactive Gogo shell; end it with Ctrl-D (end of input)",
            "  <command> [<argument>...]   run one command, for example: shm:create demo 4k; while a runtime of",
            "                              the same home runs (its prompt, or --serve), the command runs in it",
            "  -c '<script>'               run Gogo statements separated by ';', for example:",
            "                              -c 'shm:create demo 4k; shm:write demo 0 hello; shm:dump demo'",
            "  --serve                     run without a prompt until stopped (SIGTERM); meanwhile the commands of",
            "                              command lines of the same home run in this runtime",
            "  -h, --help                  show this text",
            "exit code: 0 success, 1 a command failed, 2 bad arguments, 3 the shm commands did not become available");

    /** Reads what {@code arguments} ask for; never fails (bad arguments give {@link Invalid}). */
    static Invocation parse(String... arguments) {
        if (arguments.length == 0) {
            return new Interactive();
        }
        String first = arguments[0];
        List<String> rest = Arrays.asList(arguments).subList(1, arguments.length);
        return switch (first) {
            case "-h", "--help" -> rest.isEmpty() ? new Help() : new Invalid(first + " takes no arguments");
            case "--serve" -> rest.isEmpty() ? new Serve() : new Invalid(first + " takes no arguments");
            case "-c", "--command" -> rest.isEmpty() || String.join(" ", rest).isBlank()
                    ? new Invalid(first + " needs a script, for example: " + first + " 'shm:list'")
                    : new Script(String.join(" ", rest));
            default -> first.startsWith("-") && first.length() > 1
                    ? new Invalid("unknown option " + first)
                    : new SingleCommand(first, List.copyOf(rest));
        };
    }

    /** An interactive Gogo shell on standard input and output. */
    record Interactive() implements Invocation {
    }

    /**
     * The runtime without a console, until it is stopped (SIGTERM, or the framework stopped another way): for a
     * runtime run as a service, to which the command lines of its home hand their commands.
     */
    record Serve() implements Invocation {
    }

    /** Show {@link #USAGE}. */
    record Help() implements Invocation {
    }

    /**
     * Gogo statements to run in one session, in order; the first that fails ends the script.
     *
     * @param text the statements, as Gogo reads them
     */
    record Script(String text) implements Invocation {
    }

    /**
     * One command and its arguments, passed on without Gogo parsing.
     *
     * @param command   the command's name, with or without scope, such as {@code shm:list}
     * @param arguments the arguments, exactly as given
     */
    record SingleCommand(String command, List<String> arguments) implements Invocation {
    }

    /**
     * Arguments that ask for nothing this runtime can do.
     *
     * @param problem what is wrong, in one line
     */
    record Invalid(String problem) implements Invocation {
    }
}
