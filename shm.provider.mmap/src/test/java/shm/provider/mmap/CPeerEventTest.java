package shm.provider.mmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import shm.api.NamedEvent;
import shm.api.WaitResult;
import shm.testkit.CExample;
import shm.testkit.StoreFixture;

/**
 * The C peer's event steps ({@code shm_peer -e ROOT NAME open set|wait MS}, examples/c) against events the Java
 * backend made: a C set releases a Java wait, a Java set releases a C wait, for both kinds of reset; a C wait with
 * nobody setting times out.
 */
class CPeerEventTest {

    @RegisterExtension
    final StoreFixture<MmapBackend> store = MmapStores.fresh();
    private final MmapBackend backend = store.backend();
    private Path binary;

    @BeforeEach
    void build() {
        CExample c = CExample.shmPeer();
        assumeTrue(c.binary().isPresent(), () -> c.unavailable().orElse(""));
        binary = c.binary().orElseThrow();
    }

    @Test
    void aCSetReleasesAJavaWaitAndAJavaSetACWait() throws Exception {
        for (boolean manual : new boolean[] {false, true}) {
            String name = manual ? "manual" : "auto";
            try (NamedEvent event = backend.createOrOpenEvent(name, manual, false)) {
                List<String> set = run(name, "open", "set", "set");
                assertTrue(set.contains("SET was=0") && set.contains("SET was=1"), set.toString());
                assertEquals(WaitResult.SIGNALED, event.await(Duration.ofSeconds(10)));
                if (manual) {
                    event.reset();
                }
                assertEquals(WaitResult.TIMEOUT, event.await(Duration.ZERO), name + ": the set was taken or reset");

                CompletableFuture<List<String>> waiting = CompletableFuture.supplyAsync(() -> run(name, "open",
                        "wait", "30000"));
                Thread.sleep(300); // usually the C side sleeps in the kernel by now; the protocol does not need it
                event.set();
                List<String> waited = waiting.get(60, TimeUnit.SECONDS);
                assertTrue(waited.contains("WAITED result=SIGNALED"), waited.toString());
                assertEquals(manual ? WaitResult.SIGNALED : WaitResult.TIMEOUT, event.await(Duration.ZERO),
                        name + ": an auto-reset set released exactly the one C wait");
            }
        }
    }

    @Test
    void aCWaitWithNobodySettingTimesOut() {
        try (NamedEvent event = backend.createOrOpenEvent("quiet", false, false)) {
            List<String> waited = run("quiet", "open", "wait", "50");
            assertTrue(waited.contains("WAITED result=TIMEOUT"), waited.toString());
            assertEquals(WaitResult.TIMEOUT, event.await(Duration.ZERO));
        }
    }

    @Test
    void memoryStepsAreRefusedForAnEvent() throws Exception {
        Process c = new ProcessBuilder(binary.toString(), "-e", store.root().toString(), "x", "open", "read", "0",
                "4").redirectErrorStream(true).start();
        String output = new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(c.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, c.exitValue(), output);
        assertTrue(output.contains("step 'read' is not for an event (-e)"), output);
    }

    private List<String> run(String name, String... steps) {
        List<String> command = new ArrayList<>(List.of(binary.toString(), "-e", store.root().toString(), name));
        command.addAll(List.of(steps));
        try {
            Process c = new ProcessBuilder(command).redirectErrorStream(true).start();
            c.getOutputStream().close();
            String output = new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(c.waitFor(60, TimeUnit.SECONDS), output);
            assertEquals(0, c.exitValue(), output);
            return output.lines().toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
