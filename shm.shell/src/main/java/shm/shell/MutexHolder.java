package shm.shell;

import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import shm.api.NamedMutex;

/**
 * One mutex handle and the one thread that makes every call on it. A close ends a wait that runs on that thread
 * (within a slice) before it closes the handle there, so that it never waits out the wait's timeout: a
 * {@code shm:mutex close} from another session, or the shell going away for an update, is not held up by a long
 * {@code shm:mutex wait}.
 */
final class MutexHolder {

    private final NamedMutex mutex;
    private final ExecutorService thread;
    private final AtomicReference<Future<?>> runningWait = new AtomicReference<>();

    private MutexHolder(NamedMutex mutex, ExecutorService thread) {
        this.mutex = mutex;
        this.thread = thread;
    }

    /**
     * Starts the mutex's thread and opens (or creates) the handle on it with {@code opener}; on a failure the thread
     * ends and the failure is thrown as one line.
     */
    static MutexHolder start(String name, Supplier<NamedMutex> opener) {
        ExecutorService thread = Executors.newSingleThreadExecutor(
                runnable -> new Thread(runnable, "shm:mutex " + OperatorText.printable(name)));
        try {
            NamedMutex mutex = thread.submit(opener::get).get();
            return new MutexHolder(mutex, thread);
        } catch (ExecutionException failed) {
            thread.shutdownNow();
            throw failed.getCause() instanceof RuntimeException runtime ? runtime
                    : new CommandFailure(CommandLineRun.oneLine(failed.getCause()), failed.getCause());
        } catch (InterruptedException interrupted) {
            thread.shutdownNow();
            Thread.currentThread().interrupt();
            throw new CommandFailure("interrupted", interrupted);
        }
    }

    NamedMutex mutex() {
        return mutex;
    }

    boolean alreadyExisted() {
        return mutex.alreadyExisted();
    }

    /** Runs {@code work} on the mutex's thread and answers its result. */
    <T> T call(Callable<T> work) {
        return run(work, false);
    }

    /** Runs a wait on the mutex's thread, which {@link #close()} ends; answers its result. */
    <T> T await(Callable<T> wait) {
        return run(wait, true);
    }

    private <T> T run(Callable<T> work, boolean wait) {
        Future<T> future = thread.submit(work);
        if (wait) {
            runningWait.set(future);
        }
        try {
            return future.get();
        } catch (ExecutionException failed) {
            throw failed.getCause() instanceof RuntimeException runtime ? runtime
                    : new CommandFailure(CommandLineRun.oneLine(failed.getCause()), failed.getCause());
        } catch (CancellationException closed) {
            throw new CommandFailure("the mutex was closed while this command waited: the wait was given up",
                    closed);
        } catch (InterruptedException interrupted) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new CommandFailure("interrupted: the wait was given up", interrupted);
        } finally {
            if (wait) {
                runningWait.compareAndSet(future, null);
            }
        }
    }

    /** Ends a wait under way, then closes the handle on the mutex's thread (which releases what it owns). */
    void close() {
        Future<?> wait = runningWait.getAndSet(null);
        if (wait != null) {
            wait.cancel(true);
        }
        try {
            thread.submit(mutex::close).get();
        } catch (ExecutionException | InterruptedException | RuntimeException notClosed) {
            mutex.close();
        } finally {
            thread.shutdownNow();
        }
    }
}
