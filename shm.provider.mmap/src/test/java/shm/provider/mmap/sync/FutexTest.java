package shm.provider.mmap.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import shm.testkit.Await;

/** The futex binding on a shared mapping: wait outcomes, wake, and the checks on its arguments. */
class FutexTest {

    private final Futex futex = new Futex();
    @RegisterExtension
    final SharedFile file = SharedFile.create();
    private final MemorySegment memory = file.segment();

    @Test
    void aWaitOnAnotherValueReturnsValueChanged() {
        Words.setInt(memory, 8, 5);
        assertEquals(Futex.Wake.VALUE_CHANGED, futex.await(memory, 8, 4, 10_000_000_000L));
    }

    @Test
    void aWaitThatNobodyWakesTimesOut() {
        assertEquals(Futex.Wake.TIMED_OUT, futex.await(memory, 8, 0, 20_000_000L));
        assertEquals(Futex.Wake.TIMED_OUT, futex.await(memory, 8, 0, 0));
    }

    @Test
    void aWakeReleasesASleeperAndCountsIt() throws Exception {
        assertEquals(0, futex.wake(memory, 16, 1), "nobody sleeps yet");
        CompletableFuture<Futex.Wake> sleeper = CompletableFuture.supplyAsync(
                () -> futex.await(memory, 16, 0, Futex.FOREVER));
        int[] woken = new int[1];
        Await.until("the sleeper is in the kernel and is woken", () -> (woken[0] = futex.wake(memory, 16, 1)) > 0);
        assertEquals(1, woken[0]);
        assertEquals(Futex.Wake.WOKEN, sleeper.get(30, TimeUnit.SECONDS));
    }

    @Test
    void argumentsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> futex.await(memory, 2, 0, 1), "misaligned");
        assertThrows(IllegalArgumentException.class, () -> futex.await(memory, SharedFile.SIZE - 2, 0, 1),
                "outside");
        assertThrows(IllegalArgumentException.class, () -> futex.await(memory, -4, 0, 1), "negative offset");
        assertThrows(IllegalArgumentException.class, () -> futex.await(memory, 0, 0, -1), "negative timeout");
        assertThrows(IllegalArgumentException.class, () -> futex.wake(memory, 0, 0), "wake nobody");
        assertThrows(IllegalArgumentException.class,
                () -> futex.await(MemorySegment.ofArray(new int[4]), 0, 0, 1), "heap segment");
    }

    @Test
    void aClosedSegmentIsRefused() {
        MemorySegment closed;
        try (Arena arena = Arena.ofConfined()) {
            closed = arena.allocate(16, 8);
        }
        MemorySegment gone = closed;
        assertThrows(IllegalStateException.class, () -> futex.wake(gone, 0, 1));
    }

    @Test
    void theSystemCallNumberFollowsTheArchitecture() {
        assertEquals(202, Futex.syscallNumber("Linux", "amd64"));
        assertEquals(202, Futex.syscallNumber("Linux", "x86_64"));
        assertEquals(98, Futex.syscallNumber("Linux", "aarch64"));
        assertThrows(UnsupportedOperationException.class, () -> Futex.syscallNumber("Linux", "riscv64"));
        assertThrows(UnsupportedOperationException.class, () -> Futex.syscallNumber("Mac OS X", "aarch64"));
    }
}
