package shm.provider.mmap;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import shm.testkit.LineProcess;

/** A real child JVM running {@link ChildMain} over a root; every answer is awaited with a deadline. */
final class ChildJvm implements AutoCloseable {

    static final Duration ANSWER_TIMEOUT = LineProcess.DEADLINE;

    private final LineProcess process;

    private ChildJvm(LineProcess process) {
        this.process = process;
        String first = process.nextLine();
        if (!first.equals("PID " + process.pid())) {
            throw new IllegalStateException("child " + process.pid() + " did not start: " + first);
        }
    }

    /** Starts a child over {@code root}; {@code shellPrefix} (such as {@code "umask 000;"}) runs before it. */
    static ChildJvm start(Path root, String shellPrefix) {
        return new ChildJvm(LineProcess.startJvm(ChildMain.class, shellPrefix,
                List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"), root.toString()));
    }

    static ChildJvm start(Path root) {
        return start(root, "");
    }

    long pid() {
        return process.pid();
    }

    /** Sends one command and returns its answer line. */
    String send(String command) {
        return process.send(command);
    }

    /** Sends a command whose answer must start with {@code OK}; returns the rest. */
    String ok(String command) {
        String answer = send(command);
        if (!answer.startsWith("OK")) {
            throw new AssertionError("child " + pid() + " answered '" + answer + "' to '" + command + "'");
        }
        return answer.substring(2).strip();
    }

    /** The next output line, within the deadline. */
    String nextLine() {
        return process.nextLine();
    }

    /** SIGKILL, then waits for the process to be gone. */
    void kill() {
        process.kill();
    }

    /** Asks the child to close everything and exit; waits for it. */
    void exit() {
        send("exit");
        process.waitFor();
    }

    @Override
    public void close() {
        process.close();
    }
}
