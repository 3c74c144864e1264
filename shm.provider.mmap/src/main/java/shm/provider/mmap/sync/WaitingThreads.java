package shm.provider.mmap.sync;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link Waiter} records of the threads that sleep through one {@link Futex}: one per thread, made at its first
 * sleep or first wait in a {@link WaitScope}, so that a closing scope can find the threads waiting in it. Records of
 * threads that ended are dropped as new ones are added. One instance per {@link Futex}; thread-safe.
 */
final class WaitingThreads {

    /** Every this many new records, the records of ended threads are dropped. */
    private static final int PRUNE_EVERY = 64;

    private final AddressWaker waker;
    private final ThreadLocal<Waiter> mine = new ThreadLocal<>();
    private final Set<Waiter> all = ConcurrentHashMap.newKeySet();
    private int addedSincePrune;

    WaitingThreads(AddressWaker waker) {
        this.waker = waker;
    }

    /** The calling thread's record, made and added on first use. */
    Waiter mine() {
        Waiter waiter = mine.get();
        if (waiter == null) {
            waiter = new Waiter(Thread.currentThread(), waker);
            mine.set(waiter);
            add(waiter);
        }
        return waiter;
    }

    /** A new scope of this binding's waits. */
    WaitScope newScope() {
        return new WaitScope(this);
    }

    /** Every record (a weakly consistent view: records added meanwhile may be missed, which their scopes' fence covers). */
    Iterable<Waiter> all() {
        return all;
    }

    private synchronized void add(Waiter waiter) {
        all.add(waiter);
        if (++addedSincePrune >= PRUNE_EVERY) {
            addedSincePrune = 0;
            all.removeIf(w -> !w.thread().isAlive());
        }
    }
}
