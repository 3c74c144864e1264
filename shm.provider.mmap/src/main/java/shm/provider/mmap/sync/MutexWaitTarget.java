package shm.provider.mmap.sync;

import java.lang.foreign.MemorySegment;

import shm.api.WaitResult;

/**
 * A {@link SharedMutex}'s part in one wait on several objects ({@link MultiWait}), for the calling thread: acquired
 * from free, recursively, or taken over from an owner that ended; given back exactly as it was (a mutex taken over and
 * given back names its ended owner again, so its next acquirer is still told {@link WaitResult#ABANDONED}). A mutex has
 * no registration: WAITERS is set in the owner word before each sleep.
 */
final class MutexWaitTarget implements WaitTarget {

    private final SharedMutex mutex;
    private final long thread = Thread.currentThread().threadId();
    private final long self;
    private WaitResult took;
    private boolean recursed;
    private long previousWord;
    private long previousThread;
    private int previousRecursion;
    private int previousPid;

    MutexWaitTarget(SharedMutex mutex) {
        this.mutex = mutex;
        this.self = mutex.currentWord();
    }

    @Override
    public MemorySegment segment() {
        return mutex.segment();
    }

    @Override
    public long futexOffset() {
        return SharedMutex.OWNER_OFFSET;
    }

    @Override
    public void register() {
        // nothing: WAITERS in the owner word is set before each sleep
    }

    @Override
    public int prepareSleep() {
        while (true) {
            long word = mutex.owner();
            if (word == 0 || (word & SharedMutex.WAITERS) != 0 || mutex.ownedBy(word, thread)) {
                return (int) word;
            }
            if (mutex.casOwner(word, word | SharedMutex.WAITERS)) {
                return (int) (word | SharedMutex.WAITERS);
            }
        }
    }

    @Override
    public boolean available(boolean checkOwner) {
        long word = mutex.owner();
        return word == 0 || mutex.ownedBy(word, thread) || (checkOwner && !SharedMutex.ownerAlive(word));
    }

    @Override
    public WaitResult tryTake(boolean checkOwner) {
        while (true) {
            long word = mutex.owner();
            if (word == 0) {
                if (mutex.casOwner(0, self | SharedMutex.WAITERS)) {
                    mutex.take(thread);
                    return took(WaitResult.SIGNALED, false);
                }
            } else if (mutex.ownedBy(word, thread)) {
                int levels = Words.getInt(mutex.segment(), SharedMutex.RECURSION_OFFSET);
                if (levels == Integer.MAX_VALUE) {
                    throw new IllegalStateException("the shared mutex is already held " + levels
                            + " times by this thread: the recursion limit");
                }
                Words.setInt(mutex.segment(), SharedMutex.RECURSION_OFFSET, levels + 1);
                return took(WaitResult.SIGNALED, true);
            } else if (checkOwner && !SharedMutex.ownerAlive(word)) {
                long oldThread = Words.getLong(mutex.segment(), SharedMutex.THREAD_OFFSET);
                int oldRecursion = Words.getInt(mutex.segment(), SharedMutex.RECURSION_OFFSET);
                int oldPid = Words.getInt(mutex.segment(), SharedMutex.PID_OFFSET);
                if (mutex.casOwner(word, self | SharedMutex.WAITERS)) {
                    previousWord = word & ~SharedMutex.WAITERS;
                    previousThread = oldThread;
                    previousRecursion = oldRecursion;
                    previousPid = oldPid;
                    mutex.take(thread);
                    return took(WaitResult.ABANDONED, false);
                }
            } else {
                return null;
            }
        }
    }

    private WaitResult took(WaitResult result, boolean recursion) {
        took = result;
        recursed = recursion;
        return result;
    }

    @Override
    public void giveBack() {
        if (took == WaitResult.ABANDONED) {
            Words.setLong(mutex.segment(), SharedMutex.THREAD_OFFSET, previousThread);
            Words.setInt(mutex.segment(), SharedMutex.RECURSION_OFFSET, previousRecursion);
            Words.setInt(mutex.segment(), SharedMutex.PID_OFFSET, previousPid);
            long before;
            do {
                before = mutex.owner();
            } while (!mutex.casOwner(before, previousWord | (before & SharedMutex.WAITERS)));
            if ((before & SharedMutex.WAITERS) != 0) {
                mutex.futex().wake(mutex.segment(), SharedMutex.OWNER_OFFSET, 1);
            }
        } else if (recursed) {
            Words.setInt(mutex.segment(), SharedMutex.RECURSION_OFFSET, Words.getInt(mutex.segment(), SharedMutex.RECURSION_OFFSET) - 1);
        } else {
            mutex.release();
        }
        took = null;
    }

    @Override
    public void deregister() {
        // nothing registered
    }

    @Override
    public boolean needsOwnerCheck() {
        long word = mutex.owner();
        return word != 0 && !mutex.ownedBy(word, thread);
    }
}
