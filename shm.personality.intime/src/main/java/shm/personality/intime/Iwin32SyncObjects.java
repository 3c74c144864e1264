package shm.personality.intime;

import static shm.api.intime.IntimeConstants.ERROR_NOT_OWNER;
import static shm.api.intime.IntimeConstants.ERROR_TOO_MANY_POSTS;
import static shm.api.intime.IntimeConstants.PAGE_SIZE;

import java.lang.foreign.MemorySegment;
import java.time.Duration;

import shm.api.ErrorReason;
import shm.api.MapOptions;
import shm.api.NamedEvent;
import shm.api.NamedMutex;
import shm.api.NamedSemaphore;
import shm.api.ObjectType;
import shm.api.ShmException;
import shm.api.WaitResult;
import shm.api.intime.IntimeTables;
import shm.api.spi.BackendHandle;
import shm.api.spi.Descriptor;
import shm.api.spi.ObjectRef;
import shm.api.spi.ShmBackend;

/**
 * The iwin32 event, mutex and semaphore rules of one INtime process, over the backend's named objects
 * ({@link shm.api.SyncObjectService}), each create or open holding one object under one iwin32 handle of
 * {@link Iwin32Handles}. The handle of a named object names the object itself, so another process can open it from
 * the handle value; the handle of an unnamed object names this process's own object (no other process can open an
 * unnamed event, mutex or semaphore: the backend offers no open by reference for them). Not thread-safe on its own:
 * the personality's lock guards it; a {@link Waitable} is used without the lock.
 */
final class Iwin32SyncObjects {

    /**
     * What a wait needs, usable without the personality's lock.
     *
     * @param descriptor the slot of the handle; the wait ends when the slot no longer names it
     * @param object     the backend's event, mutex or semaphore
     * @param handles    the handles of the process that waits, which tell whether the slot still names the object
     */
    record Waitable(Descriptor descriptor, Object object, Iwin32Handles handles) {

        /** Waits on the object for at most {@code timeout}: an event's wait, a mutex's or semaphore's acquire. */
        WaitResult await(Duration timeout) {
            return Iwin32SyncObjects.await(object, timeout);
        }
    }

    /**
     * Waits on {@code object} (an event, mutex or semaphore: {@link #syncObjectOrNull}) for at most {@code timeout}: an
     * event's wait, a mutex's or semaphore's acquire.
     */
    static WaitResult await(Object object, Duration timeout) {
        return switch (object) {
            case NamedEvent event -> event.await(timeout);
            case NamedMutex mutex -> mutex.acquire(timeout);
            case NamedSemaphore semaphore -> semaphore.acquire(timeout);
            default -> throw new IllegalStateException("not an event, mutex or semaphore: " + object);
        };
    }

    /** The object {@code held} holds when it is an event, mutex or semaphore; {@code null} otherwise. */
    static Object syncObjectOrNull(Iwin32Handles.Held held) {
        Object object = held.object();
        return object instanceof NamedEvent || object instanceof NamedMutex || object instanceof NamedSemaphore
                ? object : null;
    }

    private final ShmBackend backend;
    private final Iwin32Handles handles;
    private final ProcessHandles processes;

    Iwin32SyncObjects(ShmBackend backend, Iwin32Handles handles, ProcessHandles processes) {
        this.backend = backend;
        this.handles = handles;
        this.processes = processes;
    }

    // ------------------------------------------------------------------ create and open

    /** {@code RtCreateEvent}: an existing event keeps its reset mode and state. */
    Iwin32Objects.Opened createEvent(boolean manualReset, boolean initiallySignaled, String name) {
        Iwin32Names.check(name);
        return handles.inOneStep(() -> {
            NamedEvent event = backend.createOrOpenEvent(name, manualReset, initiallySignaled);
            return register(event, event::close, ObjectType.EVENT, name, event.alreadyExisted());
        });
    }

    /** {@code RtOpenEvent}. */
    Iwin32Objects.Opened openEvent(String name) {
        Iwin32Names.checkOpen(name, "RtOpenEvent");
        return handles.inOneStep(() -> {
            NamedEvent event = backend.openEvent(name);
            return register(event, event::close, ObjectType.EVENT, name, true);
        });
    }

    /** {@code RtCreateMutex}: {@code initialOwner} counts only for a new mutex. */
    Iwin32Objects.Opened createMutex(boolean initialOwner, String name) {
        Iwin32Names.check(name);
        return handles.inOneStep(() -> {
            NamedMutex mutex = backend.createOrOpenMutex(name, initialOwner);
            return register(mutex, mutex::close, ObjectType.MUTEX, name, mutex.alreadyExisted());
        });
    }

    /** {@code RtOpenMutex}. */
    Iwin32Objects.Opened openMutex(String name) {
        Iwin32Names.checkOpen(name, "RtOpenMutex");
        return handles.inOneStep(() -> {
            NamedMutex mutex = backend.openMutex(name);
            return register(mutex, mutex::close, ObjectType.MUTEX, name, true);
        });
    }

    /**
     * {@code RtCreateSemaphore}. The counts of an existing semaphore are ignored, as documented, even out of range;
     * a new semaphore needs {@code 0 <= initial <= maximum} and {@code maximum >= 1}.
     */
    Iwin32Objects.Opened createSemaphore(int initialCount, int maximumCount, String name) {
        Iwin32Names.check(name);
        boolean outOfRange = maximumCount < 1 || initialCount < 0 || initialCount > maximumCount;
        return handles.inOneStep(() -> {
            NamedSemaphore semaphore = outOfRange
                    ? existingSemaphore(name, "a new semaphore needs 0 <= lInitialCount <= lMaximumCount and"
                    + " lMaximumCount >= 1, got " + initialCount + " and " + maximumCount)
                    : backend.createOrOpenSemaphore(name, initialCount, maximumCount);
            return register(semaphore, semaphore::close, ObjectType.SEMAPHORE, name,
                    outOfRange || semaphore.alreadyExisted());
        });
    }

    /** {@code RtOpenSemaphore}. */
    Iwin32Objects.Opened openSemaphore(String name) {
        Iwin32Names.checkOpen(name, "RtOpenSemaphore");
        return handles.inOneStep(() -> {
            NamedSemaphore semaphore = backend.openSemaphore(name);
            return register(semaphore, semaphore::close, ObjectType.SEMAPHORE, name, true);
        });
    }

    // ------------------------------------------------------------------ operations

    /** The event an event handle of any process names. */
    NamedEvent event(long value) {
        return resolve(value, NamedEvent.class, "an event");
    }

    /**
     * {@code RtReleaseMutex}: one level of the calling thread's ownership of the mutex a handle of any process names.
     *
     * @throws ShmException WRONG_STATE (ERROR_NOT_OWNER) when the calling thread does not own the mutex
     */
    void releaseMutex(long value) {
        release(resolve(value, NamedMutex.class, "a mutex"));
    }

    /**
     * {@code RtReleaseMutex} on the resolved {@code mutex}, as {@link #releaseMutex(long)}.
     *
     * @throws ShmException WRONG_STATE (ERROR_NOT_OWNER) when the calling thread does not own the mutex
     */
    static void release(NamedMutex mutex) {
        try {
            mutex.release(); // only the owning thread may: the backend refuses anyone else with WRONG_STATE
        } catch (ShmException e) {
            if (e.reason() == ErrorReason.WRONG_STATE) {
                throw notOwner(mutex);
            }
            throw e;
        }
    }

    /**
     * {@code RtReleaseSemaphore} on the semaphore a handle of any process names: adds {@code count}, returns the count
     * before.
     *
     * @throws ShmException INVALID_PARAMETER with ERROR_INVALID_PARAMETER for a count below 1, with
     *                      ERROR_TOO_MANY_POSTS beyond the maximum (the count is then unchanged)
     */
    long releaseSemaphore(long value, int count) {
        return release(resolve(value, NamedSemaphore.class, "a semaphore"), count);
    }

    /**
     * {@code RtReleaseSemaphore} on the resolved {@code semaphore}, as {@link #releaseSemaphore(long, int)}.
     */
    static long release(NamedSemaphore semaphore, int count) {
        if (count < 1) {
            throw IntimeErrors.win32(ErrorReason.INVALID_PARAMETER, semaphore.name().orElse(null),
                    "lReleaseCount must be greater than zero, got " + count);
        }
        try {
            return semaphore.release(count);
        } catch (ShmException e) {
            if (e.reason() == ErrorReason.INVALID_PARAMETER) {
                throw IntimeErrors.win32(ErrorReason.INVALID_PARAMETER, ERROR_TOO_MANY_POSTS, "ERROR_TOO_MANY_POSTS",
                        semaphore.name().orElse(null), "releasing " + count + " would take the count beyond the"
                        + " maximum of " + semaphore.maximumCount() + "; the count does not change");
            }
            throw e;
        }
    }

    /**
     * What {@code WaitForSingleObject} waits on: an event, mutex or semaphore handle of any process.
     *
     * @throws ShmException CLOSED or WRONG_TYPE (ERROR_INVALID_HANDLE) for any other value
     */
    Waitable waitable(long value) {
        Iwin32Handles.Held held = held(value);
        Waitable waitable = waitableOrNull(held, handles);
        if (waitable == null) {
            throw wrongType(value, held.object(), "an event, mutex or semaphore");
        }
        return waitable;
    }

    /** What a wait on {@code held} of {@code handles} needs; {@code null} when it holds no event, mutex or semaphore. */
    static Waitable waitableOrNull(Iwin32Handles.Held held, Iwin32Handles handles) {
        Object object = syncObjectOrNull(held);
        return object == null ? null : new Waitable(held.descriptor(), object, handles);
    }

    /** The backend the objects live in, which waits on several of them at once. */
    ShmBackend backend() {
        return backend;
    }

    // ------------------------------------------------------------------ handles

    /**
     * Gives a new object its iwin32 handle. A named object's slot names the object; an unnamed one's names this
     * process's object, one page of it. The object is released when no handle can be made.
     */
    private Iwin32Objects.Opened register(Object object, Runnable close, ObjectType type, String name,
                                          boolean existed) {
        ObjectRef ref;
        long size;
        try {
            if (name == null) {
                ref = processes.selfObject();
                size = PAGE_SIZE;
            } else {
                try (BackendHandle probe = backend.open(type, name, MapOptions.DEFAULT)) {
                    ref = probe.ref();
                    size = probe.byteSize();
                }
            }
        } catch (RuntimeException e) {
            close.run();
            throw e;
        }
        // a named object's slot names it, so its hold goes with the slot; an unnamed one's names the process's page
        Runnable forget = name == null ? null : () -> backend.forget(object);
        return new Iwin32Objects.Opened(handles.register(object, close, forget, ref, size), MemorySegment.NULL, existed);
    }

    /** A create with counts out of range: only an existing semaphore can answer it (its counts win). */
    private NamedSemaphore existingSemaphore(String name, String rule) {
        if (name == null) {
            throw IntimeErrors.win32(ErrorReason.INVALID_PARAMETER, null, rule);
        }
        try {
            return backend.openSemaphore(name);
        } catch (ShmException e) {
            if (e.reason() == ErrorReason.NOT_FOUND) {
                throw IntimeErrors.win32(ErrorReason.INVALID_PARAMETER, name, rule);
            }
            throw e;
        }
    }

    private <T> T resolve(long value, Class<T> kind, String what) {
        Object object = held(value).object();
        if (!kind.isInstance(object)) {
            throw wrongType(value, object, what);
        }
        return kind.cast(object);
    }

    /** The object a handle of this process holds, or the one this process opens for another process's handle. */
    private Iwin32Handles.Held held(long value) {
        Iwin32Handles.Held mine = handles.ownOrNull(value);
        return mine != null ? mine : handles.borrow(value, this::openForeign);
    }

    /**
     * Opens for this process the named event, mutex or semaphore another process's handle names. While the probe
     * holds the object, its name names it and no other.
     */
    private Iwin32Handles.Held openForeign(Descriptor descriptor) {
        long value = IntimeTables.iwin32HandleOfSlot(descriptor.index());
        BackendHandle probe;
        try {
            probe = backend.openByRef(descriptor.object(), MapOptions.DEFAULT);
        } catch (ShmException e) {
            throw e.reason() == ErrorReason.NOT_FOUND ? gone(value) : e;
        }
        try (probe) {
            String name = probe.name();
            if (name == null || probe.type() == ObjectType.SHARED_MEMORY) {
                throw IntimeErrors.win32(ErrorReason.WRONG_TYPE, name, "0x" + Long.toHexString(value) + " is "
                        + (name == null ? "another process's handle of unnamed shared memory or of an unnamed event,"
                        + " mutex or semaphore, which only the process that created it can use"
                        : "a handle of shared memory") + "; it cannot be waited on or signaled");
            }
            return switch (probe.type()) {
                case EVENT -> {
                    NamedEvent event = backend.openEvent(name);
                    yield new Iwin32Handles.Held(event, event::close, descriptor);
                }
                case MUTEX -> {
                    NamedMutex mutex = backend.openMutex(name);
                    yield new Iwin32Handles.Held(mutex, mutex::close, descriptor);
                }
                case SEMAPHORE -> {
                    NamedSemaphore semaphore = backend.openSemaphore(name);
                    yield new Iwin32Handles.Held(semaphore, semaphore::close, descriptor);
                }
                case SHARED_MEMORY -> throw new IllegalStateException("shared memory was refused above");
            };
        } catch (ShmException e) {
            throw e.reason() == ErrorReason.NOT_FOUND ? gone(value) : e;
        }
    }

    private static ShmException gone(long value) {
        return IntimeErrors.win32(ErrorReason.CLOSED, null, "0x" + Long.toHexString(value)
                + " names an object that no longer exists");
    }

    private static ShmException notOwner(NamedMutex mutex) {
        return IntimeErrors.win32(ErrorReason.WRONG_STATE, ERROR_NOT_OWNER, "ERROR_NOT_OWNER",
                mutex.name().orElse(null), "the calling thread does not own the mutex");
    }

    private static ShmException wrongType(long value, Object object, String what) {
        String kind = switch (object) {
            case NamedEvent event -> "an event";
            case NamedMutex mutex -> "a mutex";
            case NamedSemaphore semaphore -> "a semaphore";
            default -> "shared memory";
        };
        return IntimeErrors.win32(ErrorReason.WRONG_TYPE, null, "0x" + Long.toHexString(value) + " is a handle of "
                + kind + ", not of " + what);
    }
}
