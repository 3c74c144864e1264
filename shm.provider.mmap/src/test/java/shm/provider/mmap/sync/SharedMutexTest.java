package shm.provider.mmap.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import shm.api.WaitResult;
import shm.testkit.Await;

/**
 * Mutex semantics with threads of one process, and dead owners made from real processes that ended, are zombies,
 * or whose pid now names another process (the kill of a real owner is in {@link CrossProcessSyncTest}).
 */
class SharedMutexTest {

    private static final Duration LONG = Duration.ofSeconds(30);
    private static final Duration SHORT = Duration.ofMillis(30);

    private final Futex futex = new Futex();
    @RegisterExtension
    final SharedFile file = SharedFile.create();
    private final MemorySegment block = file.slot(0);
    private final ExecutorService other = Executors.newSingleThreadExecutor();
    @RegisterExtension
    final Waiters<WaitResult> waiters = new Waiters<>();
    private SharedMutex mutex;

    @AfterEach
    void close() {
        other.shutdownNow();
    }

    private SharedMutex mutex() {
        SharedMutex.initialize(block);
        mutex = new SharedMutex(block, futex);
        return mutex;
    }

    private <T> T onOtherThread(Callable<T> call) {
        return Waiters.answer(other.submit(call));
    }

    @Test
    void theOwnerAcquiresRecursivelyAndReleasesLevelByLevel() {
        SharedMutex m = mutex();
        assertEquals(WaitResult.SIGNALED, m.acquire(Duration.ZERO));
        assertEquals(WaitResult.SIGNALED, m.acquire(LONG));
        assertEquals(WaitResult.SIGNALED, m.acquire(Duration.ZERO));
        assertTrue(m.heldByCurrentThread());
        assertEquals(Optional.of(new SharedMutex.Owner(ProcessHandle.current().pid(),
                Thread.currentThread().threadId(), 3)), m.currentOwner());
        m.release();
        m.release();
        assertTrue(m.heldByCurrentThread());
        assertEquals(WaitResult.TIMEOUT, onOtherThread(() -> m.acquire(SHORT)), "one level still held");
        m.release();
        assertFalse(m.heldByCurrentThread());
        assertEquals(Optional.empty(), m.currentOwner());
        assertEquals(WaitResult.SIGNALED, onOtherThread(() -> m.acquire(Duration.ZERO)));
        assertFalse(m.heldByCurrentThread());
    }

    @Test
    void onlyTheOwningThreadMayRelease() {
        SharedMutex m = mutex();
        IllegalMonitorStateException free = assertThrows(IllegalMonitorStateException.class, m::release);
        assertTrue(free.getMessage().contains("only the thread that owns a shared mutex may release it"),
                free.getMessage());
        assertTrue(free.getMessage().contains("it is free"), free.getMessage());
        assertEquals(WaitResult.SIGNALED, m.acquire(Duration.ZERO));
        IllegalMonitorStateException notOwner = onOtherThread(() -> {
            try {
                m.release();
                return null;
            } catch (IllegalMonitorStateException e) {
                return e;
            }
        });
        assertTrue(notOwner.getMessage().contains("thread " + Thread.currentThread().threadId()),
                notOwner.getMessage());
        assertTrue(m.heldByCurrentThread(), "the refused release changed nothing");
        assertEquals(WaitResult.TIMEOUT, onOtherThread(() -> m.acquire(Duration.ZERO)));
        m.release();
    }

    @Test
    void aReleaseWakesTheBlockedAcquirer() {
        SharedMutex m = mutex();
        assertEquals(WaitResult.SIGNALED, m.acquire(Duration.ZERO));
        Future<WaitResult> blocked = other.submit(() -> m.acquire(LONG));
        Await.until("the acquirer announced itself (WAITERS)", () ->
                (Words.getLong(block, SharedMutex.OWNER_OFFSET) & SharedMutex.WAITERS) != 0);
        m.release();
        assertEquals(WaitResult.SIGNALED, Waiters.answer(blocked));
        assertEquals(Boolean.TRUE, onOtherThread(m::heldByCurrentThread));
        onOtherThread(() -> {
            m.release();
            return null;
        });
        assertEquals(0, Words.getLong(block, SharedMutex.OWNER_OFFSET), "released: the owner word is 0 again");
    }

    @Test
    void releaseAllDropsEveryLevelOfTheCallingThreadOnly() {
        SharedMutex m = mutex();
        assertEquals(0, m.releaseAll());
        m.acquire(Duration.ZERO);
        m.acquire(Duration.ZERO);
        assertEquals(0, onOtherThread(m::releaseAll));
        assertEquals(2, m.releaseAll());
        assertEquals(Optional.empty(), m.currentOwner());
    }

    @Test
    void anOwnerProcessThatEndedAbandonsTheMutex() throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "30").start();
        long start = ProcessStat.of(sleeper.pid()).orElseThrow().startTime();
        sleeper.destroyForcibly();
        assertTrue(sleeper.waitFor(30, TimeUnit.SECONDS));
        SharedMutex m = mutex();
        plantOwner(sleeper.pid(), start);
        assertEquals(WaitResult.ABANDONED, m.acquire(Duration.ZERO), "even a try takes over from the dead");
        assertEquals(Optional.of(new SharedMutex.Owner(ProcessHandle.current().pid(),
                Thread.currentThread().threadId(), 1)), m.currentOwner(), "new owner, one level");
        m.release();
        assertEquals(WaitResult.SIGNALED, m.acquire(Duration.ZERO));
        m.release();
    }

    @Test
    void aZombieOwnerAbandonsTheMutex() throws Exception {
        // sh starts a child, then becomes 'sleep', which never waits for it; the child is killed only once sh is
        // gone (a child that ended before the exec could be reaped by sh), so it stays a zombie whatever the load.
        Process parent = new ProcessBuilder("sh", "-c", "sleep 60 & echo $!; exec sleep 30").start();
        try {
            long zombie = Long.parseLong(new BufferedReader(
                    new InputStreamReader(parent.getInputStream(), StandardCharsets.US_ASCII)).readLine().strip());
            Await.until("sh became sleep", () -> commandOf(parent.pid()).equals("sleep"));
            assertTrue(ProcessHandle.of(zombie).orElseThrow().destroyForcibly());
            Await.until("pid " + zombie + " is a zombie",
                    () -> ProcessStat.of(zombie).map(ProcessStat::state).orElse('?') == 'Z');
            SharedMutex m = mutex();
            plantOwner(zombie, ProcessStat.of(zombie).orElseThrow().startTime());
            assertEquals(WaitResult.ABANDONED, m.acquire(LONG));
            m.release();
        } finally {
            parent.destroyForcibly();
            parent.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** The command name of a process ({@code /proc/<pid>/comm}); empty when it cannot be read. */
    private static String commandOf(long pid) {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc", Long.toString(pid), "comm")).strip();
        } catch (IOException gone) {
            return "";
        }
    }

    @Test
    void aLiveOwnerProcessKeepsTheMutexButItsPidWithAnotherStartTimeDoesNot() throws IOException,
            InterruptedException {
        Process live = new ProcessBuilder("sleep", "30").start();
        try {
            long start = ProcessStat.of(live.pid()).orElseThrow().startTime();
            SharedMutex m = mutex();
            plantOwner(live.pid(), start);
            assertEquals(WaitResult.TIMEOUT, m.acquire(Duration.ZERO));
            assertEquals(WaitResult.TIMEOUT, m.acquire(Duration.ofMillis(120)), "liveness checked, owner alive");
            plantOwner(live.pid(), start + 1);
            assertEquals(WaitResult.ABANDONED, m.acquire(Duration.ZERO), "the pid names another process now");
            m.release();
            plantOwner(ProcessHandle.current().pid(), ProcessStat.self().startTime() - 1);
            assertEquals(WaitResult.ABANDONED, m.acquire(Duration.ZERO), "an earlier process under our own pid");
            m.release();
        } finally {
            live.destroyForcibly();
            live.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aBlockedAcquirerNoticesTheOwnersDeathWithoutAnyWake() throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "30").start();
        long start = ProcessStat.of(sleeper.pid()).orElseThrow().startTime();
        SharedMutex m = mutex();
        plantOwner(sleeper.pid(), start);
        Future<WaitResult> blocked = other.submit(() -> m.acquire(LONG));
        Await.until("the acquirer sleeps (WAITERS)", () ->
                (Words.getLong(block, SharedMutex.OWNER_OFFSET) & SharedMutex.WAITERS) != 0);
        sleeper.destroyForcibly();
        assertTrue(sleeper.waitFor(30, TimeUnit.SECONDS));
        assertEquals(WaitResult.ABANDONED, Waiters.answer(blocked));
        assertEquals(Boolean.TRUE, onOtherThread(m::heldByCurrentThread));
    }

    @Test
    void onlyOneOfSeveralAcquirersGetsAbandoned() throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "30").start();
        long start = ProcessStat.of(sleeper.pid()).orElseThrow().startTime();
        SharedMutex m = mutex();
        plantOwner(sleeper.pid(), start);
        List<Future<WaitResult>> three = IntStream.range(0, 3)
                .mapToObj(i -> waiters.start(() -> {
                    WaitResult r = m.acquire(LONG);
                    m.release();
                    return r;
                })).toList();
        Await.until("acquirers sleep", () ->
                (Words.getLong(block, SharedMutex.OWNER_OFFSET) & SharedMutex.WAITERS) != 0);
        sleeper.destroyForcibly();
        assertTrue(sleeper.waitFor(30, TimeUnit.SECONDS));
        long abandoned = three.stream().map(Waiters::answer).filter(r -> r == WaitResult.ABANDONED).count();
        assertEquals(1, abandoned, "one takes over; the others then acquire normally");
        assertEquals(Optional.empty(), m.currentOwner());
    }

    @Test
    void timeoutsAreChecked() {
        SharedMutex m = mutex();
        assertThrows(IllegalArgumentException.class, () -> m.acquire(Duration.ofSeconds(-1)));
        m.acquire(Duration.ZERO);
        assertEquals(WaitResult.TIMEOUT, onOtherThread(() -> m.acquire(SHORT)));
        m.release();
    }

    @Test
    void aJavaThreadThatEndsWhileOwningLeavesTheMutexAbandoned() throws InterruptedException {
        SharedMutex m = mutex();
        Thread owner = Thread.ofPlatform().start(() -> m.acquire(Duration.ZERO));
        assertTrue(owner.join(Duration.ofSeconds(30)));
        assertEquals(WaitResult.ABANDONED, m.acquire(LONG), "the owning thread ended; its process lives on");
        assertTrue(m.heldByCurrentThread());
        m.release();
        assertEquals(WaitResult.SIGNALED, onOtherThread(() -> {
            WaitResult r = m.acquire(Duration.ZERO);
            m.release();
            return r;
        }), "released as a normal mutex after the take-over");
    }

    @Test
    void aLiveOwnerThreadKeepsTheMutex() {
        SharedMutex m = mutex();
        assertEquals(WaitResult.SIGNALED, m.acquire(Duration.ZERO));
        assertEquals(WaitResult.TIMEOUT, onOtherThread(() -> m.acquire(Duration.ofMillis(120))),
                "the owner thread lives: several liveness checks pass without a take-over");
        m.release();
    }

    @Test
    void aVirtualThreadOwnerIsNamedByItsProcess() throws InterruptedException {
        SharedMutex m = mutex();
        Thread owner = Thread.ofVirtual().start(() -> m.acquire(Duration.ZERO));
        assertTrue(owner.join(Duration.ofSeconds(30)));
        assertTrue((m.owner() & SharedMutex.PROCESS_SCOPED) != 0);
        assertEquals(ProcessHandle.current().pid(), m.owner() & SharedMutex.ID_MASK);
        assertEquals(WaitResult.TIMEOUT, m.acquire(Duration.ofMillis(60)),
                "a virtual thread's mutex is abandoned only when its process ends");
    }

    /** Writes an owner into the state block as that process would have: owner word, thread, two levels. */
    private void plantOwner(long pid, long startTime) {
        Words.setLong(block, SharedMutex.THREAD_OFFSET, 77);
        Words.setInt(block, SharedMutex.RECURSION_OFFSET, 2);
        Words.setLong(block, SharedMutex.OWNER_OFFSET, ThreadIdentity.word(pid, startTime, true));
    }
}
