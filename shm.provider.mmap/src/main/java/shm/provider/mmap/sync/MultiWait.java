package shm.provider.mmap.sync;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;

import shm.api.WaitResult;

/**
 * A wait on several events, mutexes and semaphores at once, with Win32's two modes ({@code WaitForMultipleObjects}):
 * <b>wait-any</b> returns as soon as one object can be taken, taking the one of lowest index among those that can;
 * <b>wait-all</b> returns when every object can be taken at the same moment, and takes them all.
 *
 * <p><b>Sleeping.</b> The waiting thread registers with every object (as a single wait does: the waiter counts of
 * events and semaphores, the WAITERS bit of a held mutex), reads every futex word, probes the objects, and then
 * sleeps in one {@code futex_waitv} on all the futex words plus its interrupt word ({@link Futex#awaitAny}); a change
 * of any word after it was read wakes it or keeps it from sleeping, so no signal is lost. Signals wake one sleeper of
 * a mutex, a semaphore or an auto-reset event; a wait woken through an object that it then does not take passes the
 * wake on to that object's next sleeper when it returns, so a wake meant for the object is never swallowed. A
 * registration this wait leaves with an auto-reset event's grant unused turns the grant back into the signaled state.
 *
 * <p><b>Wait-all takes atomically in Win32's sense</b>: it never holds one object while it sleeps for another. When
 * a pass finds every object available, it takes them one after the other; if a concurrent taker wins one of them in
 * between, everything taken in that pass is given back at once, in reverse order, exactly as it was (an abandoned
 * mutex becomes abandoned again, a semaphore unit or an auto-reset event's signal is returned), and the wait sleeps
 * again. Such a tentative hold lasts microseconds and is the one difference from Win32's kernel-atomic take that
 * another participant can observe (a semaphore count one lower for that instant). Two objects of one wait-all must be
 * different objects (the caller checks).
 *
 * <p><b>Dead mutex owners</b> are checked as a single acquire checks them: at the first pass, then every
 * {@link SharedMutex#LIVENESS_INTERVAL} while a mutex of the wait is held by another, and once more at the timeout.
 * {@link Thread#interrupt()} ends the wait as a time-out would ({@link WaitResult#TIMEOUT}); the thread keeps its
 * interrupt status, which tells the two apart.
 */
public final class MultiWait {

    /** The most objects one wait takes: what one {@code futex_waitv} sleeps on, less the interrupt word. */
    public static final int MAX_OBJECTS = Futex.AWAIT_ANY_MAX;

    /**
     * How a wait on several objects ended.
     *
     * @param result {@link WaitResult#SIGNALED}, {@link WaitResult#ABANDONED} or {@link WaitResult#TIMEOUT}
     * @param index  wait-any: the object taken; wait-all: 0, or the lowest index of a mutex taken over from a dead
     *               owner when the result is {@code ABANDONED}; -1 on {@code TIMEOUT}
     */
    public record Outcome(WaitResult result, int index) {
    }

    private final Futex futex;
    private final List<WaitTarget> targets;
    private final boolean all;
    private final long livenessNanos = SharedMutex.LIVENESS_INTERVAL.toNanos();
    private final BitSet woken = new BitSet();

    private MultiWait(Futex futex, List<WaitTarget> targets, boolean all) {
        this.futex = futex;
        this.targets = targets;
        this.all = all;
    }

    /** An object of a wait on several: a {@link SharedEvent}, {@link SharedMutex} or {@link SharedSemaphore}. */
    public sealed interface Member permits Member.Event, Member.Mutex, Member.Semaphore {
        /** An event. */
        record Event(SharedEvent event) implements Member {
        }

        /** A mutex. */
        record Mutex(SharedMutex mutex) implements Member {
        }

        /** A semaphore. */
        record Semaphore(SharedSemaphore semaphore) implements Member {
        }
    }

    /**
     * Waits on {@code members} in the calling thread.
     *
     * @param futex   the futex binding to sleep and wake with
     * @param members 1 to {@link #MAX_OBJECTS} objects; for wait-all each a different object
     * @param waitAll wait until all can be taken (true) or until any can (false)
     * @param timeout how long to wait; {@link Duration#ZERO} only tests
     * @throws IllegalArgumentException for no or too many members, or a negative timeout
     * @throws IllegalStateException    when a segment was closed, or a limit of an object was reached
     */
    public static Outcome await(Futex futex, List<? extends Member> members, boolean waitAll, Duration timeout) {
        Objects.requireNonNull(futex, "futex");
        if (members.isEmpty() || members.size() > MAX_OBJECTS) {
            throw new IllegalArgumentException("a wait on several objects takes 1 to " + MAX_OBJECTS + " objects, got "
                    + members.size());
        }
        Deadline deadline = Deadline.after(timeout);
        List<WaitTarget> targets = new ArrayList<>(members.size());
        for (Member member : members) {
            targets.add(switch (member) {
                case Member.Event e -> e.event().target(waitAll);
                case Member.Mutex m -> m.mutex().target();
                case Member.Semaphore s -> s.semaphore().target();
            });
        }
        return new MultiWait(futex, targets, waitAll).run(deadline);
    }

    private Outcome run(Deadline deadline) {
        int registered = 0;
        Outcome outcome = null;
        try {
            for (WaitTarget target : targets) {
                target.register();
                registered++;
            }
            outcome = loop(deadline);
            return outcome;
        } finally {
            for (int i = registered - 1; i >= 0; i--) {
                targets.get(i).deregister();
            }
            passOnWakes(outcome);
        }
    }

    private Outcome loop(Deadline deadline) {
        int n = targets.size();
        MemorySegment[] segments = new MemorySegment[n];
        long[] offsets = new long[n];
        int[] values = new int[n];
        for (int i = 0; i < n; i++) {
            segments[i] = targets.get(i).segment();
            offsets[i] = targets.get(i).futexOffset();
        }
        boolean checkOwners = true;
        boolean lastCheckDone = false;
        long nextCheck = System.nanoTime() + livenessNanos;
        while (true) {
            for (int i = 0; i < n; i++) {
                values[i] = targets.get(i).prepareSleep();
            }
            Outcome taken = all ? takeAll(checkOwners) : takeAny(checkOwners);
            if (taken != null) {
                return taken;
            }
            long remaining = deadline.remainingNanos();
            if (remaining == 0) {
                if (!lastCheckDone && !checkOwners && anyNeedsOwnerCheck()) {
                    lastCheckDone = true;
                    checkOwners = true;
                    continue;
                }
                return new Outcome(WaitResult.TIMEOUT, -1);
            }
            long sleep = remaining;
            if (anyNeedsOwnerCheck()) {
                sleep = Math.min(sleep, Math.max(1, nextCheck - System.nanoTime()));
            }
            int wake = futex.awaitAny(segments, offsets, values, sleep);
            if (wake >= 0) {
                woken.set(wake);
            }
            checkOwners = System.nanoTime() - nextCheck >= 0;
            if (checkOwners) {
                nextCheck = System.nanoTime() + livenessNanos;
            }
        }
    }

    private Outcome takeAny(boolean checkOwners) {
        for (int i = 0; i < targets.size(); i++) {
            WaitResult result = targets.get(i).tryTake(checkOwners);
            if (result != null) {
                return new Outcome(result, i);
            }
        }
        return null;
    }

    private Outcome takeAll(boolean checkOwners) {
        for (WaitTarget target : targets) {
            if (!target.available(checkOwners)) {
                return null;
            }
        }
        int abandoned = -1;
        for (int i = 0; i < targets.size(); i++) {
            WaitResult result;
            try {
                result = targets.get(i).tryTake(checkOwners);
            } catch (RuntimeException | Error e) {
                giveBack(i);
                throw e;
            }
            if (result == null) {
                giveBack(i); // a concurrent taker won this one: give back what this pass took, sleep again
                return null;
            }
            if (result == WaitResult.ABANDONED && abandoned < 0) {
                abandoned = i;
            }
        }
        return abandoned >= 0 ? new Outcome(WaitResult.ABANDONED, abandoned) : new Outcome(WaitResult.SIGNALED, 0);
    }

    /** Gives back the objects below {@code end} that this pass took, last first. */
    private void giveBack(int end) {
        for (int i = end - 1; i >= 0; i--) {
            targets.get(i).giveBack();
        }
    }

    private boolean anyNeedsOwnerCheck() {
        for (WaitTarget target : targets) {
            if (target.needsOwnerCheck()) {
                return true;
            }
        }
        return false;
    }

    /** Wakes one sleeper of every object whose wake woke this wait but that this wait did not take. */
    private void passOnWakes(Outcome outcome) {
        for (int i = woken.nextSetBit(0); i >= 0; i = woken.nextSetBit(i + 1)) {
            boolean tookIt = outcome != null && outcome.result() != WaitResult.TIMEOUT && (all || outcome.index() == i);
            if (!tookIt) {
                WaitTarget target = targets.get(i);
                futex.wake(target.segment(), target.futexOffset(), 1);
            }
        }
    }
}
