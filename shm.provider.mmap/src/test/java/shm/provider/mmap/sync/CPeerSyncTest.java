package shm.provider.mmap.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import shm.api.WaitResult;
import shm.testkit.Await;

/**
 * A C program written from {@code docs/sync-objects.md} alone ({@code sync_peer.c}) takes part beside Java
 * processes: events, mutex and semaphore interoperate both ways, and each side sees the other's death as abandonment.
 */
class CPeerSyncTest {

    private static final long A = 0;
    private static final long B = 64;
    private static final long GO = 128;
    private static final long COUNTER = 1024;
    private static final long ACTIVE = 1032;
    private static final long PEAK = 1040;

    private static String unavailable;

    private final Futex futex = new Futex();
    @RegisterExtension
    final SharedFile file = SharedFile.create();
    private final MemorySegment memory = file.segment();
    private final List<AutoCloseable> peers = new ArrayList<>();

    @BeforeAll
    static void build() throws Exception {
        unavailable = SyncCPeer.build();
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable peer : peers) {
            peer.close();
        }
    }

    private SyncCPeer c(String... action) {
        assumeTrue(unavailable == null, unavailable);
        SyncCPeer peer = SyncCPeer.start(file.path(), action);
        peers.add(peer);
        return peer;
    }

    private SyncChildJvm java() {
        SyncChildJvm child = SyncChildJvm.start(file.path());
        peers.add(child);
        return child;
    }

    private static String s(long value) {
        return Long.toString(value);
    }

    @Test
    void pingPongBetweenJavaAndC() {
        assumeTrue(unavailable == null, unavailable);
        SharedEvent.initialize(file.slot(A), false, false);
        SharedEvent.initialize(file.slot(B), false, false);
        SharedEvent ping = new SharedEvent(file.slot(A), futex);
        SharedEvent pong = new SharedEvent(file.slot(B), futex);
        int rounds = 2000;
        SyncCPeer peer = c("pong", s(A), s(B), s(rounds));
        for (int i = 0; i < rounds; i++) {
            ping.set();
            assertEquals(WaitResult.SIGNALED, pong.await(Await.DEADLINE), "round " + i);
        }
        assertEquals("OK", peer.nextLine());
        assertEquals(0, peer.exitCode());
    }

    @Test
    void javaAndCProcessesShareOneMutexWithoutLosingAnUpdate() {
        assumeTrue(unavailable == null, unavailable);
        SharedEvent.initialize(file.slot(GO), true, false);
        SharedMutex.initialize(file.slot(A));
        int n = 3000;
        List<SyncCPeer> cs = List.of(c("count", s(GO), s(A), s(COUNTER), s(n)), c("count", s(GO), s(A), s(COUNTER),
                s(n)));
        List<SyncChildJvm> javas = List.of(java(), java());
        javas.forEach(j -> j.post("count " + GO + " " + A + " " + COUNTER + " " + n));
        new SharedEvent(file.slot(GO), futex).set();
        cs.forEach(p -> assertEquals("OK", p.nextLine()));
        javas.forEach(j -> assertEquals("OK", j.nextLine()));
        assertEquals(4L * n, Words.getLong(memory, COUNTER));
        assertEquals(0, Words.getLong(memory, A + SharedMutex.OWNER_OFFSET));
    }

    @Test
    void javaAndCProcessesRespectOneSemaphore() {
        assumeTrue(unavailable == null, unavailable);
        SharedEvent.initialize(file.slot(GO), true, false);
        SharedSemaphore.initialize(file.slot(A), 2, 2);
        List<SyncCPeer> cs = List.of(c("bounded", s(GO), s(A), s(ACTIVE), s(PEAK), "500"),
                c("bounded", s(GO), s(A), s(ACTIVE), s(PEAK), "500"));
        List<SyncChildJvm> javas = List.of(java(), java());
        javas.forEach(j -> j.post("bounded " + GO + " " + A + " " + ACTIVE + " " + PEAK + " 500"));
        new SharedEvent(file.slot(GO), futex).set();
        cs.forEach(p -> assertEquals("OK", p.nextLine()));
        javas.forEach(j -> assertEquals("OK", j.nextLine()));
        long peak = Words.getLong(memory, PEAK);
        assertTrue(peak >= 1 && peak <= 2, "at most 2 holders at once, saw " + peak);
        assertEquals(2, new SharedSemaphore(file.slot(A), futex).count());
    }

    @Test
    void aKilledCOwnerLeavesTheMutexAbandonedToJava() {
        assumeTrue(unavailable == null, unavailable);
        SharedMutex.initialize(file.slot(A));
        SharedMutex mutex = new SharedMutex(file.slot(A), futex);
        SyncCPeer holder = c("hold", s(A));
        assertEquals("HELD", holder.nextLine());
        assertEquals(WaitResult.TIMEOUT, mutex.acquire(Duration.ofMillis(120)), "the C owner lives");
        holder.kill();
        assertEquals(WaitResult.ABANDONED, mutex.acquire(Await.DEADLINE));
        mutex.release();
    }

    @Test
    void aKilledJavaOwnerLeavesTheMutexAbandonedToC() {
        assumeTrue(unavailable == null, unavailable);
        SharedMutex.initialize(file.slot(A));
        SharedMutex mutex = new SharedMutex(file.slot(A), futex);
        SyncChildJvm holder = java();
        assertEquals("SIGNALED", holder.send("mutex-acquire " + A + " 0"));
        assertEquals("TIMEOUT", c("acquire", s(A), "0").nextLine(), "the Java owner lives");
        SyncCPeer waiter = c("acquire", s(A), "30000");
        Await.until("the C peer sleeps on the mutex",
                () -> (Words.getLong(memory, A + SharedMutex.OWNER_OFFSET) & SharedMutex.WAITERS) != 0);
        holder.kill();
        assertEquals("ABANDONED", waiter.nextLine());
        assertEquals(WaitResult.TIMEOUT, mutex.acquire(Duration.ZERO), "the C peer owns it now");
        waiter.send("release");
        assertEquals("OK", waiter.nextLine());
        assertEquals(WaitResult.SIGNALED, mutex.acquire(Duration.ZERO));
        mutex.release();
    }

    @Test
    void aCThreadThatEndsWhileOwningLeavesTheMutexAbandonedWhileItsProcessLives() {
        assumeTrue(unavailable == null, unavailable);
        SharedMutex.initialize(file.slot(A));
        SharedMutex mutex = new SharedMutex(file.slot(A), futex);
        SyncCPeer peer = c("thread-hold", s(A));
        String held = peer.nextLine();
        assertTrue(held.startsWith("HELD tid="), held);
        long tid = Long.parseLong(held.substring("HELD tid=".length()));
        assertEquals("ENDED", peer.nextLine());
        assertEquals(tid, Words.getLong(memory, A + SharedMutex.OWNER_OFFSET) & SharedMutex.ID_MASK,
                "the owner word names the C thread");
        assertEquals(peer.pid(), Words.getInt(memory, A + SharedMutex.PID_OFFSET), "the owner pid names its process");
        assertEquals(WaitResult.ABANDONED, mutex.acquire(Await.DEADLINE), "the owning thread ended");
        assertTrue(peer.isAlive(), "while its process still runs");
        mutex.release();
        peer.send("exit");
        assertEquals(0, peer.exitCode());
    }

    @Test
    void aCProcessSignalWakesAJavaWaitOnSeveralObjects() {
        assumeTrue(unavailable == null, unavailable);
        SharedEvent.initialize(file.slot(A), false, false);
        SharedEvent.initialize(file.slot(B), false, false);
        SharedSemaphore.initialize(file.slot(GO), 0, 1);
        SharedEvent ping = new SharedEvent(file.slot(A), futex);
        SharedEvent pong = new SharedEvent(file.slot(B), futex);
        SharedSemaphore never = new SharedSemaphore(file.slot(GO), futex);
        int rounds = 200;
        SyncCPeer peer = c("pong", s(A), s(B), s(rounds));
        for (int i = 0; i < rounds; i++) {
            ping.set();
            assertEquals(new MultiWait.Outcome(WaitResult.SIGNALED, 1), MultiWait.await(futex,
                    List.of(new MultiWait.Member.Semaphore(never), new MultiWait.Member.Event(pong)), false,
                    Await.DEADLINE), "round " + i);
        }
        assertEquals("OK", peer.nextLine());
        assertEquals(0, never.count());
        assertEquals(0, pong.waitingNow(), "every wait deregistered");
    }
}
