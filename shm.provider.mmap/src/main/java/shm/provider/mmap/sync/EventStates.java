package shm.provider.mmap.sync;

import static shm.provider.mmap.sync.SharedEvent.FUTEX_MASK;
import static shm.provider.mmap.sync.SharedEvent.GENERATION_STEP;
import static shm.provider.mmap.sync.SharedEvent.SIGNALED;

/**
 * The arithmetic of a {@link SharedEvent}'s 64-bit state word (its layout is drawn there): the fields it packs and the
 * words a set or a pulse makes of it. Pure functions.
 */
final class EventStates {

    /** The most grants bits 1..31 hold. */
    static final long MAX_GRANTS = 0x7FFF_FFFFL;
    /** The most waits the high half counts. */
    static final long MAX_WAITERS = 0xFFFF_FFFFL;

    private EventStates() {
    }

    /** The low half with the generation advanced and the signaled bit clear; the waiters kept. */
    static long nextGeneration(long state) {
        long low = ((state & FUTEX_MASK & ~SIGNALED) + GENERATION_STEP) & FUTEX_MASK;
        return (state & ~FUTEX_MASK) | low;
    }

    /** Manual reset: the generation (bits 1..31 of the low half). */
    static long generation(long state) {
        return state & FUTEX_MASK & ~SIGNALED;
    }

    /** Auto reset: whether a set can grant (more waits registered than granted, and room for one more grant). */
    static boolean canGrant(long state) {
        long grants = grants(state);
        return waiters(state) > grants && grants < MAX_GRANTS;
    }

    /** The waits registered (auto reset) or that may sleep (manual reset): the high half. */
    static long waiters(long state) {
        return state >>> 32;
    }

    /** Auto reset: the grants not yet taken (bits 1..31 of the low half). */
    static long grants(long state) {
        return (state & FUTEX_MASK) >>> 1;
    }
}
