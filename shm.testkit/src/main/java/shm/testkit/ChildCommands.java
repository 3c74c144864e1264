package shm.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The child side of {@link LineProcess}'s protocol, for the {@code main} of a child process a test starts: announce
 * {@code READY <pid>}, read one command per line from standard input until a line {@code exit} or the end of input,
 * answer each on standard output, and say {@code EXITED} at the end.
 *
 * <pre>{@code
 * for (String line : ChildCommands.afterReady()) {
 *     String[] c = line.split(" ");
 *     switch (c[0]) { ... default -> System.out.println("UNKNOWN " + c[0]); }
 * }
 * ChildCommands.exited();
 * }</pre>
 */
public final class ChildCommands {

    private ChildCommands() {
    }

    /**
     * Prints {@code READY <pid>} (what {@link LineProcess#awaitReady()} waits for) and returns the command lines
     * that follow on standard input, up to but not including a line {@code exit}, or up to the end of input.
     * Iterate it once.
     */
    public static Iterable<String> afterReady() {
        System.out.println("READY " + ProcessHandle.current().pid());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        return () -> new Iterator<>() {
            // read only when asked: a command is answered before the next one is waited for
            private String next;
            private boolean ended;

            @Override
            public boolean hasNext() {
                if (next == null && !ended) {
                    next = read();
                    ended = next == null;
                }
                return next != null;
            }

            @Override
            public String next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("no command left");
                }
                String line = next;
                next = null;
                return line;
            }

            private String read() {
                try {
                    String line = in.readLine();
                    return line == null || line.equals("exit") ? null : line;
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read the next command", e);
                }
            }
        };
    }

    /** Prints {@code EXITED}, the answer {@link LineProcess#exit()} expects. */
    public static void exited() {
        System.out.println("EXITED");
    }
}
