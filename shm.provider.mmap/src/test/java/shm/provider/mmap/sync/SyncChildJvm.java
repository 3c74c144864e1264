package shm.provider.mmap.sync;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A real child JVM running {@link SyncChild} over a shared file; every answer is awaited with a deadline. */
final class SyncChildJvm implements AutoCloseable {

    private final Process process;
    private final Writer commands;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> transcript = new ArrayList<>();

    private SyncChildJvm(Process process) {
        this.process = process;
        this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the child is gone; a waiting caller fails at its deadline with the transcript
            }
        }, "sync-child-output-" + process.pid());
        reader.setDaemon(true);
        reader.start();
        String first = nextLine();
        if (!first.equals("READY " + process.pid())) {
            throw new IllegalStateException("child " + process.pid() + " did not start: " + first);
        }
    }

    /** Starts a child that maps {@code file}; returns once it has attached. */
    static SyncChildJvm start(Path file) {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k",
                "-cp", System.getProperty("java.class.path"), SyncChild.class.getName(), file.toString());
        try {
            return new SyncChildJvm(new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The child's pid. */
    long pid() {
        return process.pid();
    }

    /** Sends a command without waiting for its answer (read it later with {@link #nextLine()}). */
    void post(String command) {
        try {
            commands.write(command + "\n");
            commands.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("child " + pid() + " takes no commands; transcript " + transcript, e);
        }
    }

    /** Sends a command and returns its answer. */
    String send(String command) {
        post(command);
        return nextLine();
    }

    /** The next answer line, within {@link Eventually#DEADLINE}. */
    String nextLine() {
        try {
            String line = lines.poll(Eventually.DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            if (line == null) {
                throw new AssertionError("child " + pid() + " gave no answer within " + Eventually.DEADLINE
                        + "; alive=" + process.isAlive() + ", transcript " + transcript);
            }
            transcript.add(line);
            return line;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** SIGKILL, then waits until the process is gone (and reaped). */
    void kill() {
        process.destroyForcibly();
        waitFor();
    }

    /** Asks the child to end; waits for it. */
    void exit() {
        post("exit");
        waitFor();
    }

    private void waitFor() {
        try {
            if (!process.waitFor(Eventually.DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("child " + pid() + " did not end within " + Eventually.DEADLINE);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Kills the child if it still runs. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(Eventually.DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
