package shm.personality.rtx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static shm.api.rtx.RtxConstants.*;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import shm.api.rtx.RtxResult;
import shm.testkit.LineProcess;

/**
 * RTX lifetime across real processes: an object created through the personality in a child JVM is opened in this
 * one and destroyed when the last handle closes, in either order; a child that dies has its handle closed.
 */
class CrossProcessRtxTest {

    @RegisterExtension
    final RtxFixture store = new RtxFixture();
    private final RtxPersonality windows = store.windows();
    private LineProcess child;

    @AfterEach
    void close() throws IOException {
        if (child != null) {
            child.process().destroyForcibly();
        }
    }

    @Test
    void createdInAChildOpenedHereDestroyedByTheLastCloseHere() throws Exception {
        child = rtxChild(store.root, "RTSS_PROCESS");
        assertTrue(child.send("create telemetry 4096 from-rtss").startsWith("RESULT 0 "));
        RtxResult here = windows.RtOpenSharedMemory(SHM_MAP_WRITE, false, "telemetry");
        assertEquals("from-rtss", here.location().getString(0));
        here.location().setString(0, "from-windows");
        assertEquals("DATA from-windows", child.send("read"));
        assertEquals("CLOSED true 0", child.send("close"));
        assertEquals(List.of("n.telemetry"), store.objectFiles(), "this process still holds it");
        assertTrue(windows.RtCloseHandle(here.handle()));
        assertEquals(List.of(), store.objectFiles(), "the last RtCloseHandle in any process destroyed it");
        child.exit();
    }

    @Test
    void createdHereOpenedInAChildDestroyedByTheLastCloseThere() throws Exception {
        RtxResult here = windows.RtCreateSharedMemory(PAGE_READWRITE, 0, 4096, "setpoints");
        here.location().setString(0, "42");
        child = rtxChild(store.root, "WINDOWS_PROCESS");
        assertTrue(child.send("open setpoints").startsWith("RESULT 0 "));
        assertEquals("DATA 42", child.send("read"));
        assertTrue(windows.RtCloseHandle(here.handle()));
        assertEquals(List.of("n.setpoints"), store.objectFiles());
        assertEquals("CLOSED true 0", child.send("close"));
        assertEquals(List.of(), store.objectFiles());
        child.exit();
    }

    @Test
    void theEndOfAProcessClosesItsHandles() throws Exception {
        child = rtxChild(store.root, "RTSS_PROCESS");
        assertTrue(child.send("create orphan 4096 x").startsWith("RESULT 0 "));
        RtxResult here = windows.RtOpenSharedMemory(SHM_MAP_WRITE, false, "orphan");
        child.process().destroyForcibly();
        assertTrue(child.process().waitFor(30, TimeUnit.SECONDS));
        assertEquals(1, store.backend.lookup("orphan").orElseThrow().handleCount(), "the dead child's handle is gone");
        assertTrue(windows.RtCloseHandle(here.handle()));
        assertEquals(List.of(), store.objectFiles());
    }

    @Test
    void eventsPingPongBetweenProcesses() throws Exception {
        long go = windows.RtCreateEvent(false, false, "go").handle();
        long done = windows.RtCreateEvent(false, false, "done").handle();
        child = rtxChild(store.root, "RTSS_PROCESS");
        assertEquals("ECHOING", child.send("echo-events go done 200"));
        for (int i = 0; i < 200; i++) {
            assertTrue(windows.RtSetEvent(go));
            assertEquals(WAIT_OBJECT_0, windows.RtWaitForSingleObject(done, 30_000), "round trip " + i);
        }
        assertEquals("ECHOED", child.nextLine());
        child.exit();
    }

    @Test
    void aKilledMutexOwnerLeavesTheMutexAbandonedNotDeadlocked() throws Exception {
        child = rtxChild(store.root, "RTSS_PROCESS");
        assertTrue(child.send("own-mutex guard").startsWith("RESULT 0 "));
        long mutex = windows.RtOpenMutex(0, false, "guard").handle();
        assertEquals(WAIT_TIMEOUT, windows.RtWaitForSingleObject(mutex, 10), "a live owner holds it");
        child.process().destroyForcibly();
        assertTrue(child.process().waitFor(30, TimeUnit.SECONDS));
        assertEquals(WAIT_ABANDONED, windows.RtWaitForSingleObject(mutex, 30_000));
        assertTrue(windows.RtReleaseMutex(mutex));
        assertEquals(WAIT_OBJECT_0, windows.RtWaitForSingleObject(mutex, 0));
        assertTrue(windows.RtReleaseMutex(mutex));
    }

    /** A child JVM running {@link RtxChildMain}, ready; its answers are awaited with a deadline. */
    private static LineProcess rtxChild(Path root, String context) {
        return LineProcess.startJvm(RtxChildMain.class, "", List.of(), root.toString(), context).awaitReady();
    }
}
