package shm.api.spi;

import shm.api.WaitResult;

/**
 * How a {@link ShmBackend#waitForMultipleObjects wait on several objects} ended.
 *
 * @param result {@link WaitResult#SIGNALED}, {@link WaitResult#ABANDONED} or {@link WaitResult#TIMEOUT} (also when
 *               {@link Thread#interrupt()} ended the wait: the thread then keeps its interrupt status)
 * @param index  wait-any: the index of the object taken; wait-all: 0, or, with {@code ABANDONED}, the lowest index of
 *               a mutex taken over from an owner that ended; -1 with {@code TIMEOUT}
 * @since 1.3
 */
public record MultipleWaitResult(WaitResult result, int index) {

    /** The result of a wait that timed out (or was interrupted). */
    public static final MultipleWaitResult TIMEOUT = new MultipleWaitResult(WaitResult.TIMEOUT, -1);

    /**
     * Checks the pair.
     *
     * @throws IllegalArgumentException when a timeout has an index other than -1, or a taken object a negative one
     * @throws NullPointerException     when {@code result} is null
     */
    public MultipleWaitResult {
        if (result == WaitResult.TIMEOUT ? index != -1 : index < 0) {
            throw new IllegalArgumentException("a " + result + " wait result cannot have index " + index);
        }
    }
}
