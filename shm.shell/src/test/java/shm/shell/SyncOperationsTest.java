package shm.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import shm.api.NamedMutex;
import shm.api.ShmException;
import shm.core.NeutralSharedMemoryService;
import shm.provider.mmap.MmapBackend;
import shm.provider.mmap.MmapSettings;
import shm.testkit.Await;

/** The event, mutex and semaphore commands against the real neutral service over the real mmap backend. */
class SyncOperationsTest {

    @TempDir
    Path temporary;

    private MmapBackend backend;
    private NeutralSharedMemoryService service;
    private SyncOperations sync;

    @BeforeEach
    void openService() {
        backend = new MmapBackend(MmapSettings.under(temporary.resolve("root")));
        service = new NeutralSharedMemoryService(backend);
        sync = new SyncOperations(() -> service, service::list);
    }

    @AfterEach
    void closeService() {
        sync.closeEverything();
        service.close();
        backend.close();
    }

    private static List<String> words(String... words) {
        return Arrays.asList(words);
    }

    @Test
    void eventCreateSetWaitResetAndClose() {
        assertEquals("created event 'go' (manual reset)", sync.event(words("create", "go", "manual")));
        assertEquals("waited on event 'go': timed out", sync.event(words("wait", "go", "10")));
        assertEquals("set event 'go'", sync.event(words("set", "go")));
        assertEquals("waited on event 'go': signaled", sync.event(words("wait", "go", "1000")));
        assertTrue(sync.event(words("state", "go")).startsWith("'go' EVENT: "), sync.event(words("state", "go")));
        assertEquals("reset event 'go'", sync.event(words("reset", "go")));
        assertEquals("waited on event 'go': timed out", sync.event(words("wait", "go")));
        assertEquals("closed event 'go'", sync.event(words("close", "go")));
        assertEquals("this shell holds no event 'go': nothing to close", sync.event(words("close", "go")));
    }

    @Test
    void closeLetsGoOfTheObjectSoItsLastCloseDestroysIt() {
        sync.event(words("create", "ev"));
        sync.mutex(words("create", "mx"));
        sync.semaphore(words("create", "sem", "0", "1"));
        assertEquals(List.of("ev", "mx", "sem"), listedNames());

        assertEquals("closed event 'ev'", sync.event(words("close", "ev")));
        assertEquals("closed mutex 'mx'", sync.mutex(words("close", "mx")));
        assertEquals("closed semaphore 'sem'", sync.semaphore(words("close", "sem")));
        assertEquals(List.of(), listedNames(), "a closed handle still holds its object");
    }

    private List<String> listedNames() {
        return service.list().stream().map(object -> object.name()).sorted().toList();
    }

    @Test
    void mutexIsOwnedByTheShellsThreadAcrossCommandsOnOtherThreads() throws Exception {
        assertEquals("created mutex 'lock'", sync.mutex(words("create", "lock")));
        assertEquals("acquired mutex 'lock'", CompletableFuture.supplyAsync(() -> sync.mutex(words("wait", "lock",
                "1000"))).get(10, TimeUnit.SECONDS));
        assertEquals("released mutex 'lock'", CompletableFuture.supplyAsync(() -> sync.mutex(words("release",
                "lock"))).get(10, TimeUnit.SECONDS));
        ShmException notOwned = assertThrows(ShmException.class, () -> sync.mutex(words("release", "lock")));
        assertTrue(notOwned.getMessage().contains("WRONG_STATE"), notOwned.getMessage());
        assertEquals("closed mutex 'lock'", sync.mutex(words("close", "lock")));
    }

    @Test
    void aWaitHoldsUpNoOtherCommandAndASetFromAnotherSessionEndsIt() throws Exception {
        sync.event(words("create", "go"));
        CompletableFuture<String> waited = new CompletableFuture<>();
        Thread waiter = Thread.ofPlatform().name("waiting command").start(() -> {
            try {
                waited.complete(sync.event(words("wait", "go", "20000")));
            } catch (RuntimeException failed) {
                waited.completeExceptionally(failed);
            }
        });
        Await.until("the wait to begin", () -> Arrays.stream(waiter.getStackTrace())
                .anyMatch(frame -> frame.getMethodName().equals("sliced")));

        // Another session's commands meanwhile: they run at once, and the set ends the wait.
        assertEquals("created semaphore 'other' (maximum 1)", CompletableFuture.supplyAsync(() -> sync.semaphore(
                words("create", "other", "0", "1"))).get(5, TimeUnit.SECONDS));
        assertEquals("set event 'go'", CompletableFuture.supplyAsync(() -> sync.event(words("set", "go")))
                .get(5, TimeUnit.SECONDS));
        assertEquals("waited on event 'go': signaled", waited.get(10, TimeUnit.SECONDS));
    }

    @Test
    void closingAMutexEndsAWaitOnItInsteadOfWaitingItOut() throws Exception {
        // Threads of its own: the common pool may have a single thread on a small machine, which the wait would take.
        try (NamedMutex owner = service.createOrOpenMutex("held", true);
                ExecutorService sessions = Executors.newCachedThreadPool()) {
            assertEquals("opened mutex 'held'", sync.mutex(words("open", "held")));
            CompletableFuture<String> waited = CompletableFuture.supplyAsync(() -> sync.mutex(words("wait", "held",
                    "20000")), sessions);
            Await.until("the wait on the mutex to begin", () -> Thread.getAllStackTraces().entrySet().stream()
                    .anyMatch(thread -> thread.getKey().getName().equals("shm:mutex held")
                            && Arrays.stream(thread.getValue()).anyMatch(f -> f.getMethodName().equals("sliced"))));

            assertEquals("closed mutex 'held'", CompletableFuture.supplyAsync(() -> sync.mutex(words("close", "held")),
                    sessions).get(5, TimeUnit.SECONDS));
            ExecutionException ended = assertThrows(ExecutionException.class, () -> waited.get(5, TimeUnit.SECONDS));
            assertEquals("the mutex was closed while this command waited: the wait was given up",
                    ended.getCause().getMessage());
            assertTrue(owner.heldByCurrentThread(), "the owner lost the mutex");
        }
    }

    @Test
    void semaphoreCountsDownAndUp() {
        assertEquals("created semaphore 'slots' (maximum 2)", sync.semaphore(words("create", "slots", "1", "2")));
        assertEquals("waited on semaphore 'slots': signaled", sync.semaphore(words("wait", "slots", "100")));
        assertEquals("waited on semaphore 'slots': timed out", sync.semaphore(words("wait", "slots", "100")));
        assertEquals("released semaphore 'slots' by 2 (count was 0)", sync.semaphore(words("release", "slots", "2")));
        assertThrows(ShmException.class, () -> sync.semaphore(words("release", "slots")));
    }

    @Test
    void badWordsAreUsageErrorsAndUnheldNamesSaySo() {
        assertThrows(UsageException.class, () -> sync.event(words()));
        assertThrows(UsageException.class, () -> sync.event(words("create")));
        assertThrows(UsageException.class, () -> sync.event(words("frobnicate", "go")));
        assertThrows(UsageException.class, () -> sync.event(words("create", "go", "loud")));
        assertThrows(UsageException.class, () -> sync.semaphore(words("create", "s", "1")));
        assertThrows(UsageException.class, () -> sync.event(words("create", null)));
        CommandFailure unheld = assertThrows(CommandFailure.class, () -> sync.event(words("set", "nothing")));
        assertEquals("error: this shell holds no event 'nothing': create or open it first (shm:event open nothing)",
                unheld.toString());
    }

    @Test
    void anInterruptEndsALongWaitWithinASlice() throws Exception {
        sync.event(words("create", "never"));
        Thread waiter = Thread.currentThread();
        CompletableFuture.runAsync(() -> {
            try {
                Thread.sleep(200);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
            waiter.interrupt();
        });
        Instant start = Instant.now();
        CommandFailure interrupted = assertThrows(CommandFailure.class,
                () -> sync.event(words("wait", "never", "600000")));
        assertTrue(Duration.between(start, Instant.now()).toSeconds() < 60, "the wait ended long before its timeout");
        assertEquals("interrupted: the wait was given up", interrupted.getMessage());
        Thread.interrupted();
    }
}
