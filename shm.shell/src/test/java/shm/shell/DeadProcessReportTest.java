package shm.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import shm.api.ErrorReason;
import shm.api.ShmException;
import shm.provider.mmap.MmapBackend;
import shm.provider.mmap.MmapSettings;

/** The reaper against the real mmap backend and a real child process killed while it holds an object. */
class DeadProcessReportTest {

    @TempDir
    Path temporary;

    @Test
    void namesTheKilledHolderAndTheObjectIsGone() throws Exception {
        Path root = temporary.resolve("root");
        try (MmapBackend backend = new MmapBackend(MmapSettings.under(root))) {
            assertEquals("no dead process held handles", DeadProcessReport.reap(List.of(backend)));
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                    HoldingChild.class.getName(), root.toString(), "held").redirectErrorStream(true).start();
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream()));
                String line = CompletableFuture.supplyAsync(() -> {
                    try {
                        return out.readLine();
                    } catch (java.io.IOException e) {
                        return e.toString();
                    }
                }).get(30, TimeUnit.SECONDS);
                assertEquals("HOLDING", line);
                assertEquals(1, backend.lookup("held").orElseThrow().handleCount());
                child.destroyForcibly();
                assertTrue(child.waitFor(30, TimeUnit.SECONDS));
                ShellOperations shell = new ShellOperations(() -> new shm.core.NeutralSharedMemoryService(backend),
                        new HeldHandles(), () -> DeadProcessReport.dead(List.of(backend)));
                String listed = shell.list(List.of());
                assertTrue(listed.contains("held  SHARED_MEMORY") && listed.contains(child.pid() + " (dead) x1"),
                        listed);
                assertTrue(listed.endsWith("process " + child.pid() + " died holding handles: shm:reap releases them"
                        + " and destroys what only they held"), listed);
                assertEquals(1, java.nio.file.Files.list(root).filter(f -> f.getFileName().toString()
                        .startsWith("n.")).count(), "listing destroyed nothing");
                assertEquals("released the handles of dead process " + child.pid() + " in the mmap backend;"
                        + " destroyed 1 object only they held: 'held'", DeadProcessReport.reap(List.of(backend)));
                assertTrue(backend.lookup("held").isEmpty());
            } finally {
                child.destroyForcibly();
            }
        }
    }

    @Test
    void withoutABackendItSaysSo() {
        ShmException e = assertThrows(ShmException.class, () -> DeadProcessReport.reap(List.of()));
        assertEquals(ErrorReason.CLOSED, e.reason());
    }
}
