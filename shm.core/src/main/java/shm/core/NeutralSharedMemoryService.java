package shm.core;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

import shm.api.ErrorReason;
import shm.api.MapOptions;
import shm.api.NamedEvent;
import shm.api.NamedMutex;
import shm.api.NamedSemaphore;
import shm.api.ObjectInfo;
import shm.api.ObjectType;
import shm.api.SharedMemory;
import shm.api.SharedMemoryService;
import shm.api.ShmException;
import shm.api.SyncObjectService;
import shm.api.spi.BackendHandle;
import shm.api.spi.ShmBackend;
import shm.util.Failures;

/**
 * The neutral {@link SharedMemoryService}: Win32 file-mapping semantics, which are exactly the semantics every
 * {@link ShmBackend} provides for {@link ObjectType#SHARED_MEMORY}, plus handles that survive a change of backend.
 * Usable as a plain library: {@code new NeutralSharedMemoryService(backend)}.
 *
 * <p><b>Backend swap</b> ({@link #switchTo}): every open handle is moved make-before-break: the object is opened by
 * name on the new backend (created there with the same logical size if it does not exist, and then the bytes are
 * copied), the handle starts answering with the new mapping, its listeners hear {@code REMAPPED}, and only then is
 * the old backend handle released, so no object's count ever drops to zero on the way. A handle that cannot be moved
 * stays on the old backend and the failure is reported. When the backend goes away without a successor
 * ({@link #backendGone}), every handle is closed and its listeners hear {@code LOST}.
 *
 * <p>Events, mutexes and semaphores ({@link SyncObjectService}) come from the backend bound when they are created and
 * stay there: a swap does not move them.
 *
 * <p>Thread-safe: creating, opening, closing and swapping are serialized by one lock; {@link SharedMemory#segment()}
 * reads without locking.
 */
public class NeutralSharedMemoryService implements SharedMemoryService, SyncObjectService, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(NeutralSharedMemoryService.class.getName());

    private final ReentrantLock lock = new ReentrantLock();
    /** Guarded by {@link #lock}. */
    private final Set<NeutralHandle> handles = new LinkedHashSet<>();
    /** Guarded by {@link #lock}; {@code null} while no backend is bound. */
    private ShmBackend backend;
    /** Guarded by {@link #lock}. */
    private boolean closed;

    /** A service over {@code backend}. */
    public NeutralSharedMemoryService(ShmBackend backend) {
        this.backend = Objects.requireNonNull(backend, "backend");
    }

    /** A service with no backend yet; {@link #switchTo} binds one. */
    protected NeutralSharedMemoryService() {
    }

    @Override
    public SharedMemory createOrOpen(String name, long size, MapOptions options) {
        Objects.requireNonNull(options, "options");
        return underLock(name, backend -> track(backend.createOrOpen(ObjectType.SHARED_MEMORY, name, size, options),
                backend, options));
    }

    @Override
    public SharedMemory createUnnamed(long size, MapOptions options) {
        Objects.requireNonNull(options, "options");
        return underLock(null, backend -> track(backend.createUnnamed(ObjectType.SHARED_MEMORY, size, options),
                backend, options));
    }

    @Override
    public SharedMemory open(String name, MapOptions options) {
        Objects.requireNonNull(options, "options");
        return underLock(name, backend -> track(backend.open(ObjectType.SHARED_MEMORY, name, options), backend,
                options));
    }

    @Override
    public Optional<ObjectInfo> info(String name) {
        return underLock(name, backend -> backend.lookup(name));
    }

    @Override
    public List<ObjectInfo> list() {
        return underLock(null, ShmBackend::list);
    }

    /** Runs {@code work} on the bound backend under the lock, so that no swap runs meanwhile. */
    private <T> T underLock(String name, java.util.function.Function<ShmBackend, T> work) {
        lock.lock();
        try {
            return work.apply(bound(name));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public NamedEvent createOrOpenEvent(String name, boolean manualReset, boolean initiallySignaled) {
        return current(name).createOrOpenEvent(name, manualReset, initiallySignaled);
    }

    @Override
    public NamedEvent openEvent(String name) {
        return current(name).openEvent(name);
    }

    @Override
    public NamedMutex createOrOpenMutex(String name, boolean initiallyOwned) {
        return current(name).createOrOpenMutex(name, initiallyOwned);
    }

    @Override
    public NamedMutex openMutex(String name) {
        return current(name).openMutex(name);
    }

    @Override
    public NamedSemaphore createOrOpenSemaphore(String name, long initialCount, long maximumCount) {
        return current(name).createOrOpenSemaphore(name, initialCount, maximumCount);
    }

    @Override
    public NamedSemaphore openSemaphore(String name) {
        return current(name).openSemaphore(name);
    }

    /** The bound backend, taken under the lock; the call itself runs outside it (a wait must not block others). */
    private ShmBackend current(String name) {
        return underLock(name, backend -> backend);
    }

    /** The backend in use; empty while none is bound. */
    public Optional<ShmBackend> backend() {
        lock.lock();
        try {
            return Optional.ofNullable(backend);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Makes {@code replacement} the backend and moves every open handle to it, make-before-break (see the class
     * documentation). Handles that cannot be moved stay where they are; the first failure is rethrown after all
     * handles were tried, with the others suppressed.
     */
    public void switchTo(ShmBackend replacement) {
        Objects.requireNonNull(replacement, "replacement");
        lock.lock();
        try {
            ShmBackend previous = backend;
            backend = replacement;
            if (previous == null || previous == replacement) {
                return;
            }
            Failures.forEach(ShmException.class, List.copyOf(handles), handle -> {
                try {
                    move(handle, replacement);
                } catch (ShmException e) {
                    LOG.log(System.Logger.Level.ERROR, "cannot move " + handle + " to " + replacement.type(), e);
                    throw e;
                }
            });
        } finally {
            lock.unlock();
        }
    }

    /**
     * Tells the service that {@code gone} is going away. If it is the backend in use, every handle still on it is
     * closed and its listeners hear {@code LOST}; until another backend is bound, calls fail with CLOSED.
     */
    public void backendGone(ShmBackend gone) {
        lock.lock();
        try {
            if (backend == gone) {
                backend = null;
            }
            for (NeutralHandle handle : List.copyOf(handles)) {
                if (handle.owner() == gone) {
                    handles.remove(handle);
                    releaseQuietly(handle.detach(), handle);
                    handle.notifyLost(gone.type());
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Closes every handle this service gave out and refuses further calls. Idempotent. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            for (NeutralHandle handle : List.copyOf(handles)) {
                release(handle);
            }
            backend = null;
        } finally {
            lock.unlock();
        }
    }

    /** Closes one handle; idempotent. */
    void release(NeutralHandle handle) {
        lock.lock();
        try {
            if (handles.remove(handle)) {
                BackendHandle delegate = handle.detach();
                if (delegate != null) {
                    delegate.close();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private void move(NeutralHandle handle, ShmBackend target) {
        BackendHandle old = handle.delegate();
        if (old == null) {
            return;
        }
        long size = old.byteSize();
        BackendHandle moved = old.name() == null
                ? target.createUnnamed(ObjectType.SHARED_MEMORY, size, handle.options())
                : target.createOrOpen(ObjectType.SHARED_MEMORY, old.name(), size, handle.options());
        try {
            if (!moved.alreadyExisted()) {
                java.lang.foreign.MemorySegment.copy(old.segment(), 0, moved.segment(), 0,
                        Math.min(size, moved.byteSize()));
            }
        } catch (RuntimeException e) {
            moved.close();
            throw new ShmException(ErrorReason.INTERNAL, old.name(),
                    "cannot copy the object's bytes to the new backend " + target.type(), null, e);
        }
        handle.remapTo(moved, target);
        releaseQuietly(old, handle);
    }

    private SharedMemory track(BackendHandle delegate, ShmBackend owner, MapOptions options) {
        NeutralHandle handle = new NeutralHandle(this, delegate, owner, options);
        handles.add(handle);
        return handle;
    }

    private ShmBackend bound(String name) {
        if (closed) {
            throw new ShmException(ErrorReason.CLOSED, name, "the shared memory service is closed");
        }
        if (backend == null) {
            throw new ShmException(ErrorReason.CLOSED, name, "no shared memory backend is bound");
        }
        return backend;
    }

    private static void releaseQuietly(BackendHandle old, NeutralHandle handle) {
        if (old == null) {
            return;
        }
        try {
            old.close();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot release the old mapping of " + handle, e);
        }
    }

    /** For diagnostics: how many handles are open. */
    int openHandleCount() {
        lock.lock();
        try {
            return handles.size();
        } finally {
            lock.unlock();
        }
    }
}
