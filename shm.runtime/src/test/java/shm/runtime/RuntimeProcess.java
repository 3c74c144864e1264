package shm.runtime;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import shm.testkit.Await;

/**
 * The exported runtime jar running as a separate process: {@code <java> -Dshm.provider.mmap.root=<root> -jar <jar>
 * [arguments]} with the JDK that runs the tests (the toolchain's JDK 25). Its standard output and error are
 * collected; its standard input stays open for the test to write to until {@link #closeInput()}.
 */
final class RuntimeProcess implements AutoCloseable {

    /** What a finished process left behind. */
    record Finished(int exitCode, String output, String errors) {

        /**
         * The error output without the JVM's warning about Felix's use of {@code sun.misc.Unsafe} (four lines that
         * JDK 25 prints for any Felix 7.0.5 framework; harmless, see toolchain.md).
         */
        String errorsWithoutJvmWarnings() {
            return errors.lines()
                    .filter(line -> !(line.startsWith("WARNING: ")
                            && (line.contains("sun.misc.Unsafe") || line.contains("SecureAction"))))
                    // input piped in is no terminal: JLine says it runs a dumb one, which is right there
                    .filter(line -> !line.contains("creating a dumb terminal"))
                    .collect(Collectors.joining("\n"));
        }
    }

    private final Process process;
    private final StreamCollector output;
    private final StreamCollector errors;
    private final long startNanos;

    private RuntimeProcess(Process process, long startNanos) {
        this.process = process;
        this.startNanos = startNanos;
        this.output = new StreamCollector(process.getInputStream(), "runtime-stdout-" + process.pid());
        this.errors = new StreamCollector(process.getErrorStream(), "runtime-stderr-" + process.pid());
    }

    /** Starts the runtime jar with the given arguments. */
    static RuntimeProcess start(Path root, String... arguments) throws IOException {
        return start(List.of(), root, arguments);
    }

    /** Starts the runtime jar with extra JVM options and the given arguments. */
    static RuntimeProcess start(List<String> jvmOptions, Path root, String... arguments) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(java().toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-Dshm.provider.mmap.root=" + root, "-jar", jar().toString()));
        command.addAll(List.of(arguments));
        long startNanos = System.nanoTime();
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("SHM_HOME", home(root).toString());
        return new RuntimeProcess(builder.start(), startNanos);
    }

    /**
     * Starts the runtime jar as an operator types a command line: {@code java -jar <jar> [arguments]} with the home's
     * {@code SHM_HOME} and no JVM option, so that it hands its command to a runtime running in that home, if any.
     */
    static RuntimeProcess startCommandLine(Path home, String... arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of(java().toString(), "-jar", jar().toString()));
        command.addAll(List.of(arguments));
        long startNanos = System.nanoTime();
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("SHM_HOME", home.toString());
        return new RuntimeProcess(builder.start(), startNanos);
    }

    /**
     * Runs a command line as an operator types it beside the runtime of {@code home} ({@link #startCommandLine}), with
     * no input, until it exits.
     */
    static Finished runCommandLine(Path home, Duration patience, String... arguments)
            throws IOException, InterruptedException {
        try (RuntimeProcess command = startCommandLine(home, arguments)) {
            command.closeInput();
            return command.awaitExit(patience);
        }
    }

    /** Waits until the runtime log of {@code home} ({@code log/shm.log.0}) contains {@code text}. */
    static void awaitLogged(Path home, String text, Duration patience) {
        Path log = home.resolve("log/shm.log.0");
        Await.until(() -> "no '" + text + "' in " + log, patience, () -> {
            try {
                return Files.exists(log) && Files.readString(log).contains(text);
            } catch (IOException unreadable) {
                return false;
            }
        });
    }

    /** Waits until this runtime, started over a home, listens there for the command lines of that home. */
    void awaitListening(Path home, Duration patience) {
        Path socket = home.resolve("run/shell.sock");
        Await.until(() -> "the runtime to listen at " + socket + "; its errors so far: " + errorsSoFar(), patience,
                () -> Files.exists(socket, LinkOption.NOFOLLOW_LINKS));
    }

    /** Runs the runtime jar with the given arguments and no input, until it exits by itself (or the deadline). */
    static Finished run(Path root, String... arguments) throws IOException, InterruptedException {
        try (RuntimeProcess runtime = start(root, arguments)) {
            runtime.closeInput();
            return runtime.awaitExit(Duration.ofSeconds(60));
        }
    }

    /** The object files (named, handle and unnamed) of an mmap root; none when the root does not exist. */
    static List<Path> objectFiles(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (java.util.stream.Stream<Path> files = Files.list(root)) {
            return files.filter(file -> file.getFileName().toString().matches("[nhu]\\..+")).sorted().toList();
        }
    }

    /** The platform home a runtime over {@code root} uses: {@code home} beside the root. */
    static Path home(Path root) {
        return root.resolveSibling("home");
    }

    /** Sends SIGTERM to the runtime. */
    void terminate() {
        process.destroy();
    }

    /** Everything the runtime printed to its standard error so far. */
    String errorsSoFar() {
        return errors.text();
    }

    /** The {@code java} of the JDK that runs this test. */
    static Path java() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    /** The exported jar, as the build passes it in the system property {@code shm.runtime.jar}. */
    static Path jar() {
        String jar = System.getProperty("shm.runtime.jar");
        if (jar == null) {
            throw new IllegalStateException("the system property shm.runtime.jar must name the exported jar");
        }
        return Path.of(jar);
    }

    /** The process id of the runtime. */
    long pid() {
        return process.pid();
    }

    /** Writes a line to the runtime's standard input. */
    void typeLine(String line) throws IOException {
        OutputStream input = process.getOutputStream();
        input.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        input.flush();
    }

    /** Ends the runtime's standard input. */
    void closeInput() throws IOException {
        process.getOutputStream().close();
    }

    /**
     * Waits until the standard output contains {@code expected}.
     *
     * @return the time from the start of the process until then
     * @throws AssertionError when the output ended or the deadline passed first
     */
    Duration awaitOutput(String expected, Duration patience) throws InterruptedException {
        if (!output.awaitContains(expected, Instant.now().plus(patience))) {
            throw new AssertionError("the runtime did not print '" + expected + "' within " + patience
                    + "; output so far:\n" + output.text() + "\nerrors so far:\n" + errors.text());
        }
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /** Everything the runtime printed to its standard output so far. */
    String outputSoFar() {
        return output.text();
    }

    /**
     * Waits until the process exits by itself.
     *
     * @throws AssertionError when it is still running at the deadline (it is then killed)
     */
    Finished awaitExit(Duration patience) throws InterruptedException {
        Instant deadline = Instant.now().plus(patience);
        if (!process.waitFor(patience.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the runtime did not exit within " + patience + "; output:\n" + output.text()
                    + "\nerrors:\n" + errors.text());
        }
        return new Finished(process.exitValue(), output.awaitEnd(deadline), errors.awaitEnd(deadline));
    }

    /** Kills the runtime if it still runs. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
