package shm.provider.mmap.sync;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waits until a condition holds, with a deadline: the tests' handshake with a peer that must be blocking. */
final class Eventually {

    /** The longest any handshake may take before the test fails. */
    static final Duration DEADLINE = Duration.ofSeconds(30);

    private Eventually() {
    }

    /** Returns once {@code condition} holds; fails with {@code what} after {@link #DEADLINE}. */
    static void until(String what, BooleanSupplier condition) {
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("not within " + DEADLINE + ": " + what);
            }
            LockSupport.parkNanos(200_000);
        }
    }
}
