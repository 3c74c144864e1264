package shm.provider.mmap.sync;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import shm.testkit.Await;

/**
 * Threads of this process that wait on a primitive, each answer awaited with a deadline. A test registers it as an
 * extension ({@code @RegisterExtension}), which closes it after each test.
 */
final class Waiters<T> implements AutoCloseable, AfterEachCallback {

    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<Future<T>> started = new ArrayList<>();

    /** Starts {@code wait} on a new thread. */
    Future<T> start(Supplier<T> wait) {
        Future<T> future = threads.submit(wait::get);
        started.add(future);
        return future;
    }

    /** The answer of {@code future}, within {@link Await#DEADLINE}. */
    static <T> T answer(Future<T> future) {
        try {
            return future.get(Await.DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (ExecutionException e) {
            throw new AssertionError("the waiting thread failed", e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("no answer within " + Await.DEADLINE, e);
        }
    }

    /** How many started waits have answered. */
    long answered() {
        return started.stream().filter(Future::isDone).count();
    }

    /** Interrupts and abandons the threads (a thread blocked in a futex wait ends at its timeout). */
    @Override
    public void close() {
        threads.shutdownNow();
    }

    /** Closes the threads after each test of a class that registered it as an extension. */
    @Override
    public void afterEach(ExtensionContext context) {
        close();
    }
}
