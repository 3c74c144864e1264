package shm.provider.mmap;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One run of the C example {@code examples/c/shm_peer.c}: its stdout is read line by line on a thread of its own, so
 * that the test waits for each expected line with a deadline instead of sleeping; its stderr is collected. Closing
 * kills the process if it still runs.
 */
final class CPeerProcess implements AutoCloseable {

    /** How long a test waits for one line or for the exit; the table lock alone may take up to 10 s. */
    static final Duration DEADLINE = Duration.ofSeconds(30);

    private static final String END = new String("<end of stdout>");

    private final List<String> command;
    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> seen = Collections.synchronizedList(new ArrayList<>());
    private final StringBuffer errors = new StringBuffer();
    private final Thread stdoutReader;
    private final Thread stderrReader;

    private CPeerProcess(List<String> command, Map<String, String> environment) throws IOException {
        this.command = List.copyOf(command);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(environment);
        this.process = builder.start();
        stdoutReader = Thread.ofPlatform().daemon().name("c-peer-stdout-" + process.pid()).start(() -> {
            try (BufferedReader in = reader(process.getInputStream())) {
                for (String line; (line = in.readLine()) != null; ) {
                    seen.add(line);
                    lines.add(line);
                }
            } catch (IOException e) {
                seen.add("<stdout failed: " + e + ">");
            } finally {
                lines.add(END);
            }
        });
        stderrReader = Thread.ofPlatform().daemon().name("c-peer-stderr-" + process.pid()).start(() -> {
            try (BufferedReader in = reader(process.getErrorStream())) {
                for (String line; (line = in.readLine()) != null; ) {
                    errors.append(line).append('\n');
                }
            } catch (IOException e) {
                errors.append("<stderr failed: ").append(e).append(">\n");
            }
        });
    }

    /** Starts {@code binary root name steps...}. */
    static CPeerProcess start(Path binary, Path root, String name, String... steps) {
        return start(binary, Map.of(), root, name, steps);
    }

    /** Starts {@code binary root name steps...} with these variables added to the environment. */
    static CPeerProcess start(Path binary, Map<String, String> environment, Path root, String name, String... steps) {
        List<String> command = new ArrayList<>(List.of(binary.toString(), root.toString(), name));
        command.addAll(List.of(steps));
        try {
            return new CPeerProcess(command, environment);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    private static BufferedReader reader(InputStream stream) {
        return new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8));
    }

    long pid() {
        return process.pid();
    }

    /**
     * Waits for the next line on stdout, which must start with {@code word} followed by a space or the line's end.
     *
     * @return the line
     */
    String expect(String word) {
        String line = nextLine();
        if (line == END) {
            fail("the C peer ended its output while '" + word + "' was expected" + describe());
        }
        if (!line.equals(word) && !line.startsWith(word + " ")) {
            fail("the C peer printed '" + line + "' while '" + word + "' was expected" + describe());
        }
        return line;
    }

    /** The value of {@code key=value} in a line; the value ends at the next space (except for {@code text=}). */
    static String field(String line, String key) {
        return fieldIfPresent(line, key)
                .orElseThrow(() -> new AssertionError("no field " + key + "= in '" + line + "'"));
    }

    static Optional<String> fieldIfPresent(String line, String key) {
        int at = (" " + line).indexOf(" " + key + "=");
        if (at < 0) {
            return Optional.empty();
        }
        int start = at + key.length() + 1;
        int end = key.equals("text") ? line.length() : line.indexOf(' ', start);
        return Optional.of(line.substring(start, end < 0 ? line.length() : end));
    }

    /** The {@code holders=PID:COUNT,...} field of an INFO line, as pid to handle count. */
    static Map<Long, Integer> holders(String infoLine) {
        Map<Long, Integer> holders = new HashMap<>();
        String value = field(infoLine, "holders");
        if (!value.isEmpty()) {
            for (String holder : value.split(",")) {
                String[] parts = holder.split(":");
                holders.put(Long.parseLong(parts[0]), Integer.parseInt(parts[1]));
            }
        }
        return holders;
    }

    /** Sends one line to the peer's stdin (ends a {@code hold} step). */
    void send(String line) {
        try {
            OutputStream in = process.getOutputStream();
            in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to the C peer" + describe(), e);
        }
    }

    /** Waits for the exit, then for the rest of the output; returns the exit status. */
    int awaitExit() {
        try {
            if (!process.waitFor(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
                fail("the C peer did not exit within " + DEADLINE + describe());
            }
            stdoutReader.join(DEADLINE.toMillis());
            stderrReader.join(DEADLINE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        return process.exitValue();
    }

    /** The lines not yet taken by {@link #expect}; call after {@link #awaitExit}. */
    List<String> remainingLines() {
        List<String> rest = new ArrayList<>();
        lines.drainTo(rest);
        rest.remove(END);
        return rest;
    }

    /** Everything the peer wrote to stderr so far. */
    String stderr() {
        return errors.toString();
    }

    /** Kills the peer with SIGKILL and waits until it is gone (so that its pid no longer exists). */
    void kill() {
        process.destroyForcibly();
        awaitExit();
    }

    /** Every line the peer printed so far, also those taken by {@link #expect}. */
    List<String> output() {
        return List.copyOf(seen);
    }

    /** The command, every line seen so far and stderr, for failure messages. */
    String describe() {
        return "\n  command: " + command + "\n  stdout: " + List.copyOf(seen) + "\n  stderr: " + stderr();
    }

    private String nextLine() {
        try {
            String line = lines.poll(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            if (line == null) {
                fail("the C peer printed nothing for " + DEADLINE + describe());
            }
            if (line == END) {
                lines.add(END);
            }
            return line;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
