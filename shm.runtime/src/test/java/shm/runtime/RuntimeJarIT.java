package shm.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the exported runtime jar as a separate process, as an operator or a script would: commands on the command
 * line, a script with {@code -c}, and the interactive Gogo prompt fed through standard input. Every process uses a
 * temporary root for the mmap backend.
 */
class RuntimeJarIT {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @TempDir
    Path temporary;

    private Path root() {
        return temporary.resolve("root");
    }

    @Test
    void scriptCreatesWritesDumpsShowsListsAndCloses() throws Exception {
        RuntimeProcess.Finished run = RuntimeProcess.run(root(), "-c", "shm:create demo 4k; shm:write demo 0 hello;"
                + " shm:dump demo 0 32; shm:info demo; shm:list; shm:close demo");
        assertEquals(0, run.exitCode(), run.errors());
        List<String> lines = run.output().lines().toList();
        assertEquals("created 'demo' (4096 bytes); this shell holds 1 handle of it", lines.get(0));
        assertEquals("wrote 5 bytes to 'demo' at offset 0", lines.get(1));
        assertEquals("'demo': 32 bytes from offset 0 of 4096", lines.get(2));
        assertEquals("00000000  68 65 6c 6c 6f 00 00 00  00 00 00 00 00 00 00 00  |hello...........|", lines.get(3));
        assertTrue(lines.contains("type          SHARED_MEMORY"), run.output());
        assertTrue(lines.stream()
                .anyMatch(line -> line.matches("holders       \\d+ \\(java\\) x1 \\(1 handle in all processes\\)")), run.output());
        assertTrue(lines.stream().anyMatch(line -> line.matches("demo  SHARED_MEMORY  4096     4096  \\d+ \\(java\\) x1")),
                run.output());
        assertEquals("closed 1 handle of 'demo'", lines.get(lines.size() - 1));
        assertEquals("", run.errorsWithoutJvmWarnings());
        assertTrue(Files.isDirectory(root()), "the backend used the root given by -Dshm.provider.mmap.root");
        assertEquals(List.of(), RuntimeProcess.objectFiles(root()), "closing the last handle destroyed the object");
        assertEquals("no objects\n", RuntimeProcess.run(root(), "shm:list").output());
    }

    @Test
    void singleCommandOnTheCommandLine() throws Exception {
        RuntimeProcess.Finished run = RuntimeProcess.run(root(), "shm:list");
        assertEquals(0, run.exitCode(), run.errors());
        assertEquals("no objects\n", run.output());
        assertEquals("", run.errorsWithoutJvmWarnings());
    }

    @Test
    void badArgumentGivesOneErrorLineAndExitCodeTwo() throws Exception {
        RuntimeProcess.Finished run = RuntimeProcess.run(root(), "shm:create", "demo", "4q");
        assertEquals(2, run.exitCode());
        assertEquals("error: '4q' is not a byte count: use bytes (4096, 0x1000) or a number with k, M or G (4k, 1M,"
                + " 2G); usage: shm:create <name> <size>", run.errorsWithoutJvmWarnings());
        assertEquals("", run.output());
    }

    @Test
    void unknownCommandAndMissingObjectGiveOneErrorLineEach() throws Exception {
        RuntimeProcess.Finished unknown = RuntimeProcess.run(root(), "-c", "shm:bogus demo");
        assertEquals(1, unknown.exitCode());
        assertEquals("error: Command not found: shm:bogus", unknown.errorsWithoutJvmWarnings());

        RuntimeProcess.Finished missing = RuntimeProcess.run(root(), "shm:dump", "nothing");
        assertEquals(1, missing.exitCode());
        assertEquals(1, missing.errorsWithoutJvmWarnings().lines().count(), missing.errors());
        assertTrue(missing.errorsWithoutJvmWarnings().startsWith("error: 'nothing': "), missing.errors());
        assertTrue(missing.errorsWithoutJvmWarnings().endsWith("(NOT_FOUND)"), missing.errors());
        assertNoStackTrace(unknown);
        assertNoStackTrace(missing);
    }

    @Test
    void badCommandLineOptionExitsWithTwo() throws Exception {
        RuntimeProcess.Finished run = RuntimeProcess.run(root(), "--frobnicate");
        assertEquals(2, run.exitCode());
        assertEquals("error: unknown option --frobnicate (--help shows the usage)", run.errorsWithoutJvmWarnings());
        assertNoStackTrace(run);
    }

    @Test
    void unusableEntryPointSettingEndsTheProcessAtOnceWithTwo() throws Exception {
        try (RuntimeProcess run = RuntimeProcess.start(List.of("-Dshm.shell.entrypoint.wait=soon"), root(), "shm:list")) {
            run.closeInput();
            RuntimeProcess.Finished finished = run.awaitExit(PATIENCE);
            assertEquals(2, finished.exitCode());
            assertEquals("error: shm.shell.entrypoint.wait must be a positive whole number: soon",
                    finished.errorsWithoutJvmWarnings());
        }
    }

    @Test
    void interactivePromptRunsTheCommandsTypedIntoIt() throws Exception {
        try (RuntimeProcess shell = RuntimeProcess.start(root())) {
            Duration toPrompt = shell.awaitOutput("g! ", PATIENCE);
            report("java -jar to the first Gogo prompt", toPrompt);
            shell.typeLine("shm:create demo 4k");
            shell.typeLine("shm:write demo 0 hello");
            shell.typeLine("shm:dump demo 0 16");
            shell.typeLine("shm:info demo");
            shell.typeLine("shm:create other 4q");
            shell.typeLine("shm:list");
            shell.typeLine("shm:close demo");
            shell.closeInput();
            RuntimeProcess.Finished run = shell.awaitExit(PATIENCE);
            assertEquals(1, run.exitCode(), "a command failed in piped input: " + run.errors());
            String output = run.output();
            assertTrue(output.contains("created 'demo' (4096 bytes); this shell holds 1 handle of it"), output);
            assertTrue(output.contains("wrote 5 bytes to 'demo' at offset 0"), output);
            assertTrue(output.contains(
                    "00000000  68 65 6c 6c 6f 00 00 00  00 00 00 00 00 00 00 00  |hello...........|"), output);
            assertTrue(output.contains("this shell    1 handle"), output);
            assertTrue(output.contains("error: '4q' is not a byte count"), output);
            assertTrue(output.contains("closed 1 handle of 'demo'"), output);
            assertFalse(output.contains("\tat "), output);
            assertEquals("", run.errorsWithoutJvmWarnings());
            assertEquals(List.of(), RuntimeProcess.objectFiles(root()));
        }
    }

    @Test
    void objectHeldByTheInteractiveShellIsSeenByAnotherProcess() throws Exception {
        try (RuntimeProcess holder = RuntimeProcess.start(root())) {
            holder.awaitOutput("g! ", PATIENCE);
            holder.typeLine("shm:create shared 4k");
            holder.typeLine("shm:write shared 0 from the shell");
            holder.awaitOutput("wrote 14 bytes to 'shared' at offset 0", PATIENCE);
            assertEquals(List.of(root().resolve("n.shared")), RuntimeProcess.objectFiles(root()),
                    "the object lives in the root given by -Dshm.provider.mmap.root (docs/mmap-store.md names it)");

            RuntimeProcess.Finished reader = RuntimeProcess.run(root(), "-c", "shm:dump shared 0 14; shm:info shared");
            assertEquals(0, reader.exitCode(), reader.errors());
            assertTrue(reader.output().contains("|from the shell|"), reader.output());
            assertTrue(reader.output().contains("holders       " + holder.pid() + " (java) x1 (1 handle in all processes)"),
                    reader.output());

            holder.typeLine("shm:close shared");
            holder.closeInput();
            assertEquals(0, holder.awaitExit(PATIENCE).exitCode());
        }
        RuntimeProcess.Finished after = RuntimeProcess.run(root(), "shm:list");
        assertEquals("no objects\n", after.output(), "the holder's last close destroyed the object");
    }

    @Test
    void firstAnswerOfACommandLineRun() throws Exception {
        try (RuntimeProcess run = RuntimeProcess.start(root(), "shm:list")) {
            run.closeInput();
            Duration toAnswer = run.awaitOutput("no objects", PATIENCE);
            report("java -jar shm.jar shm:list to its answer", toAnswer);
            assertEquals(0, run.awaitExit(PATIENCE).exitCode());
        }
    }

    @Test
    void aStopLeavesTheComponentDescriptionsForTheNextStartWhichAnswersAsTheFirst() throws Exception {
        RuntimeProcess.Finished first = RuntimeProcess.run(root(), "shm:list");
        assertEquals(0, first.exitCode(), first.errors());
        List<Path> caches;
        try (java.util.stream.Stream<Path> files = Files.walk(RuntimeProcess.home(root()).resolve("data"))) {
            caches = files.filter(file -> file.getFileName().toString().equals("componentMetadataStore")).toList();
        }
        assertEquals(1, caches.size(), "SCR's component metadata cache (ds.cache.metadata) in the framework storage");
        String cached = new String(Files.readAllBytes(caches.get(0)), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertTrue(cached.contains("shm.provider.mmap"), "the cache holds the mmap backend's component");
        RuntimeProcess.Finished second = RuntimeProcess.run(root(), "shm:list");
        assertEquals(0, second.exitCode(), second.errors());
        assertEquals(first.output(), second.output());
        assertEquals("", second.errorsWithoutJvmWarnings());
    }

    @Test
    void nativeAccessOfTheBundlesIsGrantedByTheJarManifest() throws Exception {
        try (JarFile jar = new JarFile(RuntimeProcess.jar().toFile())) {
            assertEquals("ALL-UNNAMED", jar.getManifest().getMainAttributes().getValue("Enable-Native-Access"));
        }
        try (RuntimeProcess strict = RuntimeProcess.start(List.of("--illegal-native-access=deny"), root(), "-c",
                "shm:create demo 4k; shm:write demo 0 hi; shm:close demo")) {
            strict.closeInput();
            RuntimeProcess.Finished run = strict.awaitExit(PATIENCE);
            assertEquals(0, run.exitCode(), run.errors());
            assertEquals("", run.errorsWithoutJvmWarnings());
        }
    }

    @Test
    void launcherScriptRunsTheJarWithoutJvmWarnings() throws Exception {
        ProcessBuilder script = new ProcessBuilder(System.getProperty("shm.runtime.script"), "-c",
                "shm:create demo 4k; shm:write demo 0 hi; shm:dump demo 0 2");
        script.environment().put("SHM_JAVA", RuntimeProcess.java().toString());
        script.environment().put("SHM_RUNTIME_JAR", RuntimeProcess.jar().toString());
        script.environment().put("SHM_JAVA_OPTS", "-Dshm.provider.mmap.root=" + root());
        script.environment().put("SHM_HOME", RuntimeProcess.home(root()).toString());
        script.redirectError(temporary.resolve("script.err").toFile());
        script.redirectOutput(temporary.resolve("script.out").toFile());
        Process process = script.start();
        process.getOutputStream().close();
        assertTrue(process.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS), "the script ended");
        assertEquals(0, process.exitValue(), Files.readString(temporary.resolve("script.err")));
        List<String> lines = Files.readAllLines(temporary.resolve("script.out"));
        String lastLine = lines.get(lines.size() - 1);
        assertTrue(lastLine.startsWith("00000000  68 69 ") && lastLine.endsWith("|hi|"), lastLine);
        assertEquals("", Files.readString(temporary.resolve("script.err")), "no warning about sun.misc.Unsafe");
    }

    /**
     * {@code shm --make-aot-cache} records an AOT cache in the platform home and later starts load from it with the
     * same answers; a cache that does not fit (here: one overwritten with garbage) is ignored without a word.
     */
    @Test
    void launcherScriptMakesAnAotCacheThatLaterStartsUseAndAStaleOneIsIgnoredSilently() throws Exception {
        Path home = RuntimeProcess.home(root());
        Path cache = home.resolve("shm.aot");
        Files.deleteIfExists(cache);
        ScriptRun made = script("--make-aot-cache");
        assertEquals(0, made.exitCode(), made.errors());
        assertEquals("", made.errors(), "recording says one line, on standard output");
        assertEquals("shm: AOT cache written to " + cache + "; later starts of this jar with this Java use it",
                made.output().strip());
        assertTrue(Files.size(cache) > 1_000_000, "a cache of the JDK's and the launcher's classes: " + Files.size(cache));

        ScriptRun withCache = script("-c", "shm:create aot 4k; shm:write aot 0 hi; shm:dump aot 0 2; shm:close aot");
        assertEquals(0, withCache.exitCode(), withCache.errors());
        assertTrue(withCache.output().contains("|hi|"), withCache.output());
        assertEquals("", withCache.errors(), "nothing about the cache on standard error");
        assertFalse(withCache.output().contains("][aot]"), withCache.output());

        Files.write(cache, new byte[4096]);
        ScriptRun stale = script("shm:list");
        assertEquals(0, stale.exitCode(), stale.errors());
        assertEquals("no objects", stale.output().strip(), "a cache that does not fit changes no output");
        assertEquals("", stale.errors());
        Files.delete(cache);
    }

    /**
     * The launcher script runs a command line (one command, a script) with the optimizing compiler off, since that JVM
     * ends with the command, and the interactive runtime with full compilation; {@code SHM_JAVA_OPTS} can turn it back
     * on for a command. Seen through a {@code java} that records its arguments, then runs the real one.
     */
    @Test
    void launcherScriptTurnsTheOptimizingCompilerOffForCommandLinesOnly() throws Exception {
        Path calls = temporary.resolve("java-calls.txt");
        Path recordingJava = temporary.resolve("recording-java");
        Files.writeString(recordingJava, "#!/bin/sh\necho \"$*\" >> '" + calls + "'\nexec '" + RuntimeProcess.java()
                + "' \"$@\"\n");
        assertTrue(recordingJava.toFile().setExecutable(true));

        ScriptRun command = script(recordingJava, "shm:list");
        assertEquals(0, command.exitCode(), command.errors());
        assertEquals("no objects", command.output().strip());
        assertTrue(lastCall(calls).contains(" -XX:TieredStopAtLevel=1 "), lastCall(calls));

        ScriptRun interactive = script(recordingJava);
        assertEquals(0, interactive.exitCode(), interactive.errors());
        assertFalse(lastCall(calls).contains("TieredStopAtLevel"), lastCall(calls));
    }

    /**
     * The launcher script learns the Java's version from the {@code release} file of its home, without a JVM start of
     * its own; only a {@code java} without one (a wrapper script) is asked. Seen through a {@code java} that records
     * its arguments, once in a home with a release file and once without.
     */
    @Test
    void launcherScriptReadsTheJavaVersionFromTheReleaseFileAndAsksTheJvmOnlyWithoutOne() throws Exception {
        Path calls = temporary.resolve("java-calls.txt");
        Path javaHome = temporary.resolve("a-jdk");
        Files.createDirectories(javaHome.resolve("bin"));
        Path recordingJava = javaHome.resolve("bin/java");
        Files.writeString(recordingJava, "#!/bin/sh\necho \"$*\" >> '" + calls + "'\nexec '" + RuntimeProcess.java()
                + "' \"$@\"\n");
        assertTrue(recordingJava.toFile().setExecutable(true));

        Files.writeString(javaHome.resolve("release"), "IMPLEMENTOR=\"test\"\nJAVA_VERSION=\"25.0.3\"\n");
        ScriptRun withRelease = script(recordingJava, "shm:list");
        assertEquals(0, withRelease.exitCode(), withRelease.errors());
        assertEquals("no objects", withRelease.output().strip());
        assertEquals(1, Files.readAllLines(calls).size(), "one JVM start: " + Files.readAllLines(calls));

        Files.writeString(javaHome.resolve("release"), "IMPLEMENTOR=\"test\"\nJAVA_VERSION=\"17.0.15\"\n");
        ScriptRun old = script(recordingJava, "shm:list");
        assertEquals(2, old.exitCode(), old.output());
        assertEquals("shm: " + recordingJava + " is Java 17; the shm runtime needs Java 25 or later (set SHM_JAVA or"
                + " JAVA_HOME)", old.errors().strip());
        assertEquals(1, Files.readAllLines(calls).size(), "refused without a JVM start");

        Files.delete(javaHome.resolve("release"));
        ScriptRun asked = script(recordingJava, "shm:list");
        assertEquals(0, asked.exitCode(), asked.errors());
        assertEquals("no objects", asked.output().strip());
        List<String> all = Files.readAllLines(calls);
        assertEquals(3, all.size(), "the JVM asked for its version, then the run: " + all);
        assertTrue(all.get(1).contains("-XshowSettings:properties -version"), all.get(1));
    }

    private static String lastCall(Path calls) throws IOException {
        List<String> lines = Files.readAllLines(calls);
        return lines.get(lines.size() - 1);
    }

    /** What a run of the launcher script printed. */
    private record ScriptRun(int exitCode, String output, String errors) {
    }

    private ScriptRun script(String... arguments) throws Exception {
        return script(RuntimeProcess.java(), arguments);
    }

    private ScriptRun script(Path java, String... arguments) throws Exception {
        List<String> command = new java.util.ArrayList<>();
        command.add(System.getProperty("shm.runtime.script"));
        command.addAll(List.of(arguments));
        ProcessBuilder script = new ProcessBuilder(command);
        script.environment().put("SHM_JAVA", java.toString());
        script.environment().put("SHM_RUNTIME_JAR", RuntimeProcess.jar().toString());
        script.environment().put("SHM_JAVA_OPTS", "-Dshm.provider.mmap.root=" + root());
        script.environment().put("SHM_HOME", RuntimeProcess.home(root()).toString());
        Path out = Files.createTempFile(temporary, "script", ".out");
        Path err = Files.createTempFile(temporary, "script", ".err");
        script.redirectOutput(out.toFile());
        script.redirectError(err.toFile());
        Process process = script.start();
        process.getOutputStream().close();
        if (!process.waitFor(PATIENCE.toSeconds() * 2, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the script did not end: " + command);
        }
        return new ScriptRun(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    private static void assertNoStackTrace(RuntimeProcess.Finished run) {
        assertFalse(run.errors().contains("\tat "), run.errors());
        assertFalse(run.output().contains("\tat "), run.output());
        assertFalse(run.errors().contains("Exception in thread"), run.errors());
    }

    /** The object files in the mmap root: named {@code n.}, {@code h.} or {@code u.} (docs/mmap-store.md). */

    private static void report(String what, Duration elapsed) {
        System.out.printf("timing: %s: %d ms%n", what, elapsed.toMillis());
    }
}
