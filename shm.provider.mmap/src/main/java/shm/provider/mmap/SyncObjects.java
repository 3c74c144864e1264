package shm.provider.mmap;

import java.lang.foreign.MemorySegment;
import java.util.function.Supplier;

import shm.api.ErrorReason;
import shm.api.NamedEvent;
import shm.api.NamedSemaphore;
import shm.api.ObjectState;
import shm.api.ObjectType;
import shm.api.ShmException;
import shm.api.spi.BackendHandle;
import shm.provider.mmap.sync.Futex;
import shm.provider.mmap.sync.SharedEvent;
import shm.provider.mmap.sync.SharedMutex;
import shm.provider.mmap.sync.SharedSemaphore;

/**
 * Makes the events, mutexes and semaphores of the mmap backend over the handles of their objects, and reads
 * their state for the operator. The futex binding is made on first use (most backends never wait).
 */
final class SyncObjects {

    /** Made on first use by {@link #futex()}. */
    private volatile Futex futex;

    /** An event over its object's handle; a mapping that holds no event state is refused and released. */
    NamedEvent event(BackendHandle handle) {
        return attach(handle, () -> new MmapEvent(handle, new SharedEvent(handle.segment(), futex())));
    }

    /** A mutex over its object's handle. */
    MmapMutex mutex(BackendHandle handle) {
        return attach(handle, () -> new MmapMutex(handle, new SharedMutex(handle.segment(), futex())));
    }

    /** A semaphore over its object's handle. */
    NamedSemaphore semaphore(BackendHandle handle) {
        return attach(handle, () -> new MmapSemaphore(handle, new SharedSemaphore(handle.segment(), futex())));
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
