package shm.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The platform home of the runtime jar, run as a process: {@code etc/} with the example configurations, read by
 * FileInstall at start and when a file changes, written back when a setting changes at runtime, bad values refused
 * with one line while the previous configuration stays in effect, configuration kept across restarts; {@code deploy/}
 * installing and updating a bundle; SIGTERM releasing holds; an old Java refused at once; the JLine console through a
 * pseudo terminal.
 */
class PlatformHomeIT {

    private static final Duration PATIENCE = Duration.ofSeconds(90);

    @TempDir
    Path temporary;

    private Path root() {
        return temporary.resolve("root");
    }

    private Path etc() {
        return RuntimeProcess.home(root()).resolve("etc");
    }

    @Test
    void firstStartCreatesTheHomeWithCommentedExamplesAndKeepsTheFrameworkUnderIt() throws Exception {
        RuntimeProcess.Finished run = RuntimeProcess.run(root(), "shm:status");
        assertEquals(0, run.exitCode(), run.errors());
        Path home = RuntimeProcess.home(root());
        for (String example : List.of("shm.provider.mmap.cfg", "shm.personality.rtx-rtss.cfg",
                "shm.personality.intime-process.cfg", "shm.personality.ntx-host.cfg", "shm.log.cfg",
                "org.osgi.service.log.admin.cfg")) {
            assertTrue(Files.isRegularFile(etc().resolve(example)), example);
        }
        assertTrue(Files.readString(etc().resolve("shm.provider.mmap.cfg")).contains("#root = "));
        assertTrue(Files.isDirectory(home.resolve("deploy")));
        assertTrue(Files.isDirectory(home.resolve("data/framework/bundle0")), "framework storage under the home");
        String log = Files.readString(home.resolve("log/shm.log.0"));
        assertTrue(log.contains("shm.shell"), "the log file is written");
        // Felix Log starts long before shm.shell: only the backlog from the Log Service's history can write this.
        assertTrue(log.contains("INFO  org.apache.felix.log BundleEvent STARTED"), "what was logged first is kept: " + log);
        assertEquals(log.lines().distinct().count(), log.lines().count(), "no line is written twice: " + log);
        assertTrue(run.output().contains("home        " + home), run.output());
        assertTrue(run.output().contains("backend     mmap"), run.output());
        assertTrue(run.output().contains("personality RTX"), run.output());
    }

    @Test
    void configurationFileIsReadChangedWrittenBackAndKeptAcrossRestarts() throws Exception {
        RuntimeProcess.run(root(), "shm:list"); // creates the home
        Path other = temporary.resolve("other-root");
        Files.writeString(etc().resolve("shm.provider.mmap.cfg"), "root = " + other + "\n",
                StandardOpenOptionAppend.APPEND);
        RuntimeProcess.Finished created = RuntimeProcess.run(root(), "-c", "shm:create fromfile 4k; shm:config"
                + " shm.provider.mmap; shm:close fromfile");
        assertEquals(0, created.exitCode(), created.errors());
        assertTrue(created.output().contains("root = " + other + "  (file;"), created.output());
        assertTrue(Files.isDirectory(other), "the backend used the root of etc/shm.provider.mmap.cfg");

        RuntimeProcess.Finished set = RuntimeProcess.run(root(), "shm:config", "set", "shm.provider.mmap",
                "prefault", "true");
        assertEquals(0, set.exitCode(), set.errors());
        awaitFileContains(etc().resolve("shm.provider.mmap.cfg"), "prefault");
        String file = Files.readString(etc().resolve("shm.provider.mmap.cfg"));
        assertTrue(file.contains("# Touch every page when mapping."), "comments are kept: " + file);

        RuntimeProcess.Finished restarted = RuntimeProcess.run(root(), "shm:config", "shm.provider.mmap");
        assertTrue(restarted.output().contains("prefault = true  (file;"), restarted.output());
        assertTrue(restarted.output().contains("root = " + other + "  (file;"), restarted.output());
    }

    /**
     * FileInstall used to rewrite a file in place after reading it, and its own watcher could read the file half written
     * and then empty it for good (the changed root was lost, and with it every comment); its write-back also wrote
     * typed values ({@code I"7"}) that a file with the operator's plain lines reads back as text, refused at the next
     * start. Now a file that was read is left alone, and a change is written back as the operator would write it.
     */
    @Test
    void aFileThatWasReadIsNotRewrittenAndARuntimeChangeIsWrittenBackInPlainText() throws Exception {
        RuntimeProcess.run(root(), "shm:list"); // creates the home
        Path file = etc().resolve("shm.provider.mmap.cfg");
        Path other = temporary.resolve("other-root");
        Files.writeString(file, "root = " + other + "\n", StandardOpenOptionAppend.APPEND);
        String written = Files.readString(file);
        java.nio.file.attribute.FileTime past = java.nio.file.attribute.FileTime.from(Instant.now().minusSeconds(3600).truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        Files.setLastModifiedTime(file, past);
        Object inode = Files.getAttribute(file, "unix:ino");

        RuntimeProcess.Finished read = RuntimeProcess.run(root(), "shm:rank", "mmap", "7");
        assertEquals(0, read.exitCode(), read.errors());
        String after = Files.readString(file);
        assertTrue(after.startsWith(written), "the operator's text stays as written: " + after);
        assertEquals(written + "service.ranking = 7\n", after);
        assertFalse(inode.equals(Files.getAttribute(file, "unix:ino")), "written back by one rename");

        Files.setLastModifiedTime(file, past);
        inode = Files.getAttribute(file, "unix:ino");
        RuntimeProcess.Finished restarted = RuntimeProcess.run(root(), "-c", "shm:backends; shm:config shm.provider.mmap");
        assertEquals(0, restarted.exitCode(), restarted.errors());
        assertTrue(restarted.output().contains("service.ranking = 7  (file;"), restarted.output());
        assertTrue(restarted.output().contains("root = " + other + "  (file;"), restarted.output());
        assertFalse(restarted.output().contains("REFUSED"), restarted.output());
        assertFalse(restarted.errors().contains("refused"), restarted.errors());
        assertEquals(after, Files.readString(file));
        assertEquals(inode, Files.getAttribute(file, "unix:ino"), "a file that was only read is not rewritten");
        assertEquals(past, Files.getLastModifiedTime(file));
        try (var left = Files.list(etc())) {
            assertEquals(List.of(), left.filter(f -> f.getFileName().toString().startsWith(".")).toList(),
                    "no temporary file is left in etc/");
        }
    }

    @Test
    void badValuesAreRefusedInOneLineAndThePreviousConfigurationStays() throws Exception {
        RuntimeProcess.run(root(), "shm:list");
        Files.writeString(etc().resolve("shm.personality.rtx-rtss.cfg"), "rtx.flavour = BOGUS\n",
                StandardOpenOptionAppend.APPEND);
        try (RuntimeProcess shell = RuntimeProcess.start(root())) {
            shell.awaitOutput("g! ", PATIENCE);
            shell.typeLine("shm:create kept 4k");
            shell.awaitOutput("created 'kept'", PATIENCE);
            Files.writeString(etc().resolve("shm.provider.mmap.cfg"), "root = /proc/nope\n",
                    StandardOpenOptionAppend.APPEND);
            awaitErrors(shell, "configuration shm.provider.mmap refused: root = '/proc/nope'");
            shell.typeLine("shm:list");
            shell.typeLine("shm:config shm.personality.rtx");
            shell.awaitOutput("REFUSED rtx.flavour = 'BOGUS': must be one of LEGACY_RTX, RTX64", PATIENCE);
            // The refused configuration is replaced by the previous one, yet Declarative Services restarts the
            // backend for it: the commands come back at once, holding the handle they held.
            Instant deadline = Instant.now().plus(PATIENCE);
            while (!shell.outputSoFar().contains("closed 1 handle of 'kept'")) {
                assertTrue(Instant.now().isBefore(deadline), shell.outputSoFar());
                shell.typeLine("shm:close kept");
                Thread.sleep(1000);
            }
            shell.closeInput();
            RuntimeProcess.Finished run = shell.awaitExit(PATIENCE);
            assertTrue(run.output().contains("kept   SHARED_MEMORY") || run.output().contains("kept  SHARED_MEMORY"),
                    "the object survived the refused root: " + run.output());
            // The first run put the file's good values into Configuration Admin; they stay in effect.
            assertTrue(run.errors().contains("configuration shm.personality.rtx~rtss refused: rtx.flavour = 'BOGUS':"
                    + " must be one of LEGACY_RTX, RTX64; the previous configuration is kept"), run.errors());
            assertFalse(run.errors().contains("\tat "), run.errors());
            assertFalse(run.output().contains("\tat "), run.output());
        }
        assertEquals(List.of(), RuntimeProcess.objectFiles(root()), "the object was closed in the root it was created in");
    }

    @Test
    void deployFolderInstallsAndUpdatesABundleThatStarts() throws Exception {
        RuntimeProcess.run(root(), "shm:list");
        Path deploy = RuntimeProcess.home(root()).resolve("deploy");
        try (RuntimeProcess shell = RuntimeProcess.start(root())) {
            shell.awaitOutput("g! ", PATIENCE);
            bundle(deploy.resolve("probe.jar"), "1.0.0");
            awaitListed(shell, "Active", "1.0.0");
            bundle(deploy.resolve("probe.jar"), "2.0.0");
            awaitListed(shell, "Active", "2.0.0");
            shell.closeInput();
            shell.awaitExit(PATIENCE);
        }
    }

    @Test
    void sigtermStopsTheFrameworkAndReleasesTheHolds() throws Exception {
        try (RuntimeProcess shell = RuntimeProcess.start(root())) {
            shell.awaitOutput("g! ", PATIENCE);
            shell.typeLine("shm:create held 4k");
            shell.typeLine("shm:event create go");
            shell.awaitOutput("created event 'go'", PATIENCE);
            assertEquals(2, RuntimeProcess.objectFiles(root()).size());
            shell.terminate();
            shell.awaitExit(PATIENCE);
        }
        assertEquals(List.of(), RuntimeProcess.objectFiles(root()), "the runtime was the only holder: its objects are gone");
    }

    @Test
    void oldJavaIsRefusedInOneLineAtOnce() throws Exception {
        shm.testkit.OldJava.assertRefusedInOneLine(RuntimeProcess.jar(), RuntimeProcess.home(root()));
    }

    @Test
    void consoleThroughAPseudoTerminalEditsHistoryUtf8AndCtrlC() throws Exception {
        Path script = Path.of("/usr/bin/script");
        assumeTrue(Files.isExecutable(script), "util-linux script is not installed");
        // script runs the command with $SHELL -c (here /bin/sh, whatever the user's shell), which execs the JVM. The
        // JVM gets SIGINT and SIGHUP back at their defaults: a build started in the background (nohup, or '&' without
        // job control) ignores both, every child inherits that, and a JVM that ignores SIGINT never sees Ctrl-C (two
        // of this test's failures were exactly that: /proc/<pid>/status of the runtime said SigIgn ...03).
        String command = String.join(" ", "stty cols 150 rows 40;", "exec", "env", "--default-signal=INT,HUP",
                RuntimeProcess.java().toString(),
                "-Dshm.provider.mmap.root=" + root(), "-jar", RuntimeProcess.jar().toString());
        ProcessBuilder builder = new ProcessBuilder(script.toString(), "-qfec", command, "/dev/null");
        builder.environment().put("SHELL", "/bin/sh");
        builder.environment().put("SHM_HOME", RuntimeProcess.home(root()).toString());
        builder.environment().put("TERM", "xterm");
        builder.environment().put("LANG", "C.UTF-8");
        builder.redirectErrorStream(true);
        Process process = builder.start();
        StreamCollector screen = new StreamCollector(process.getInputStream(), "pty-" + process.pid());
        OutputStream keys = process.getOutputStream();
        try {
            awaitScreen(screen, "g! ");
            Thread.sleep(1000); // JLine puts the terminal in raw mode after the prompt
            type(keys, "shm:create grüße 4k\r");
            awaitScreen(screen, "created 'grüße' (4096 bytes)");
            Thread.sleep(1000);
            type(keys, "shm:info nothing\r");
            awaitScreen(screen, "error: 'nothing'");
            Thread.sleep(1000);
            // JLine switches the terminal to application cursor keys (the screen shows ESC [?1h), in which the arrow
            // keys send ESC O A .. ESC O D, as terminfo's kcuu1/kcuf1 for xterm say.
            type(keys, "\u001bOA\u001bOA"); // Up, Up: back to "shm:create grüße 4k"
            Thread.sleep(500);
            // End, 3 x Backspace: "shm:create grüße"; Home, 4 x Right, 6 x Delete: "shm: grüße"; "info": shm:info grüße
            type(keys, "\u0005\u007f\u007f\u007f" + "\u0001\u001bOC\u001bOC\u001bOC\u001bOC"
                    + "\u001b[3~\u001b[3~\u001b[3~\u001b[3~\u001b[3~\u001b[3~" + "info\r");
            awaitScreen(screen, "type          SHARED_MEMORY"); // shm:info's answer: the edited line ran
            awaitScreen(screen, "name          grüße");
            Thread.sleep(1000);
            type(keys, "shm:event create ev\r");
            awaitScreen(screen, "created event 'ev'");
            Thread.sleep(1000);
            int beforeWait = screen.text().length();
            type(keys, "shm:event wait ev 600000\r");
            // Ctrl-C interrupts the wait, not the runtime. A Ctrl-C that comes before Gogo has made the command its
            // foreground job interrupts nothing, as at any shell (CI saw it under load: the wait went on), so it is
            // pressed again, as an operator would, until the wait ends.
            Instant deadline = Instant.now().plus(PATIENCE);
            do {
                Thread.sleep(2000);
                type(keys, "\u0003");
                Thread.sleep(1000);
            } while (!screen.text().substring(beforeWait).contains("nterrupted") && Instant.now().isBefore(deadline));
            awaitScreen(screen, "nterrupted");
            Thread.sleep(1000);
            type(keys, "shm:list\r");
            awaitScreen(screen, "grüße  SHARED_MEMORY");
            Thread.sleep(1000);
            type(keys, "\u0004"); // Ctrl-D ends the console and the runtime
            assertTrue(process.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS), screen.text());
            // 0, or 130 (a SIGINT) once the console had begun an orderly stop: CI saw 130 once (in ~15 runs) after
            // "gosh: stopping framework", with the holds released; Gogo's JLine terminal gives the JVM's own INT
            // handler back when it closes, and where that late SIGINT comes from is not known yet.
            int exit = process.exitValue();
            assertTrue(exit == 0 || exit == 130 && screen.text().contains("gosh: stopping framework"),
                    "exit " + exit + ":\n" + screen.text());
            assertFalse(screen.text().contains("\tat "), screen.text());
        } finally {
            process.descendants().forEach(ProcessHandle::destroyForcibly); // the runtime under script, if still there
            process.destroyForcibly();
        }
        assertEquals(List.of(), RuntimeProcess.objectFiles(root()), "Ctrl-D released the holds");
    }

    private static void type(OutputStream keys, String text) throws IOException {
        keys.write(text.getBytes(StandardCharsets.UTF_8));
        keys.flush();
    }

    private static void awaitScreen(StreamCollector screen, String expected) throws InterruptedException {
        if (!screen.awaitContains(expected, Instant.now().plus(PATIENCE))) {
            throw new AssertionError("the console did not show '" + expected + "':\n" + screen.text());
        }
    }

    private static void awaitErrors(RuntimeProcess shell, String expected) throws InterruptedException {
        Instant deadline = Instant.now().plus(PATIENCE);
        while (!shell.errorsSoFar().contains(expected)) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("no '" + expected + "' in:\n" + shell.errorsSoFar());
            }
            Thread.sleep(100);
        }
    }

    private static void awaitListed(RuntimeProcess shell, String state, String version) throws Exception {
        Instant deadline = Instant.now().plus(PATIENCE);
        String wanted = state + " |    2|shm.runtime.probe (" + version + ")";
        while (true) {
            shell.typeLine("felix:lb -s shm.runtime.probe");
            Thread.sleep(1000);
            if (shell.outputSoFar().replaceAll(" +", " ").contains(wanted.replaceAll(" +", " "))) {
                return;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("no '" + wanted + "' in:\n" + shell.outputSoFar());
            }
        }
    }

    /** Writes a bundle with no classes: a manifest only. */
    private static void bundle(Path jar, String version) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", "shm.runtime.probe");
        main.putValue("Bundle-Version", version);
        Path partial = jar.resolveSibling(jar.getFileName() + ".part");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(partial), manifest)) {
            out.flush();
        }
        Files.move(partial, jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static void awaitFileContains(Path file, String text) throws Exception {
        Instant deadline = Instant.now().plus(PATIENCE);
        while (!Files.readString(file).contains(text)) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError(file + " never held '" + text + "':\n" + Files.readString(file));
            }
            Thread.sleep(100);
        }
    }


    /** Appending to a configuration file. */
    private static final class StandardOpenOptionAppend {
        static final java.nio.file.StandardOpenOption APPEND = java.nio.file.StandardOpenOption.APPEND;
    }
}
