package shm.personality.intime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static shm.api.intime.IntimeConstants.*;
import static shm.api.intime.IntimeTables.ROOT_PROCESS_HANDLE;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import shm.api.intime.RtHandleResult;

/**
 * INtime's object directories (§2.2 "Naming"): one per process plus the root process's, names of 1 to 12 bytes or
 * long names hashed to a short key, one object under several names, lookups that wait.
 */
class ObjectDirectoriesTest {

    @RegisterExtension
    final IntimeFixture store = new IntimeFixture();
    private final IntimePersonality a = store.process();
    private final IntimePersonality b = store.process();
    private final int memory = a.CreateRtMemoryHandle(a.AllocateRtMemory(64).address(), 64).handle();

    @Test
    void eachProcessHasItsOwnDirectoryAndTheRootProcessOneForAll() {
        assertTrue(a.CatalogRtHandle(NULL_RTHANDLE, memory, "mine"));
        assertEquals(memory, a.LookupRtHandle(NULL_RTHANDLE, "mine", NO_WAIT).handle());
        int self = a.GetRtThreadHandles(THIS_PROCESS).handle();
        assertEquals(memory, a.LookupRtHandle(self, "mine", NO_WAIT).handle(), "NULL_RTHANDLE is this process");
        assertEquals(E_TIME, b.LookupRtHandle(NULL_RTHANDLE, "mine", NO_WAIT).status(), "b's own directory");
        assertEquals(E_TIME, b.LookupRtHandle(ROOT_PROCESS_HANDLE, "mine", NO_WAIT).status());
        assertEquals(memory, b.LookupRtHandle(self, "mine", NO_WAIT).handle(), "with a's handle b reaches a's");
    }

    @Test
    void theRecommendedModelCatalogsProcessesInTheRootAndObjectsInTheirProcess() {
        assertTrue(a.CatalogRtHandle(ROOT_PROCESS_HANDLE, a.GetRtThreadHandles(THIS_PROCESS).handle(), "PROC"));
        assertTrue(a.CatalogRtHandle(NULL_RTHANDLE, memory, "OBJ"));
        int root = b.GetRtThreadHandles(ROOT_PROCESS).handle();
        int process = b.LookupRtHandle(root, "PROC", WAIT_FOREVER).handle();
        int object = b.LookupRtHandle(process, "OBJ", WAIT_FOREVER).handle();
        assertEquals(memory, object);
        assertTrue(b.MapRtSharedMemory(object).succeeded());
    }

    @Test
    void catalogingAHandleInAnotherProcessesDirectoryNeedsItsHandle() {
        int aProcess = a.GetRtThreadHandles(THIS_PROCESS).handle();
        int bMemory = b.CreateRtMemoryHandle(b.AllocateRtMemory(8).address(), 8).handle();
        assertTrue(b.CatalogRtHandle(aProcess, bMemory, "from-b"));
        assertEquals(bMemory, a.LookupRtHandle(NULL_RTHANDLE, "from-b", NO_WAIT).handle());
    }

    @Test
    void oneObjectMayHaveSeveralNamesButANameNamesOneObjectPerDirectory() {
        assertTrue(a.CatalogRtHandle(ROOT_PROCESS_HANDLE, memory, "one"));
        assertTrue(a.CatalogRtHandle(ROOT_PROCESS_HANDLE, memory, "two"));
        assertTrue(a.CatalogRtHandle(NULL_RTHANDLE, memory, "one"), "another directory");
        assertFalse(b.CatalogRtHandle(ROOT_PROCESS_HANDLE, memory, "one"));
        assertEquals(E_CONTEXT, b.GetLastRtError());
    }

    @Test
    void namesAreCaseSensitiveAnyByteButNul() {
        assertTrue(a.CatalogRtHandle(ROOT_PROCESS_HANDLE, memory, "Name"));
        assertEquals(E_TIME, b.LookupRtHandle(ROOT_PROCESS_HANDLE, "name", NO_WAIT).status());
        assertTrue(a.CatalogRtHandle(ROOT_PROCESS_HANDLE, memory, "\u0001 /\\~"));
        assertEquals(memory, b.LookupRtHandle(ROOT_PROCESS_HANDLE, "\u0001 /\\~", NO_WAIT).handle());
        assertFalse(a.CatalogRtHandle(ROOT_PROCESS_HANDLE, memory, "nul\0"));
        assertEquals(E_PARAM, a.GetLastRtError());
        assertFalse(a.CatalogRtHandle(ROOT_PROCESS_HANDLE, memory, ""));
        assertEquals(E_PARAM, a.GetLastRtError());
        assertEquals(E_PARAM, a.LookupRtHandle(ROOT_PROCESS_HANDLE, null, NO_WAIT).status());
    }

    @Test
    void aNullHandleMayBeCataloged() {
        assertTrue(a.CatalogRtHandle(ROOT_PROCESS_HANDLE, NULL_RTHANDLE, "placeholder"));
        RtHandleResult found = b.LookupRtHandle(ROOT_PROCESS_HANDLE, "placeholder", NO_WAIT);
        assertTrue(found.succeeded());
        assertEquals(NULL_RTHANDLE, found.handle());
    }

    @Test
    void badHandlesAreRefused() {
        assertFalse(a.CatalogRtHandle(ROOT_PROCESS_HANDLE, 0x1230, "bad-object"));
        assertEquals(E_EXIST, a.GetLastRtError());
        assertFalse(a.CatalogRtHandle(0x0FFC, memory, "bad-process"));
        assertEquals(E_EXIST, a.GetLastRtError());
        assertFalse(a.CatalogRtHandle(memory, memory, "not-process"));
        assertEquals(E_TYPE, a.GetLastRtError(), "hProcess is an RT handle, not a process");
        assertEquals(E_TYPE, a.LookupRtHandle(memory, "x", NO_WAIT).status());
        assertFalse(a.UncatalogRtHandle(memory, "x"));
        assertEquals(E_TYPE, a.GetLastRtError());
    }

    @Test
    void uncatalogRemovesTheNameAndFailsWithEContextWhenItIsNotThere() {
        assertTrue(a.CatalogRtHandle(ROOT_PROCESS_HANDLE, memory, "gone-soon"));
        assertTrue(b.UncatalogRtHandle(ROOT_PROCESS_HANDLE, "gone-soon"), "any process may uncatalog");
        assertEquals(E_TIME, a.LookupRtHandle(ROOT_PROCESS_HANDLE, "gone-soon", NO_WAIT).status());
        assertFalse(a.UncatalogRtHandle(ROOT_PROCESS_HANDLE, "gone-soon"));
        assertEquals(E_CONTEXT, a.GetLastRtError());
        assertTrue(b.CatalogRtHandle(ROOT_PROCESS_HANDLE, memory, "gone-soon"), "the name is free again");
    }

    @Test
    void longNamesAreCatalogedLookedUpAndUncatalogedByTheirLongCalls() {
        String longName = "Plant/Line-4/Station-12/Setpoints (the long way)";
        assertTrue(a.CatalogRtHandleLong(ROOT_PROCESS_HANDLE, memory, longName));
        assertEquals(memory, b.LookupRtHandleLong(ROOT_PROCESS_HANDLE, longName, NO_WAIT).handle());
        assertEquals(E_TIME, b.LookupRtHandleLong(ROOT_PROCESS_HANDLE, longName + "!", NO_WAIT).status());
        assertEquals(E_PARAM, b.LookupRtHandle(ROOT_PROCESS_HANDLE, longName, NO_WAIT).status(),
                "the short call refuses a long name");
        assertFalse(b.CatalogRtHandleLong(ROOT_PROCESS_HANDLE, memory, longName));
        assertEquals(E_CONTEXT, b.GetLastRtError());
        assertTrue(b.UncatalogRtHandleLong(ROOT_PROCESS_HANDLE, longName));
        assertFalse(b.UncatalogRtHandleLong(ROOT_PROCESS_HANDLE, longName));
        assertEquals(E_CONTEXT, b.GetLastRtError());
        assertTrue(a.CatalogRtHandleLong(ROOT_PROCESS_HANDLE, memory, "short"), "a short long name is fine");
    }

    @Test
    void aLookupWaitsForTheNameToBeCataloged() throws Exception {
        CompletableFuture<RtHandleResult> forever = CompletableFuture.supplyAsync(
                () -> b.LookupRtHandle(ROOT_PROCESS_HANDLE, "later", WAIT_FOREVER));
        CompletableFuture<RtHandleResult> bounded = CompletableFuture.supplyAsync(
                () -> b.LookupRtHandleLong(ROOT_PROCESS_HANDLE, "later, long", 600_000));
        assertFalse(forever.isDone());
        assertTrue(a.CatalogRtHandle(ROOT_PROCESS_HANDLE, memory, "later"));
        assertTrue(a.CatalogRtHandleLong(ROOT_PROCESS_HANDLE, memory, "later, long"));
        assertEquals(memory, forever.get(30, TimeUnit.SECONDS).handle());
        assertEquals(memory, bounded.get(30, TimeUnit.SECONDS).handle());
    }

    @Test
    void aWaitEndsWithETimeWhenInterruptedAndWithEExistWhenTheProcessEnds() throws Exception {
        CompletableFuture<int[]> interrupted = new CompletableFuture<>();
        Thread waiter = Thread.ofPlatform().start(() -> {
            RtHandleResult r = b.LookupRtHandle(ROOT_PROCESS_HANDLE, "never", WAIT_FOREVER);
            interrupted.complete(new int[] {r.status(), Thread.currentThread().isInterrupted() ? 1 : 0});
        });
        waiter.interrupt();
        assertEquals(E_TIME, interrupted.get(30, TimeUnit.SECONDS)[0]);
        assertEquals(1, interrupted.get()[1], "the thread keeps its interrupt");

        IntimePersonality ending = store.process();
        CompletableFuture<RtHandleResult> waiting = CompletableFuture.supplyAsync(
                () -> ending.LookupRtHandle(ROOT_PROCESS_HANDLE, "never", WAIT_FOREVER));
        ending.close();
        assertEquals(E_EXIST, waiting.get(30, TimeUnit.SECONDS).status());
    }
}
