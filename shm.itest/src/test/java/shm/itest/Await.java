package shm.itest;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition until a deadline; never sleeps longer than needed to see the condition hold. */
final class Await {

    /** The deadline used by the tests for anything the framework does asynchronously. */
    static final Duration DEFAULT = Duration.ofSeconds(10);

    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private Await() {
    }

    /**
     * Returns as soon as {@code condition} holds.
     *
     * @throws AssertionError naming {@code what} when the deadline passes first
     */
    static void until(String what, Duration timeout, BooleanSupplier condition) {
        until(() -> what, timeout, condition);
    }

    /**
     * Returns as soon as {@code condition} holds.
     *
     * @throws AssertionError with the message {@code what} gives at the deadline, when the deadline passes first
     */
    static void until(Supplier<String> what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline >= 0) {
                throw new AssertionError("not within " + timeout.toMillis() + " ms: " + what.get());
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }

    /** {@link #until(String, Duration, BooleanSupplier)} with {@link #DEFAULT}. */
    static void until(String what, BooleanSupplier condition) {
        until(what, DEFAULT, condition);
    }
}
