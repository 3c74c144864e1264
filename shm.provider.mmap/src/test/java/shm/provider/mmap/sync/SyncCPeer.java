package shm.provider.mmap.sync;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import shm.testkit.LineProcess;

/**
 * One run of the C participant {@code sync_peer.c} (beside this class), which implements the protocols of
 * {@code docs/sync-objects.md} on its own; {@link #build} compiles it with gcc.
 */
final class SyncCPeer implements AutoCloseable {

    /** The C source, relative to the module directory (the tests' working directory). */
    static final Path SOURCE = Path.of("src/test/java/shm/provider/mmap/sync/sync_peer.c");
    /** Where {@link #build} puts the program. */
    static final Path PROGRAM = Path.of("target/sync-peer/sync_peer");

    private final LineProcess process;

    private SyncCPeer(LineProcess process) {
        this.process = process;
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
        Process gcc = new ProcessBuilder("gcc", "-std=c11", "-Wall", "-Wextra", "-Werror", "-O2", "-pthread", "-o",
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
        return new SyncCPeer(LineProcess.start("C peer", command, Map.of()));
    }

    /** The next line the peer printed, within the deadline. */
    String nextLine() {
        return process.nextLine();
    }

    /** Writes one line to the peer's standard input. */
    void send(String line) {
        process.post(line);
    }

    /** SIGKILL, then waits until the process is gone (and reaped). */
    void kill() {
        process.kill();
    }

    /** Waits for the peer to end; returns its exit code. */
    int exitCode() {
        return process.waitFor();
    }

    /** The peer's pid. */
    long pid() {
        return process.pid();
    }

    /** Whether the peer still runs. */
    boolean isAlive() {
        return process.isAlive();
    }

    /** Kills the peer if it still runs. */
    @Override
    public void close() {
        process.close();
    }
}
