package shm.personality.rtx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static shm.api.rtx.RtxConstants.ERROR_SUCCESS;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.function.IntUnaryOperator;

import org.junit.jupiter.api.Test;

/**
 * The last error is each thread's own, also when threads take turns with the remembered last caller's cell; what a
 * success leaves is {@code RtxSyncTest}'s.
 */
class LastErrorTest {

    private static final int THREADS = 4;
    private static final int ROUNDS = 20_000;

    @Test
    void eachThreadReadsWhatItStoredLastAndANewThreadStartsWithSuccess() throws Exception {
        LastError lastError = new LastError();
        assertFalse(lastError.fail(6));
        int other = CompletableFuture.supplyAsync(() -> {
            int first = lastError.get();
            lastError.set(87);
            return first * 1000 + lastError.get();
        }, command -> new Thread(command).start()).get(10, TimeUnit.SECONDS);
        assertEquals(ERROR_SUCCESS * 1000 + 87, other, "a new thread's last error starts as ERROR_SUCCESS");
        assertEquals(6, lastError.get(), "another thread's store must not reach this thread's last error");
        lastError.set(ERROR_SUCCESS);
        assertEquals(ERROR_SUCCESS, lastError.get());
    }

    @Test
    void threadsStoringAtTheSameTimeEachKeepTheirOwnCode() throws Exception {
        LastError lastError = new LastError();
        assertEachThreadReadsItsOwn("a thread read a code another thread stored", code -> {
            int wrong = 0;
            for (int i = 0; i < ROUNDS; i++) {
                lastError.set(code + (i & 0xFF));
                Thread.yield();
                if (lastError.get() != code + (i & 0xFF)) {
                    wrong++;
                }
            }
            return wrong;
        });
    }

    /**
     * Runs {@code loop} in {@value #THREADS} threads started at once, each with its own code (1000, 2000, …), and
     * asserts that none counted a mismatch.
     */
    private static void assertEachThreadReadsItsOwn(String message, IntUnaryOperator loop) throws Exception {
        CyclicBarrier start = new CyclicBarrier(THREADS);
        List<CompletableFuture<Integer>> mismatches = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int code = 1000 * (t + 1);
            mismatches.add(CompletableFuture.supplyAsync(() -> {
                try {
                    start.await(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return loop.applyAsInt(code);
            }, command -> new Thread(command).start()));
        }
        for (CompletableFuture<Integer> future : mismatches) {
            assertEquals(0, future.get(60, TimeUnit.SECONDS), message);
        }
    }
}
