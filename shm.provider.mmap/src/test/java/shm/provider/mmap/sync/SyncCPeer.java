package shm.provider.mmap.sync;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One run of the C participant {@code sync_peer.c} (beside this class), which implements the protocols of
 * {@code docs/sync-objects.md} on its own; {@link #build} compiles it with gcc.
 */
final class SyncCPeer implements AutoCloseable {

    /** The C source, relative to the module directory (the tests' working directory). */
    static final Path SOURCE = Path.of("src/test/java/shm/provider/mmap/sync/sync_peer.c");
    /** Where {@link #build} puts the program. */
    static final Path PROGRAM = Path.of("target/sync-peer/sync_peer");

    private final Process process;
    private final Writer input;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private SyncCPeer(Process process) {
        this.process = process;
        this.input = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the peer is gone; a waiting caller fails at its deadline
            }
        }, "sync-c-peer-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Compiles the peer with the flags its header gives.
     *
     * @return why it cannot be built here (no gcc), or {@code null} when built
     */
    static String build() throws IOException, InterruptedException {
        if (!onPath("gcc")) {
            return "gcc is not installed (not found on the PATH), so the C participant " + SOURCE
                    + " cannot be built; install gcc to run these tests";
        }
        Files.createDirectories(PROGRAM.getParent());
        Process gcc = new ProcessBuilder("gcc", "-std=c11", "-Wall", "-Wextra", "-Werror", "-O2", "-o",
                PROGRAM.toString(), SOURCE.toString()).redirectErrorStream(true).start();
        String output = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!gcc.waitFor(120, TimeUnit.SECONDS) || gcc.exitValue() != 0) {
            throw new AssertionError("gcc failed on " + SOURCE + ":\n" + output);
        }
        return null;
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    /** Starts {@code sync_peer <file> <action...>}. */
    static SyncCPeer start(Path file, String... action) {
        List<String> command = new ArrayList<>(List.of(PROGRAM.toAbsolutePath().toString(), file.toString()));
        command.addAll(List.of(action));
        try {
            return new SyncCPeer(new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The next line the peer printed, within {@link Eventually#DEADLINE}. */
    String nextLine() {
        try {
            String line = lines.poll(Eventually.DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            if (line == null) {
                throw new AssertionError("C peer " + process.pid() + " printed nothing within " + Eventually.DEADLINE
                        + "; alive=" + process.isAlive());
            }
            return line;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Writes one line to the peer's standard input. */
    void send(String line) {
        try {
            input.write(line + "\n");
            input.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGKILL, then waits until the process is gone (and reaped). */
    void kill() {
        process.destroyForcibly();
        exitCode();
    }

    /** Waits for the peer to end; returns its exit code. */
    int exitCode() {
        try {
            if (!process.waitFor(Eventually.DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("C peer " + process.pid() + " did not end within " + Eventually.DEADLINE);
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Kills the peer if it still runs. */
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
