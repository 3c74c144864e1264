package shm.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real child process that the multi-process tests talk to in lines: commands on its standard input, answers read
 * from its standard output by a thread of their own, every wait bounded by a deadline. Standard error goes to the
 * test's. Every multi-process test of the platform (child JVMs, C peers, sync peers) runs its children through this
 * class.
 */
public final class LineProcess implements AutoCloseable {

    /** How long any single answer or exit is awaited. */
    public static final Duration DEADLINE = Duration.ofSeconds(30);

    private static final String END = "\0end of output";

    private final Process process;
    private final Writer input;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> transcript = new ArrayList<>();
    private final String label;

    private LineProcess(Process process, String label) {
        this.process = process;
        this.label = label + " " + process.pid();
        this.input = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the process is gone; what it printed is in the queue
            } finally {
                lines.add(END);
            }
        }, "output-of-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code command} with extra environment variables. */
    public static LineProcess start(String label, List<String> command, Map<String, String> environment) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().putAll(environment);
        try {
            return new LineProcess(builder.start(), label);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    /**
     * Starts a JVM of this test's Java and class path (with native access) running {@code mainClass} with
     * {@code arguments}; {@code shellPrefix}, when not empty, runs in a shell before it (such as {@code umask 000;}).
     */
    public static LineProcess startJvm(Class<?> mainClass, String shellPrefix, List<String> jvmOptions,
                                       String... arguments) {
        List<String> java = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "--enable-native-access=ALL-UNNAMED"));
        java.addAll(jvmOptions);
        java.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()));
        java.addAll(List.of(arguments));
        List<String> command = java;
        if (!shellPrefix.isEmpty()) {
            command = new ArrayList<>(List.of("sh", "-c", shellPrefix + " exec \"$@\"", "sh"));
            command.addAll(java);
        }
        return start(mainClass.getSimpleName(), command, Map.of());
    }

    /** The process itself, for tests that signal or wait for it directly. */
    public Process process() {
        return process;
    }

    /** The process id. */
    public long pid() {
        return process.pid();
    }

    /** Whether the process still runs. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** Writes one line to the process's standard input. */
    public void post(String line) {
        try {
            input.write(line + "\n");
            input.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(label + " takes no input; transcript " + transcript, e);
        }
    }

    /** Writes a line and returns the next line of output. */
    public String send(String line) {
        post(line);
        return nextLine();
    }

    /** The next line of output within {@link #DEADLINE}; fails when none comes or the output ended. */
    public String nextLine() {
        return nextLineOrEnd().orElseThrow(() -> new AssertionError(label + " ended its output; transcript "
                + transcript));
    }

    /** The next line of output within {@link #DEADLINE}, or empty when the output ended. */
    public Optional<String> nextLineOrEnd() {
        try {
            String line = lines.poll(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            if (line == null) {
                throw new AssertionError(label + " printed nothing within " + DEADLINE + "; alive=" + isAlive()
                        + ", transcript " + transcript);
            }
            if (line.equals(END)) {
                lines.add(END);
                return Optional.empty();
            }
            transcript.add(line);
            return Optional.of(line);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** The lines printed and not taken yet, up to the end of output (after {@link #waitFor()}). */
    public List<String> remainingLines() {
        List<String> rest = new ArrayList<>();
        for (Optional<String> line = nextLineOrEnd(); line.isPresent(); line = nextLineOrEnd()) {
            rest.add(line.get());
        }
        return rest;
    }

    /**
     * The start handshake of the platform's line children: their first line is {@code READY <pid>}.
     *
     * @return this process
     * @throws AssertionError when the first line is another one, or none comes within {@link #DEADLINE}
     */
    public LineProcess awaitReady() {
        String line = nextLine();
        if (!line.equals("READY " + pid())) {
            throw new AssertionError(label + " said '" + line + "' instead of 'READY " + pid() + "'");
        }
        return this;
    }

    /**
     * The end handshake of the platform's line children: sends {@code exit}, expects {@code EXITED} and waits for
     * the process to end within {@link #DEADLINE}.
     */
    public void exit() {
        String answer = send("exit");
        if (!answer.equals("EXITED")) {
            throw new AssertionError(label + " answered 'exit' with '" + answer + "'");
        }
        waitFor();
    }

    /** Waits for the process to end within {@link #DEADLINE}; returns its exit code. */
    public int waitFor() {
        try {
            if (!process.waitFor(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(label + " did not end within " + DEADLINE);
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** SIGKILL, then waits until the process is gone (and reaped by this JVM). */
    public void kill() {
        process.destroyForcibly();
        waitFor();
    }

    /** Kills the process if it still runs. */
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
