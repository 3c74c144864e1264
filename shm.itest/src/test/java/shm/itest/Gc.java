package shm.itest;

import java.lang.ref.WeakReference;
import java.time.Duration;
import shm.testkit.Await;

/** Garbage collection for the tests that check that an old bundle revision is gone. */
final class Gc {

    private Gc() {
    }

    /** Collects until {@code reference} is cleared, failing after a deadline with what it still refers to. */
    static void assertCollected(String what, WeakReference<?> reference) {
        Await.until(() -> what + " is still reachable: " + reference.get(), Duration.ofSeconds(30), () -> {
            System.gc();
            return reference.get() == null;
        });
    }
}
