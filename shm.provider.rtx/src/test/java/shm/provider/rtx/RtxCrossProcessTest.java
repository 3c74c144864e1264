package shm.provider.rtx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import shm.api.MapOptions;
import shm.api.NamedMutex;
import shm.api.ObjectType;
import shm.api.WaitResult;
import shm.api.spi.BackendHandle;
import shm.provider.win32.Win32Backend;
import shm.testkit.LineProcess;
import shm.testkit.TestDoubleFixture;
import shm.testkit.TestDoubleStore;

/** Two real processes sharing objects through the RTX backend over the test double. */
class RtxCrossProcessTest {

    @RegisterExtension
    final TestDoubleFixture<Win32Backend> vendor = new TestDoubleFixture<>(RtxDouble.library(), RtxDouble::backend);
    private final TestDoubleStore store = vendor.store;
    private final Win32Backend backend = vendor.backend;

    private LineProcess child() {
        Path lib = RtxDouble.library();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                RtxDoubleChild.class.getName(), lib.toString()));
        return LineProcess.start("rtx-child", command, store.environment()).awaitReady();
    }

    @Test
    void twoProcessesShareMemoryAndTheDeadOnesHandlesAreReleased() throws Exception {
        try (BackendHandle mine = backend.createOrOpen(ObjectType.SHARED_MEMORY, "xp", 4096, MapOptions.DEFAULT);
             LineProcess child = child()) {
            mine.segment().setString(0, "from the parent");
            assertEquals("OPENED 4096", child.send("open xp"));
            assertEquals("DATA from the parent", child.send("read"));
            assertEquals("WROTE", child.send("write from the child"));
            assertEquals("from the child", mine.segment().getString(0));
            assertEquals(2, store.handleCount("xp"));
            child.process().destroyForcibly().waitFor();
            waitUntil(() -> store.handleCount("xp") == 1, "the double closed the dead child's handle");
        }
        assertEquals(-1, store.handleCount("xp"));
    }

    @Test
    void aMutexWhoseOwnerDiedIsAcquiredAbandoned() throws Exception {
        try (LineProcess child = child()) {
            assertEquals("OWNED SIGNALED", child.send("own-mutex held"));
            try (NamedMutex mutex = backend.openMutex("held")) {
                assertEquals(WaitResult.TIMEOUT, mutex.acquire(Duration.ZERO));
                child.process().destroyForcibly().waitFor();
                assertEquals(WaitResult.ABANDONED, mutex.acquire(Duration.ofSeconds(30)));
                assertTrue(mutex.heldByCurrentThread());
                mutex.release();
            }
        }
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition, String what) throws Exception {
        Instant deadline = Instant.now().plus(LineProcess.DEADLINE);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("not within " + LineProcess.DEADLINE + ": " + what);
            }
            Thread.sleep(20);
        }
    }
}
