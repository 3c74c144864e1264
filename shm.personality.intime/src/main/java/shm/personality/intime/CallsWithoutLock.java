package shm.personality.intime;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The door for the calls of one INtime process that run without its lock: the handle lookup of a wait, and the set,
 * reset or pulse of an event whose handle is known current. It answers the process's parts while they serve such calls,
 * and counts the operations under way, so that whatever parks or closes the process's objects ({@link #stop()}, under
 * the process's lock) first shuts the door and then waits for those operations to end: a set never meets its event
 * closed by a swap, half done. A handle closed by the process itself while an operation uses it is another matter: the
 * operation fails as on a handle closed just before the call.
 */
final class CallsWithoutLock {

    /** Operations under way ({@link #enter()} to {@link #exit()}). */
    private final AtomicInteger running = new AtomicInteger();
    /** The process's parts while they serve calls without the lock; {@code null} while the door is shut. */
    private volatile IntimeProcess serving;

    /**
     * The process's parts for a lookup without the lock, that operates on nothing; {@code null} while the door is
     * shut (make the call under the lock then).
     */
    IntimeProcess serving() {
        return serving;
    }

    /**
     * Starts an operation without the lock: the process's parts, to be followed by {@link #exit()} in a {@code
     * finally}; {@code null} (and no {@code exit}) while the door is shut.
     */
    IntimeProcess enter() {
        running.getAndIncrement(); // before reading the door: stop() either sees this or is seen shut
        IntimeProcess process = serving;
        if (process == null) {
            running.getAndDecrement();
        }
        return process;
    }

    /** Ends an operation {@link #enter()} started. */
    void exit() {
        running.getAndDecrement();
    }

    /** Opens the door for {@code process} (under the process's lock, once it may serve). */
    void open(IntimeProcess process) {
        serving = process;
    }

    /**
     * Shuts the door and waits for the operations under way to end (each is one non-blocking operation on an event);
     * under the process's lock, before anything of the process is parked or closed.
     */
    void stop() {
        serving = null;
        while (running.get() != 0) {
            Thread.yield();
        }
    }
}
