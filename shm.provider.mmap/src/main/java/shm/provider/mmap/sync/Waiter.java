package shm.provider.mmap.sync;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One thread's record in the {@link WaitingThreads} of a {@link Futex}: the {@link WaitScope}s it waits in now (none,
 * one, or several for a wait on several objects) and the {@link InterruptWord} its sleeps in the kernel include,
 * which a {@link WaitScope#close} sets and wakes ("pokes") as an interrupt does. Written by its own thread (the scopes,
 * the word), read by closing threads. The value of a thread-local of its {@link WaitingThreads}: it holds nothing
 * that leads back to that thread-local ({@link AddressWaker}).
 */
public final class Waiter {

    private static final VarHandle SCOPES;

    static {
        try {
            SCOPES = MethodHandles.lookup().findVarHandle(Waiter.class, "scopes", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Thread thread;
    private final AddressWaker waker;
    /** A {@link WaitScope}, a {@code WaitScope[]}, or {@code null} while the thread waits in no scope. */
    @SuppressWarnings("unused")   // through SCOPES
    private volatile Object scopes;
    /** The word the thread's next sleep includes; replaced after an interrupt closes it. */
    private volatile InterruptWord word;

    Waiter(Thread thread, AddressWaker waker) {
        this.thread = thread;
        this.waker = waker;
    }

    /** The thread this record is of. */
    Thread thread() {
        return thread;
    }

    /**
     * Publishes the scopes the thread waits in; a volatile store, so that the caller's read of their state that
     * follows cannot be ordered before it (see {@link WaitScope#enter}).
     */
    void enter(Object waitingIn) {
        SCOPES.setVolatile(this, waitingIn);
    }

    /** Ends the waits in the scopes entered last: closes wait for this. Call from the waiting thread, once. */
    public void leave() {
        SCOPES.setRelease(this, null);
    }

    /** Whether the thread waits in {@code scope} now. */
    boolean isIn(WaitScope scope) {
        Object now = SCOPES.getAcquire(this);
        if (now == scope) {
            return true;
        }
        if (now instanceof WaitScope[] several) {
            for (WaitScope one : several) {
                if (one == scope) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether the thread waits in some scope now. */
    boolean inScope() {
        return SCOPES.getAcquire(this) != null;
    }

    /** Whether a scope the thread waits in was closed: its wait must end. */
    boolean cancelled() {
        Object now = SCOPES.getVolatile(this);
        if (now instanceof WaitScope one) {
            return one.isClosed();
        }
        return now instanceof WaitScope[] several && WaitScope.anyClosed(several);
    }

    /**
     * The word the calling thread (this record's) sleeps on besides its own words: the one of its last sleep,
     * unless an interrupt closed it.
     */
    InterruptWord interruptWord() {
        InterruptWord current = word;
        if (current == null || !current.isOpen()) {
            current = new InterruptWord(waker);
            word = current;
        }
        return current;
    }

    /** Sets and wakes the word of the thread's sleep, so that it looks at its scopes (a closing thread's call). */
    void poke() {
        InterruptWord current = word;
        if (current != null) {
            current.poke();
        }
    }
}
