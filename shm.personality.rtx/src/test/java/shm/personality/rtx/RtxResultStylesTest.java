package shm.personality.rtx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static shm.api.rtx.RtxConstants.*;


import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import shm.api.rtx.RtxResult;

/**
 * Results read as the C declarations read (issue 15): the BOOLEAN form of {@code RtkCloseHandle} and the BOOL form of
 * {@code RtReleaseSemaphore} are TRUE on success, {@code NT_SUCCESS} accepts the RTX64 informational status, and the
 * configured {@code flProtect} encoding decides what 2 means (behaviour table R21).
 */
import shm.testkit.BackendUnderTest;

class RtxResultStylesTest {

    @RegisterExtension
    final RtxFixture store = new RtxFixture();

    @Test
    void theLegacyRtkCloseHandleIsTrueOnSuccessAndStoresTheErrorCode() {
        RtxPersonality driver = store.rtss();
        long inst = driver.RtkRtssAttach(1).value();
        long handle = driver.RtkCreateSharedMemory(inst, 0, 0, 64, "rtk").handle();
        int[] errorCode = {-1};
        assertTrue(driver.RtkCloseHandle(inst, errorCode, handle), "if (!RtkCloseHandle(...)) keeps its meaning");
        assertEquals(ERROR_SUCCESS, errorCode[0]);
        assertFalse(driver.RtkCloseHandle(inst, errorCode, handle), "a second close fails");
        assertEquals(ERROR_INVALID_HANDLE, errorCode[0]);
        assertFalse(driver.RtkCloseHandle(inst, null, handle), "pErrorCode may be NULL");
    }

    @Test
    void ntSuccessReadsTheRtx64StatusOfACreateThatFoundTheObject() {
        RtxPersonality driver = store.process(CallerContext.RTSS_PROCESS, Flavour.RTX64);
        long inst = driver.RtkRtssAttach(1).value();
        RtxResult first = driver.RtkCreateSharedMemory(inst, 0, 0, 64, "nt");
        RtxResult again = driver.RtkCreateSharedMemory(inst, 0, 0, 64, "nt");
        assertEquals(STATUS_SUCCESS, first.errorCode());
        assertEquals(STATUS_OBJECT_NAME_EXISTS, again.errorCode());
        assertTrue(NT_SUCCESS(again.errorCode()), "0x40000000 is a success");
        assertTrue(NT_SUCCESS(driver.RtkCloseHandle(inst, again.handle())));
        assertFalse(NT_SUCCESS(driver.RtkCloseHandle(inst, again.handle())), "STATUS_UNSUCCESSFUL: already closed");
    }

    @Test
    void theBoolRtReleaseSemaphoreIsTrueOnSuccessWithThePreviousCount() {
        RtxPersonality process = store.rtss();
        long semaphore = process.RtCreateSemaphore(1, 2, "sem").handle();
        int[] previous = {-1};
        assertTrue(process.RtReleaseSemaphore(semaphore, 1, previous));
        assertEquals(1, previous[0]);
        assertFalse(process.RtReleaseSemaphore(semaphore, 1, previous), "beyond the maximum");
        assertEquals(ERROR_TOO_MANY_POSTS, process.RtGetLastError());
        assertEquals(1, previous[0], "untouched on failure");
        assertFalse(process.RtReleaseSemaphore(semaphore, 1, null), "lpPreviousCount may be NULL");
    }

    @Test
    void thePageEncodingReadsTwoAsPageReadonly() {
        RtxPersonality rtss = store.rtss();
        rtss.RtCreateSharedMemory(0, 0, 64, "enc");
        RtxPersonality page = store.process(new RtxSettings(CallerContext.WINDOWS_PROCESS, Flavour.LEGACY_RTX, 260)
                .withProtectEncoding(ProtectEncoding.PAGE));
        RtxPersonality shmMap = store.windows();
        assertTrue(page.RtCreateSharedMemory(PAGE_READONLY, 0, 64, "enc").location().isReadOnly(),
                "PAGE: 2 is PAGE_READONLY");
        assertFalse(page.RtCreateSharedMemory(PAGE_READWRITE, 0, 64, "enc").location().isReadOnly());
        assertEquals(ERROR_INVALID_PARAMETER, page.RtCreateSharedMemory(SHM_MAP_READ, 0, 64, "enc").errorCode(),
                "1 is no PAGE_* protection");
        assertTrue(page.RtCreateSharedMemory(SHM_MAP_READ, 0, 64, "enc").error().orElseThrow().getMessage()
                .contains("rtx.protectEncoding = PAGE"));
        assertFalse(shmMap.RtCreateSharedMemory(SHM_MAP_WRITE, 0, 64, "enc").location().isReadOnly(),
                "the default (SHM_MAP): 2 is SHM_MAP_WRITE");
        assertEquals(ProtectEncoding.SHM_MAP, RtxSettings.defaults().protectEncoding());
    }

    @Test
    void anInterruptEndsAnInfiniteWaitWithWaitFailedAndOperationAborted() throws Exception {
        Assumptions.assumeTrue(System.getProperty(BackendUnderTest.PROPERTY, "").isBlank(),
                "needs the mmap backend (the C peer reads its store; waits block on its futex words)");
        RtxPersonality process = store.rtss();
        long event = process.RtCreateEvent(false, false, "never").handle();
        java.util.concurrent.CompletableFuture<int[]> outcome = new java.util.concurrent.CompletableFuture<>();
        Thread waiter = Thread.ofPlatform().daemon().start(() -> outcome.complete(new int[] {
                process.RtWaitForSingleObject(event, INFINITE), process.RtGetLastError(),
                Thread.currentThread().isInterrupted() ? 1 : 0}));
        Thread.sleep(50);
        waiter.interrupt();
        int[] answer = outcome.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(WAIT_FAILED, answer[0]);
        assertEquals(ERROR_OPERATION_ABORTED, answer[1]);
        assertEquals(1, answer[2], "the thread keeps its interrupt status");
        assertTrue(process.RtSetEvent(event));
        assertEquals(WAIT_OBJECT_0, process.RtWaitForSingleObject(event, 0), "the event was not consumed");
    }
}
