package shm.provider.mmap.sync;

import java.lang.foreign.MemorySegment;

import shm.api.WaitResult;

/**
 * A {@link SharedEvent}'s part in a wait on several objects ({@link MultiWait}). Manual reset: registered in the
 * waiter hint; taken (without change) while signaled or, for wait-any, once the generation moved since the wait
 * registered. Auto reset: registered as a waiter, so a set grants to it; takes the signaled state or a grant; gives back
 * by setting again; leaving, turns a grant no registered wait is left for back into the signaled state.
 */
final class EventWaitTargets {

    private EventWaitTargets() {
    }

    /** Base of the two targets: the futex word is the low half of the state. */
    abstract static class Target implements WaitTarget {
        final SharedEvent event;

        Target(SharedEvent event) {
            this.event = event;
        }

        @Override
        public MemorySegment segment() {
            return event.segment();
        }

        @Override
        public long futexOffset() {
            return SharedEvent.STATE_OFFSET;
        }

        @Override
        public int prepareSleep() {
            return (int) event.state();
        }

        @Override
        public boolean needsOwnerCheck() {
            return false;
        }
    }

    /** Manual reset: registered in the hint; released by the signaled state or (wait-any) a new generation. */
    static final class Manual extends Target {
        private final boolean forAll;
        private long entry;

        Manual(SharedEvent event, boolean forAll) {
            super(event);
            this.forAll = forAll;
        }

        @Override
        public void register() {
            event.register();
            entry = event.state();
        }

        @Override
        public boolean available(boolean checkOwner) {
            long s = event.state();
            return (s & SharedEvent.SIGNALED) != 0
                    || (!forAll && EventStates.generation(s) != EventStates.generation(entry));
        }

        @Override
        public WaitResult tryTake(boolean checkOwner) {
            return available(checkOwner) ? WaitResult.SIGNALED : null;
        }

        @Override
        public void giveBack() {
            // taking a manual-reset event changes nothing
        }

        @Override
        public void deregister() {
            Words.addLong(event.segment(), SharedEvent.STATE_OFFSET, -SharedEvent.WAITER_ONE);
        }
    }

    /**
     * Auto reset: registered as a waiter (so a set grants to it); takes the signaled state or a grant; gives back by
     * setting again; leaving, turns a grant no registered wait is left for back into the signaled state.
     */
    static final class Auto extends Target {
        private boolean registered;
        private boolean tookRegisteredGrant;

        Auto(SharedEvent event) {
            super(event);
        }

        @Override
        public void register() {
            while (true) {
                long s = event.state();
                if (EventStates.waiters(s) == EventStates.MAX_WAITERS) {
                    throw event.tooManyWaiters();
                }
                if (event.casState(s, s + SharedEvent.WAITER_ONE)) {
                    registered = true;
                    return;
                }
            }
        }

        @Override
        public boolean available(boolean checkOwner) {
            long s = event.state();
            return (s & SharedEvent.SIGNALED) != 0 || EventStates.grants(s) > 0;
        }

        @Override
        public WaitResult tryTake(boolean checkOwner) {
            while (true) {
                long s = event.state();
                if ((s & SharedEvent.SIGNALED) != 0) {
                    if (event.casState(s, s & ~SharedEvent.SIGNALED)) {
                        tookRegisteredGrant = false;
                        return WaitResult.SIGNALED;
                    }
                } else if (EventStates.grants(s) > 0) {
                    long taken = registered ? s - SharedEvent.GRANT_ONE - SharedEvent.WAITER_ONE : s - SharedEvent.GRANT_ONE;
                    if (event.casState(s, taken)) {
                        tookRegisteredGrant = registered;
                        registered = false;
                        return WaitResult.SIGNALED;
                    }
                } else {
                    return null;
                }
            }
        }

        @Override
        public void giveBack() {
            if (tookRegisteredGrant) {
                register();
                tookRegisteredGrant = false;
            }
            event.set();
        }

        @Override
        public void deregister() {
            if (!registered) {
                return;
            }
            while (true) {
                long s = event.state();
                long left = s - SharedEvent.WAITER_ONE;
                if (EventStates.grants(s) > EventStates.waiters(s) - 1) {
                    left = (left - SharedEvent.GRANT_ONE) | SharedEvent.SIGNALED; // a release meant for a wait that is leaving: kept
                }
                if (event.casState(s, left)) {
                    registered = false;
                    return;
                }
            }
        }
    }
}
