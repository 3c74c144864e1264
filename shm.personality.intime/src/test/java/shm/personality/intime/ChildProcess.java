package shm.personality.intime;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import shm.testkit.LineProcess;

/** A child JVM running {@link IntimeChildMain}; every answer is awaited with a deadline. */
final class ChildProcess implements AutoCloseable {

    /** The child process, for tests that signal or wait for it directly. */
    final Process process;
    private final LineProcess child;

    ChildProcess(Path root, long iwin32SegSize) {
        child = LineProcess.startJvm(IntimeChildMain.class, "", List.of(), root.toString(),
                Long.toString(iwin32SegSize));
        process = child.process();
        child.awaitReady();
    }

    /** Sends one command and returns the answer. */
    String send(String command) {
        return child.send(command);
    }

    /** Sends one command without awaiting its answer (read it later with {@link #next()}). */
    void post(String command) {
        child.post(command);
    }

    /** The answer's {@code index}-th word (0 is the answer's kind). */
    String word(String answer, int index) {
        return answer.split(" ")[index];
    }

    /** Ends the child normally. */
    void exit() throws Exception {
        child.exit();
    }

    /** Kills the child (SIGKILL) and waits for it to be gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
    }

    /** The next answer line, awaited for at most 30 s. */
    String next() {
        return child.nextLine();
    }

    @Override
    public void close() {
        child.close();
    }
}
