package shm.provider.mmap;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import shm.api.ErrorReason;
import shm.api.NamedEvent;
import shm.api.NamedSemaphore;
import shm.api.ObjectState;
import shm.api.ObjectType;
import shm.api.ShmException;
import shm.api.spi.BackendHandle;
import shm.api.spi.MultipleWaitResult;
import shm.api.spi.ObjectRef;
import shm.provider.mmap.sync.Futex;
import shm.provider.mmap.sync.MultiWait;
import shm.provider.mmap.sync.SharedEvent;
import shm.provider.mmap.sync.SharedMutex;
import shm.provider.mmap.sync.SharedSemaphore;
import shm.provider.mmap.sync.WaitScope;
import shm.provider.mmap.sync.Waiter;

/**
 * Makes the events, mutexes and semaphores of the mmap backend over the handles of their objects, and reads
 * their state for the operator. The futex binding is made on first use (most backends never wait).
 */
final class SyncObjects {

    /** Made on first use by {@link #futex()}. */
    private volatile Futex futex;

    /** An event over its object's handle; a mapping that holds no event state is refused and released. */
    NamedEvent event(BackendHandle handle) {
        return attach(handle, () -> new MmapEvent(handle, this, new SharedEvent(handle.segment(), futex())));
    }

    /**
     * The scope of the waits made through a handle: its release ends them while its memory is still there
     * ({@link MmapHandle#endWaits}). A handle of another kind gets a scope of its own that nothing closes.
     */
    WaitScope waitScope(BackendHandle handle) {
        return handle instanceof MmapHandle mine ? mine.waitScope(futex()) : futex().newScope();
    }

    /**
     * Writes a new mutex's state, owned by the calling thread once, into the zero-filled segment of an object nobody
     * else can open yet (under the table lock of its create).
     */
    void initializeOwnedMutex(MemorySegment segment) {
        SharedMutex.initialize(segment);
        shm.api.WaitResult taken = new SharedMutex(segment, futex()).acquire(Duration.ZERO);
        if (taken != shm.api.WaitResult.SIGNALED) {
            throw new IllegalStateException("a new mutex was not free: " + taken);
        }
    }

    /** A mutex over its object's handle. */
    MmapMutex mutex(BackendHandle handle) {
        return attach(handle, () -> new MmapMutex(handle, this, new SharedMutex(handle.segment(), futex())));
    }

    /** A semaphore over its object's handle. */
    NamedSemaphore semaphore(BackendHandle handle) {
        return attach(handle, () -> new MmapSemaphore(handle, this, new SharedSemaphore(handle.segment(), futex())));
    }

    /**
     * {@link shm.api.spi.ShmBackend#waitForMultipleObjects}: checks the objects (1 to {@link MultiWait#MAX_OBJECTS}
     * open events, mutexes and semaphores of this backend; different objects for wait-all) and waits on them.
     */
    MultipleWaitResult waitForMultiple(List<?> objects, boolean waitAll, Duration timeout) {
        if (objects.isEmpty() || objects.size() > MultiWait.MAX_OBJECTS) {
            throw new ShmException(ErrorReason.INVALID_PARAMETER, null, "a wait on several objects takes 1 to "
                    + MultiWait.MAX_OBJECTS + " objects, got " + objects.size());
        }
        if (timeout.isNegative()) {
            throw new ShmException(ErrorReason.INVALID_PARAMETER, null, "a wait's timeout cannot be negative: "
                    + timeout);
        }
        List<MultiWait.Member> members = new ArrayList<>(objects.size());
        List<MmapSyncObject> checked = new ArrayList<>(objects.size());
        Set<ObjectRef> seen = new HashSet<>();
        for (int i = 0; i < objects.size(); i++) {
            if (!(objects.get(i) instanceof MmapSyncObject object) || object.origin() != this) {
                throw new ShmException(ErrorReason.INVALID_PARAMETER, null, "object " + i + " of the wait is not an"
                        + " event, mutex or semaphore of this backend: " + objects.get(i));
            }
            if (!object.handle().isOpen()) {
                throw new ShmException(ErrorReason.CLOSED, object.handle().name(), "object " + i + " of the wait"
                        + " is closed");
            }
            if (waitAll && !seen.add(object.handle().ref())) {
                throw new ShmException(ErrorReason.INVALID_PARAMETER, object.handle().name(), "object " + i
                        + " of a wait on all objects is an object the wait already names (Win32 refuses the same"
                        + " object twice in a wait-all)");
            }
            checked.add(object);
            members.add(object.member());
        }
        Waiter waiter = null;
        try {
            if (!timeout.isZero()) {
                List<WaitScope> scopes = new ArrayList<>(checked.size());
                for (MmapSyncObject object : checked) {
                    scopes.add(object.waitScope());
                }
                waiter = WaitScope.enterAll(scopes);
            }
            MultiWait.Outcome outcome = MultiWait.await(futex(), members, waitAll, timeout);
            return outcome.index() < 0 ? MultipleWaitResult.TIMEOUT
                    : new MultipleWaitResult(outcome.result(), outcome.index());
        } catch (IllegalArgumentException e) {
            throw new ShmException(ErrorReason.INVALID_PARAMETER, null, e.getMessage(), null, e);
        } catch (IllegalStateException e) {
            for (MmapSyncObject object : checked) {
                if (!object.handle().isOpen()) {
                    throw new ShmException(ErrorReason.CLOSED, object.handle().name(), "the handle was closed during"
                            + " the wait", null, e);
                }
            }
            throw new ShmException(ErrorReason.WRONG_STATE, null, e.getMessage(), null, e);
        } catch (InternalError e) {
            throw new ShmException(ErrorReason.INCOMPATIBLE_STORE, null, "an object's file was truncated under its"
                    + " mapping outside the platform during a wait on several objects; close its handle", null, e);
        } finally {
            if (waiter != null) {
                waiter.leave();
            }
        }
    }

    /** An event's, mutex's or semaphore's state, read from a mapping of its state block (data; readers render it). */
    ObjectState state(ObjectType type, MemorySegment block) {
        return switch (type) {
            case EVENT -> {
                SharedEvent event = new SharedEvent(block, futex());
                yield new ObjectState.Event(event.isSignaled(), event.manualReset(), event.waitingNow());
            }
            case MUTEX -> new SharedMutex(block, futex()).currentOwner()
                    .map(o -> (ObjectState) new ObjectState.Mutex(o.pid(), o.threadId(), o.recursion()))
                    .orElse(ObjectState.Mutex.FREE);
            case SEMAPHORE -> {
                SharedSemaphore semaphore = new SharedSemaphore(block, futex());
                yield new ObjectState.Semaphore(semaphore.count(), semaphore.maximumCount());
            }
            case SHARED_MEMORY -> ObjectState.NONE;
        };
    }

    /** Attaches a primitive to a handle's mapping; a mapping that holds no such state is refused and released. */
    private static <T> T attach(BackendHandle handle, Supplier<T> attach) {
        try {
            return attach.get();
        } catch (IllegalArgumentException e) {
            handle.close();
            throw new ShmException(ErrorReason.INCOMPATIBLE_STORE, handle.name(), "the object's state is not what"
                    + " this platform writes: " + e.getMessage(), null, e);
        } catch (InternalError e) {
            handle.close();
            throw MmapSyncObject.truncated(handle, e);
        } catch (RuntimeException e) {
            handle.close();
            throw e;
        }
    }

    private Futex futex() {
        Futex current = futex;
        if (current == null) {
            synchronized (this) {
                current = futex;
                if (current == null) {
                    current = new Futex();
                    futex = current;
                }
            }
        }
        return current;
    }
}
