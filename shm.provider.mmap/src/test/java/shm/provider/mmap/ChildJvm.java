package shm.provider.mmap;

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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A real child JVM running {@link ChildMain} over a root; every answer is awaited with a deadline. */
final class ChildJvm implements AutoCloseable {

    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final Writer commands;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> transcript = new ArrayList<>();
    private final long pid;

    private ChildJvm(Process process) {
        this.process = process;
        this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the child is gone; waiting callers time out with the transcript
            }
        }, "child-output-" + process.pid());
        reader.setDaemon(true);
        reader.start();
        this.pid = process.pid();
        String first = nextLine();
        if (!first.equals("PID " + pid)) {
            throw new IllegalStateException("child " + pid + " did not start: " + first);
        }
    }

    /** Starts a child over {@code root}; {@code shellPrefix} (such as {@code "umask 000;"}) runs before it. */
    static ChildJvm start(Path root, String shellPrefix) {
        List<String> java = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), ChildMain.class.getName(), root.toString());
        ProcessBuilder builder = new ProcessBuilder(shellPrefix.isEmpty() ? java : inShell(shellPrefix, java))
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        try {
            return new ChildJvm(builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> inShell(String prefix, List<String> java) {
        List<String> command = new ArrayList<>(List.of("sh", "-c", prefix + " exec \"$@\"", "sh"));
        command.addAll(java);
        return command;
    }

    static ChildJvm start(Path root) {
        return start(root, "");
    }

    long pid() {
        return pid;
    }

    /** Sends one command and returns its answer line. */
    String send(String command) {
        try {
            commands.write(command + "\n");
            commands.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("child " + pid + " does not take commands; transcript " + transcript, e);
        }
        return nextLine();
    }

    /** Sends a command whose answer must start with {@code OK}; returns the rest. */
    String ok(String command) {
        String answer = send(command);
        if (!answer.startsWith("OK")) {
            throw new AssertionError("child " + pid + " answered '" + answer + "' to '" + command + "'");
        }
        return answer.substring(2).strip();
    }

    /** The next output line, within the deadline. */
    String nextLine() {
        try {
            String line = lines.poll(ANSWER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (line == null) {
                throw new AssertionError("child " + pid + " gave no answer within " + ANSWER_TIMEOUT + "; alive="
                        + process.isAlive() + ", transcript " + transcript);
            }
            transcript.add(line);
            return line;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** SIGKILL, then waits for the process to be gone. */
    void kill() {
        process.destroyForcibly();
        waitFor();
    }

    /** Asks the child to close everything and exit; waits for it. */
    void exit() {
        send("exit");
        waitFor();
    }

    int waitFor() {
        try {
            if (!process.waitFor(ANSWER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("child " + pid + " did not end within " + ANSWER_TIMEOUT);
            }
            return process.exitValue();
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
                process.waitFor(ANSWER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
