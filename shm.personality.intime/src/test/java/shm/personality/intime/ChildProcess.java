package shm.personality.intime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A child JVM running {@link IntimeChildMain}; every answer is awaited with a deadline. */
final class ChildProcess implements AutoCloseable {

    final Process process;
    private final Writer in;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    ChildProcess(Path root, long iwin32SegSize) throws Exception {
        process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                IntimeChildMain.class.getName(), root.toString(), Long.toString(iwin32SegSize))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the child ended
            }
        });
        reader.setDaemon(true);
        reader.start();
        assertEquals("READY " + process.pid(), next());
    }

    /** Sends one command and returns the answer. */
    String send(String command) throws Exception {
        post(command);
        return next();
    }

    /** Sends one command without awaiting its answer (read it later with {@link #next()}). */
    void post(String command) throws IOException {
        in.write(command + "\n");
        in.flush();
    }

    /** The answer's {@code index}-th word (0 is the answer's kind). */
    String word(String answer, int index) {
        return answer.split(" ")[index];
    }

    /** Ends the child normally. */
    void exit() throws Exception {
        assertEquals("EXITED", send("exit"));
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
    }

    /** Kills the child (SIGKILL) and waits for it to be gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
    }

    /** The next answer line, awaited for at most 30 s. */
    String next() throws InterruptedException {
        String line = lines.poll(30, TimeUnit.SECONDS);
        if (line == null) {
            throw new AssertionError("child " + process.pid() + " gave no answer in 30 s");
        }
        return line;
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
