package shm.example.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import shm.testkit.CExample;

/**
 * The README's walk-through, run as an engineer would: the exported runtime jar as a process with its platform home,
 * the example bundle dropped into {@code deploy/}, the C program {@code examples/c/shm_peer.c} playing the real-time
 * side (reads the request from the data block, writes its reply, sets the event), the gateway's status and log, and
 * the bundle taken out of {@code deploy/} again, which closes its handles and so destroys the objects.
 */
class GatewayExampleIT {

    private static final Duration PATIENCE = Duration.ofSeconds(90);

    @TempDir
    Path temporary;

    @Test
    void theGatewayExchangesADataBlockAndAnEventWithTheCProgram() throws Exception {
        CExample c = CExample.shmPeer();
        assumeTrue(c.binary().isPresent(), () -> c.unavailable().orElse(""));
        Path peer = c.binary().orElseThrow();
        Path root = temporary.resolve("root");
        Path home = temporary.resolve("home");

        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dshm.provider.mmap.root=" + root, "-jar", property("shm.runtime.jar"));
        builder.environment().put("SHM_HOME", home.toString());
        builder.redirectErrorStream(true);
        Process runtime = builder.start();
        Output console = new Output(runtime);
        OutputStream keys = runtime.getOutputStream();
        try {
            console.await("g! ");
            Path deploy = home.resolve("deploy");
            Path partial = temporary.resolve("gateway.jar"); // copied beside, then moved in at once
            Files.copy(Path.of(property("shm.example.gateway.jar")), partial);
            Files.move(partial, deploy.resolve("shm.example.gateway.jar"), StandardCopyOption.ATOMIC_MOVE);
            // Until FileInstall has started the bundle, gateway:status would be an unknown command, and a failed
            // command piped into the console makes the exit code 1: ask the framework instead.
            typeUntil(keys, console, "felix:lb -s shm.example.gateway", "Active");
            typeUntil(keys, console, "gateway:status", "no reply yet (waiting for GatewayReply)");

            List<String> read = run(peer.toString(), root.toString(), GatewayComponent.IMAGE, "open", "read", "0",
                    "13", "write", "64", "ACK 42.5", "close");
            assertTrue(read.contains("READ off=0 len=13 hex=534554504f494e542034322e35 text=SETPOINT 42.5"),
                    read.toString());
            List<String> set = run(peer.toString(), "-e", root.toString(), GatewayComponent.REPLY_EVENT, "open",
                    "set", "close");
            assertTrue(set.contains("SET was=0"), set.toString());
            typeUntil(keys, console, "gateway:status", "1 reply, last 'ACK 42.5'");

            // The operator sees the gateway's RTX process: its instance bound to the mmap backend, and its handles.
            typeUntil(keys, console, "shm:personalities", "mmap (service");
            typeUntil(keys, console, "shm:personality shm.personality.rtx~rtss handles", "GatewayReply");
            String handles = console.text().substring(console.text().lastIndexOf("HANDLE"));
            assertTrue(handles.matches("(?s).*SHARED_MEMORY +GatewayImage +4096 +mmap.*"), handles);
            assertTrue(handles.matches("(?s).*EVENT +GatewayReply +- +mmap.*"), handles);
            typeUntil(keys, console, "shm:personality NTX mappings", "is not active: no application has used it yet");

            Path log = home.resolve("log/shm.log.0");
            awaitFile(log, "gateway: the real-time side answered 'ACK 42.5' (reply 1)");

            // A bad value for the RTX personality is refused at the door of etc/: the personality keeps running with
            // its configuration, so the gateway keeps its handles and its count (a restart of the personality would
            // restart the gateway too: a new block, and the count back at 0).
            Files.writeString(home.resolve("etc/shm.personality.rtx-rtss.cfg"), "rtx.flavour = BOGUS\n",
                    StandardOpenOption.APPEND);
            awaitFile(log, "configuration shm.personality.rtx~rtss refused: rtx.flavour = 'BOGUS': must be one of"
                    + " LEGACY_RTX, RTX64; the previous configuration is kept");
            run(peer.toString(), root.toString(), GatewayComponent.IMAGE, "open", "write", "64", "ACK 43.0",
                    "close");
            run(peer.toString(), "-e", root.toString(), GatewayComponent.REPLY_EVENT, "open", "set", "close");
            typeUntil(keys, console, "gateway:status", "2 replies, last 'ACK 43.0'");

            Files.delete(deploy.resolve("shm.example.gateway.jar"));
            typeUntil(keys, console, "shm:list", "no objects");
            keys.close();
            assertTrue(runtime.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS), console.text());
            assertEquals(0, runtime.exitValue(), console.text());
            assertFalse(console.text().contains("\tat "), console.text());
        } finally {
            runtime.destroyForcibly();
        }
        try (var files = Files.list(root)) {
            assertEquals(List.of(), files.filter(f -> f.getFileName().toString().matches("[nhu]\\..+")).toList(),
                    "the gateway closed its handles and the C side its own: nothing is left");
        }
    }

    private static String property(String name) {
        String value = System.getProperty(name);
        if (value == null) {
            throw new IllegalStateException("the build passes the system property " + name);
        }
        return value;
    }

    /** Runs the C program to its end and answers its output lines; it must succeed. */
    private static List<String> run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), output);
        assertEquals(0, process.exitValue(), output);
        return output.lines().toList();
    }

    /** Types {@code command} once a second until the console shows {@code expected} (or the patience ends). */
    private static void typeUntil(OutputStream keys, Output console, String command, String expected)
            throws Exception {
        Instant deadline = Instant.now().plus(PATIENCE);
        int seen = console.text().length();
        while (true) {
            keys.write((command + "\n").getBytes(StandardCharsets.UTF_8));
            keys.flush();
            Thread.sleep(1000);
            if (console.text().substring(seen).contains(expected)) {
                return;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("no '" + expected + "' after " + command + ":\n" + console.text());
            }
        }
    }

    private static void awaitFile(Path file, String expected) throws Exception {
        Instant deadline = Instant.now().plus(PATIENCE);
        while (!Files.isRegularFile(file) || !Files.readString(file).contains(expected)) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError(file + " never held '" + expected + "'");
            }
            Thread.sleep(200);
        }
    }

    /** Everything the runtime printed, collected on a thread of its own. */
    private static final class Output {

        private final StringBuilder text = new StringBuilder();

        Output(Process process) {
            Thread.ofPlatform().daemon().name("runtime-output-" + process.pid()).start(() -> {
                byte[] buffer = new byte[8192];
                try (var in = process.getInputStream()) {
                    for (int n; (n = in.read(buffer)) >= 0; ) {
                        synchronized (text) {
                            text.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                        }
                    }
                } catch (IOException ended) {
                    // the process went away; what was read is kept
                }
            });
        }

        String text() {
            synchronized (text) {
                return text.toString();
            }
        }

        void await(String expected) throws InterruptedException {
            Instant deadline = Instant.now().plus(PATIENCE);
            while (!text().contains(expected)) {
                if (Instant.now().isAfter(deadline)) {
                    throw new AssertionError("the runtime did not print '" + expected + "':\n" + text());
                }
                Thread.sleep(100);
            }
        }
    }
}
