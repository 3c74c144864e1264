package shm.testkit;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The one way the tests wait for something another thread, process or the framework does: poll a condition until
 * it holds or a deadline passes. Never a timed assertion: a slow machine makes a test slower, never red.
 *
 * <p>Works under JUnit 4 and 5 and inside an OSGi framework: a missed deadline is a plain {@link AssertionError}.
 */
public final class Await {

    /** The deadline of the tests for anything that happens asynchronously (a handshake, a service, a child). */
    public static final Duration DEADLINE = Duration.ofSeconds(30);

    /** How long one poll sleeps: short against a handshake's microseconds, long enough not to load the machine. */
    private static final long POLL_NANOS = TimeUnit.MICROSECONDS.toNanos(200);

    private Await() {
    }

    /**
     * Returns as soon as {@code condition} holds, within {@link #DEADLINE}.
     *
     * @throws AssertionError naming {@code what} when the deadline passes first
     */
    public static void until(String what, BooleanSupplier condition) {
        until(() -> what, DEADLINE, condition);
    }

    /**
     * Returns as soon as {@code condition} holds, within {@code timeout}.
     *
     * @throws AssertionError naming {@code what} when the deadline passes first
     */
    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        until(() -> what, timeout, condition);
    }

    /**
     * Returns as soon as {@code condition} holds, within {@code timeout}.
     *
     * @throws AssertionError with the message {@code what} gives at the deadline (so it can describe the state
     *                        then), when the deadline passes first
     */
    public static void until(Supplier<String> what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline >= 0) {
                throw new AssertionError("not within " + timeout.toMillis() + " ms: " + what.get());
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }
}
