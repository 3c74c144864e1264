package shm.shell;

import java.util.function.Supplier;

/**
 * Orders the take-over of the previous revision's handles (on a thread of its own, once the service is injected)
 * against the deactivation of the instance that takes them: a take-over that has begun finishes before the
 * deactivation collects the handles to hand on, and no take-over begins once the deactivation has. Without it, a
 * take-over that ran late, into an instance already handing on its handles, left the handles it took to the going
 * instance, whose service parked them (issue 10).
 */
final class TakeOverGate {

    private boolean closed;

    /**
     * Runs {@code takeOver} unless {@link #close} ran first.
     *
     * @return whether it ran
     */
    synchronized boolean runUnlessClosed(Runnable takeOver) {
        if (closed) {
            return false;
        }
        takeOver.run();
        return true;
    }

    /** Whether {@link #close} ran. */
    synchronized boolean isClosed() {
        return closed;
    }

    /** Closes the gate, after a take-over that has begun, and answers what {@code collect} collects then. */
    synchronized <T> T close(Supplier<T> collect) {
        closed = true;
        return collect.get();
    }
}
