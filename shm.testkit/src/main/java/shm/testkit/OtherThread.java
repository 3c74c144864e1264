package shm.testkit;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongPredicate;
import java.util.function.LongToIntFunction;
import java.util.function.Supplier;

import shm.api.win32.Win32Constants;

/**
 * Runs a call in a platform thread of its own and answers its result: for what depends on the calling thread, such as
 * whether a mutex another thread owns can be taken.
 */
public final class OtherThread {

    private OtherThread() {
    }

    /**
     * Whether another thread can take the mutex {@code handle}: a Win32-style zero-timeout wait ({@code zeroWait},
     * {@code WaitForSingleObject(handle, 0)}) run in a new thread, which gives a mutex it took back
     * ({@code releaseMutex}) before it ends, so the mutex is left as it was.
     *
     * @return what the wait answered: {@code WAIT_OBJECT_0} when the mutex was free, {@code WAIT_TIMEOUT} when owned
     */
    public static int triesMutex(LongToIntFunction zeroWait, LongPredicate releaseMutex, long handle) {
        return call(() -> {
            int result = zeroWait.applyAsInt(handle);
            if (result == Win32Constants.WAIT_OBJECT_0) {
                releaseMutex.test(handle);
            }
            return result;
        });
    }

    /**
     * The result of {@code call} run in a new thread, waited for up to {@link Await#DEADLINE}; its exception or error
     * is rethrown here.
     *
     * @throws AssertionError when the thread has not ended by the deadline
     */
    public static <T> T call(Supplier<T> call) {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread thread = new Thread(() -> {
            try {
                result.set(call.get());
            } catch (RuntimeException | Error e) {
                failure.set(e);
            }
        }, "other thread");
        thread.start();
        try {
            thread.join(Await.DEADLINE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for the other thread", e);
        }
        if (thread.isAlive()) {
            throw new AssertionError("the other thread did not end within " + Await.DEADLINE);
        }
        switch (failure.get()) {
            case RuntimeException e -> throw e;
            case Error e -> throw e;
            case null, default -> {
                return result.get();
            }
        }
    }
}
