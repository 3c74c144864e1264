package shm.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import shm.testkit.Await;
import shm.testkit.BundleVersions;
import shm.testkit.CExample;
import shm.testkit.LineProcess;

/**
 * The field workflow of issue 10, in the runtime itself: the operator drops a newer {@code shm.provider.mmap} jar into
 * {@code deploy/} while the console holds an object that a C program counts in; the built-in provider is updated in
 * place (one bundle of that name afterwards, at the new version), the console's handle moves to the new revision and
 * reads the C program's latest count, the object keeps its file, and the console's close is the last close. After a
 * restart the bundle runs the deployed version still (the jar is still in {@code deploy/}).
 */
class DeployUpgradeIT {

    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final String BUNDLE = "shm.provider.mmap";
    private static final String QUALIFIER = "deployed";

    @TempDir
    Path temporary;

    @Test
    void aProviderJarDroppedIntoDeployUpdatesTheBuiltInBundleAndLosesNothing() throws Exception {
        Path peer = CExample.shmPeerOverMmapStore();
        Path root = temporary.resolve("root");
        RuntimeProcess.run(root, "shm:list"); // makes the home
        Path home = RuntimeProcess.home(root);
        String version;
        try (RuntimeProcess shell = RuntimeProcess.start(root)) {
            shell.awaitOutput("g! ", PATIENCE);
            shell.typeLine("shm:create kept 4k");
            shell.typeLine("shm:write kept 64 kept across the upgrade");
            shell.awaitOutput("wrote", PATIENCE);
            Object inode = Files.getAttribute(root.resolve("n.kept"), "unix:ino");
            try (LineProcess counter = LineProcess.start("c-counter",
                    List.of(peer.toString(), root.toString(), "kept", "open", "count", "0", "close"), Map.of())) {
                awaitCounting(counter);
                version = dropNewerProvider(home.resolve("deploy"));
                awaitOneProviderAt(shell, version);
                String counted = counter.send("stop");
                Matcher last = Pattern.compile("COUNTED last=(\\d+)").matcher(counted);
                assertTrue(last.matches(), counted);
                assertTrue(Long.parseLong(last.group(1)) > 0, counted);
                shell.typeLine("shm:dump kept 0 8");
                shell.awaitOutput(littleEndianHex(Long.parseLong(last.group(1))), PATIENCE);
                assertEquals(0, counter.waitFor(), "the C program closed its handle");
            }
            assertEquals(inode, Files.getAttribute(root.resolve("n.kept"), "unix:ino"), "the same object");
            shell.typeLine("shm:dump kept 64 24");
            shell.awaitOutput("|kept across the |", PATIENCE); // the dump's text column, 16 bytes a line
            shell.awaitOutput("|upgrade.", PATIENCE);
            RuntimeProcess.awaitLogged(home, "deploy/" + BUNDLE + ".jar: " + BUNDLE, PATIENCE);
            shell.typeLine("shm:close kept");
            shell.awaitOutput("closed", PATIENCE);
            // The update's refresh may restart the provider once more after its log line: a close made while the
            // handle is parked releases the parked hold as soon as the provider serves again (docs/hot-swap.md), so
            // the object goes then, well before the park deadline of 120 s.
            Await.until(() -> "the console's close was the last close; object files left: " + objectFiles(root),
                    Duration.ofSeconds(30), () -> objectFiles(root).isEmpty());
            shell.closeInput();
            RuntimeProcess.Finished finished = shell.awaitExit(PATIENCE);
            assertFalse(finished.output().contains("\tat "), finished.output());
        }
        try (RuntimeProcess again = RuntimeProcess.start(root)) {
            again.awaitOutput("g! ", PATIENCE);
            awaitOneProviderAt(again, version);
            again.closeInput();
            again.awaitExit(PATIENCE);
        }
    }

    private static List<Path> objectFiles(Path root) {
        try {
            return RuntimeProcess.objectFiles(root);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Reads the C program's lines (who it is, what it opened) up to the one that says the counting began. */
    private static void awaitCounting(LineProcess counter) {
        List<String> lines = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            lines.add(counter.nextLine());
            if (lines.getLast().equals("COUNTING")) {
                return;
            }
        }
        throw new AssertionError("the C program did not begin counting: " + lines);
    }

    /** Writes the runtime jar's own provider, as another version, into {@code deploy/}; answers that version. */
    private static String dropNewerProvider(Path deploy) throws Exception {
        try (JarFile runtime = new JarFile(RuntimeProcess.jar().toFile())) {
            var entry = runtime.stream().filter(e -> e.getName().matches("jar/" + Pattern.quote(BUNDLE) + "-.*\\.jar"))
                    .findFirst().orElseThrow(() -> new AssertionError("no " + BUNDLE + " in " + RuntimeProcess.jar()));
            try (InputStream in = runtime.getInputStream(entry)) {
                return BundleVersions.writeWithQualifier(in, QUALIFIER, deploy.resolve(BUNDLE + ".jar"));
            }
        }
    }

    /**
     * Waits until {@code lb} lists exactly one bundle of the provider's name, active at {@code version}, and
     * {@code shm:backends} shows its backend.
     */
    private static void awaitOneProviderAt(RuntimeProcess shell, String version) throws Exception {
        Instant deadline = Instant.now().plus(PATIENCE);
        Pattern listed = Pattern.compile("Active\\s*\\|\\s*\\d+\\|" + Pattern.quote(BUNDLE) + " \\(([^)]*)\\)");
        String backend = "bundle " + BUNDLE + " " + version;
        String answer = "";
        while (Instant.now().isBefore(deadline)) {
            int from = shell.outputSoFar().length();
            shell.typeLine("felix:lb -s " + BUNDLE);
            shell.typeLine("shm:backends");
            answer = awaitAfter(shell, from, "parked holds:", deadline); // shm:backends answered, so lb did too
            Matcher found = listed.matcher(answer);
            List<String> versions = new java.util.ArrayList<>();
            while (found.find()) {
                versions.add(found.group(1));
            }
            if (versions.equals(List.of(version)) && answer.contains(backend)) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("never one active " + BUNDLE + " at " + version + " serving:\n" + answer);
    }

    /** The output from {@code from} on, once it contains {@code text} (and a moment more for the rest). */
    private static String awaitAfter(RuntimeProcess shell, int from, String text, Instant deadline)
            throws InterruptedException {
        while (!shell.outputSoFar().substring(from).contains(text)) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("no '" + text + "' after the last commands:\n" + shell.outputSoFar()
                        .substring(from));
            }
            Thread.sleep(100);
        }
        Thread.sleep(500);
        return shell.outputSoFar().substring(from);
    }

    /** How {@code shm:dump} shows a 64-bit little-endian number: its 8 bytes in hex, separated by spaces. */
    private static String littleEndianHex(long value) {
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            hex.append(i == 0 ? "" : " ").append(String.format("%02x", (value >>> (8 * i)) & 0xff));
        }
        return hex.toString();
    }
}
