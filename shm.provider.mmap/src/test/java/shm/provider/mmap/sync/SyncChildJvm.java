package shm.provider.mmap.sync;

import java.nio.file.Path;
import java.util.List;

import shm.testkit.LineProcess;

/** A real child JVM running {@link SyncChild} over a shared file; every answer is awaited with a deadline. */
final class SyncChildJvm implements AutoCloseable {

    private final LineProcess process;

    private SyncChildJvm(LineProcess process) {
        this.process = process;
        String first = process.nextLine();
        if (!first.equals("READY " + process.pid())) {
            throw new IllegalStateException("child " + process.pid() + " did not start: " + first);
        }
    }

    /** Starts a child that maps {@code file}; returns once it has attached. */
    static SyncChildJvm start(Path file) {
        return new SyncChildJvm(LineProcess.startJvm(SyncChild.class, "",
                List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k"), file.toString()));
    }

    /** The child's pid. */
    long pid() {
        return process.pid();
    }

    /** Sends a command without waiting for its answer (read it later with {@link #nextLine()}). */
    void post(String command) {
        process.post(command);
    }

    /** Sends a command and returns its answer. */
    String send(String command) {
        return process.send(command);
    }

    /** The next answer line, within the deadline. */
    String nextLine() {
        return process.nextLine();
    }

    /** SIGKILL, then waits until the process is gone (and reaped). */
    void kill() {
        process.kill();
    }

    /** Asks the child to end; waits for it. */
    void exit() {
        post("exit");
        process.waitFor();
    }

    /** Kills the child if it still runs. */
    @Override
    public void close() {
        process.close();
    }
}
