package shm.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiPredicate;
import java.util.function.Function;

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
import shm.api.spi.ObjectRef;
import shm.api.spi.ReferenceOpening;
import shm.api.spi.ShmBackend;

/**
 * The neutral {@link SharedMemoryService}: Win32 file-mapping semantics, which are exactly the semantics every
 * {@link ShmBackend} provides for {@link ObjectType#SHARED_MEMORY}, plus handles that survive a change of backend and
 * a new revision of this service. Usable as a plain library: {@code new NeutralSharedMemoryService(wait)} and
 * {@link #backendAdded}.
 *
 * <p><b>Which backend.</b> Among the {@linkplain #backendAdded candidates} the best ({@link Candidate#BEST_FIRST})
 * serves new calls, unless handles are open in another store ({@link Candidate#namespace()}) that a bound candidate
 * still serves: a move between stores would fork every object (the bytes copied, later writes on either side lost),
 * so it is refused and logged, and the service stays on the best candidate of the handles' store.
 *
 * <p><b>Swaps</b> ({@link #reconcile}, after every change of candidates): a handle whose store the chosen backend
 * serves moves make-before-break (opened there, which finds the same object, then released on the old backend); a
 * handle whose backend left with no successor of its store is <em>parked</em> ({@link BackendHandle#park()}: its
 * hold stays in the store until the backend's park deadline) and taken over by the next backend of its store; calls
 * on it meanwhile wait up to the swap wait. A handle that cannot go on (its backend cannot park, the successor
 * refuses the object, the park deadline passed) is lost: its listeners hear {@code LOST} and the next call throws
 * the reason. Each swap is logged in one line. This class chooses where each handle goes ({@link Swaps}, by a
 * {@link BackendChoice}); {@link HandleMoves} moves, parks or gives up one handle.
 *
 * <p><b>A new revision of this service</b> ({@link #orphanAll}): every handle's hold is parked and the handle is
 * given a {@link Successor} through which its next call finds the service that replaced this one.
 *
 * <p>Events, mutexes and semaphores ({@link SyncObjectService}) come from the backend serving when they are created
 * and stay there: a swap does not move them.
 *
 * <p>Thread-safe: calls, swaps and closes are serialized by one lock; {@link SharedMemory#segment()} of a bound handle
 * reads without locking.
 */
public class NeutralSharedMemoryService implements SharedMemoryService, SyncObjectService, ReferenceOpening,
        AutoCloseable {

    private static final System.Logger LOG = System.getLogger(NeutralSharedMemoryService.class.getName());

    private final ReentrantLock lock = new ReentrantLock();
    /** Guarded by {@link #lock}. */
    private final LiveHandles handles = new LiveHandles();
    /** The serving backend and the waits for one; guarded by {@link #lock}, but for its swap wait. */
    private final BackendBinding binding;
    /** Runs under {@link #lock}. */
    private final Swaps swaps;
    /** Guarded by {@link #lock}. */
    private final List<Candidate> candidates = new ArrayList<>();
    /** Whether an open of a name (namespace, name) succeeds a handle its client parked: it then takes the hold back. */
    private volatile BiPredicate<String, String> reclaims = (namespace, name) -> false;

    /**
     * A service with no backend yet.
     *
     * @param swapWait how long a call waits for a backend while none serves (during a swap)
     */
    public NeutralSharedMemoryService(Duration swapWait) {
        this.binding = new BackendBinding(lock.newCondition(), swapWait);
        this.swaps = new Swaps(handles, binding, LOG);
    }

    /**
     * Lets opens by name take back a hold parked for them: {@code reclaims} answers, for the store's namespace and the
     * name, whether this open succeeds a handle the same client parked (see {@link ClientLegacies}).
     */
    public void reclaimWhen(BiPredicate<String, String> reclaims) {
        this.reclaims = Objects.requireNonNull(reclaims, "reclaims");
    }

    /** Changes how long calls wait for a backend during a swap. */
    public void setSwapWait(Duration swapWait) {
        binding.setSwapWait(swapWait);
    }

    /** A service over {@code backend}, alone in its own namespace, whose calls wait 10 s during a swap. */
    public NeutralSharedMemoryService(ShmBackend backend) {
        this(Duration.ofSeconds(10));
        backendAdded(Candidate.of(Objects.requireNonNull(backend, "backend"), "backend:" + backend.type(), 0));
    }

    @Override
    public SharedMemory createOrOpen(String name, long size, MapOptions options) {
        Objects.requireNonNull(options, "options");
        return underLock(name, c -> track(byName(c, name,
                b -> b.createOrOpen(ObjectType.SHARED_MEMORY, name, size, options)), c, options));
    }

    @Override
    public SharedMemory createUnnamed(long size, MapOptions options) {
        Objects.requireNonNull(options, "options");
        return underLock(null, c -> track(c.backend().createUnnamed(ObjectType.SHARED_MEMORY, size, options), c,
                options));
    }

    @Override
    public SharedMemory open(String name, MapOptions options) {
        Objects.requireNonNull(options, "options");
        return underLock(name, c -> track(byName(c, name, b -> b.open(ObjectType.SHARED_MEMORY, name, options)), c,
                options));
    }

    /** Opens by name on {@code c}'s backend: reclaiming when the open succeeds a handle its client parked. */
    private BackendHandle byName(Candidate c, String name, Function<ShmBackend, BackendHandle> open) {
        ShmBackend backend = c.backend();
        return reclaims.test(c.namespace(), name) ? backend.reclaiming(() -> open.apply(backend))
                : open.apply(backend);
    }

    /**
     * Opens an object by reference in the store this service serves, taking back the hold an earlier revision of this
     * service parked for it: how a handle of that revision finds its object again ({@link RegistrySuccessor}).
     */
    @Override
    public SharedMemory openByRef(ObjectRef ref, String namespace, MapOptions options) {
        Objects.requireNonNull(options, "options");
        return underLock(null, c -> {
            if (!c.namespace().equals(namespace)) {
                throw new ShmException(ErrorReason.INCOMPATIBLE_STORE, null, "the object lives in the store "
                        + namespace + "; this service serves " + c.namespace() + " (a reference names an object in"
                        + " one store only)");
            }
            return track(c.backend().reclaiming(() -> c.backend().openByRef(ref, options)), c, options);
        });
    }

    @Override
    public Optional<ObjectInfo> info(String name) {
        return underLock(name, c -> c.backend().lookup(name));
    }

    @Override
    public List<ObjectInfo> list() {
        return underLock(null, c -> c.backend().list());
    }

    @Override
    public NamedEvent createOrOpenEvent(String name, boolean manualReset, boolean initiallySignaled) {
        return serving(name).createOrOpenEvent(name, manualReset, initiallySignaled);
    }

    @Override
    public NamedEvent openEvent(String name) {
        return serving(name).openEvent(name);
    }

    @Override
    public NamedMutex createOrOpenMutex(String name, boolean initiallyOwned) {
        return serving(name).createOrOpenMutex(name, initiallyOwned);
    }

    @Override
    public NamedMutex openMutex(String name) {
        return serving(name).openMutex(name);
    }

    @Override
    public NamedSemaphore createOrOpenSemaphore(String name, long initialCount, long maximumCount) {
        return serving(name).createOrOpenSemaphore(name, initialCount, maximumCount);
    }

    @Override
    public NamedSemaphore openSemaphore(String name) {
        return serving(name).openSemaphore(name);
    }

    /** The backend serving new calls; empty while none is bound. */
    public Optional<Candidate> serving() {
        lock.lock();
        try {
            return Optional.ofNullable(binding.current());
        } finally {
            lock.unlock();
        }
    }

    /** The backend serving new calls; empty while none is bound. */
    public Optional<ShmBackend> backend() {
        return serving().map(Candidate::backend);
    }

    /** A backend became available (or changed its properties: pass it again); the best one takes over. */
    public void backendAdded(Candidate candidate) {
        Objects.requireNonNull(candidate, "candidate");
        lock.lock();
        try {
            candidates.removeIf(c -> c.backend() == candidate.backend());
            candidates.add(candidate);
            swaps.reconcile("backend " + candidate.origin() + " bound", candidates);
        } finally {
            lock.unlock();
        }
    }

    /**
     * A backend is going away (it is still usable during this call): handles on it move to another backend of its
     * store, else they are parked until one comes.
     */
    public void backendRemoved(ShmBackend gone) {
        lock.lock();
        try {
            Optional<Candidate> leaving = candidates.stream().filter(c -> c.backend() == gone).findFirst();
            if (leaving.isPresent()) {
                candidates.remove(leaving.get());
                swaps.reconcile("backend " + leaving.get().origin() + " left", candidates);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * This service is going away while its process lives (its component is deactivated for an update or a stop):
     * every handle's hold is parked in its store and the handle finds its object again through {@code successor}.
     * Afterwards this service is closed. Returns how many handles were parked.
     */
    public int orphanAll(Successor successor) {
        return orphanAll(successor, (namespace, name, deadlineNanos) -> { });
    }

    /** Is told each named handle whose hold {@link #orphanAll(Successor, ParkedNames)} parked. */
    @FunctionalInterface
    public interface ParkedNames {
        /** A handle to {@code name} in the store {@code namespace} was parked until {@code deadlineNanos}. */
        void parked(String namespace, String name, long deadlineNanos);
    }

    /** As {@link #orphanAll(Successor)}, telling {@code parkedNames} each named handle whose hold was parked. */
    public int orphanAll(Successor successor, ParkedNames parkedNames) {
        lock.lock();
        try {
            return binding.markClosed() ? swaps.orphanAll(successor, parkedNames) : 0;
        } finally {
            lock.unlock();
        }
    }

    /** Closes every handle this service gave out (their holds are released) and refuses further calls. Idempotent. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (binding.markClosed()) {
                swaps.releaseAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Closes one handle; idempotent. A parked handle's hold is released when a backend of its store returns. */
    void release(NeutralHandle handle) {
        lock.lock();
        try {
            if (!handles.forget(handle)) {
                return;
            }
            boolean parked = handle.isParked();
            BackendHandle delegate = handle.detach();
            if (delegate != null) {
                delegate.close();
            } else if (parked) {
                handles.addClosedWhileParked(handle);
            }
            binding.wakeWaiters();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits while {@code handle} is parked, up to the swap wait. Returns when it is bound, orphaned or lost.
     *
     * @throws ShmException CLOSED when no backend took it over within the swap wait
     */
    void awaitRebind(NeutralHandle handle) {
        lock.lock();
        try {
            if (!binding.awaitRebind(handle)) {
                handles.forget(handle);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Runs {@code work} on the serving backend under the lock, waiting up to the swap wait for one. */
    private <T> T underLock(String name, Function<Candidate, T> work) {
        lock.lock();
        try {
            return work.apply(binding.awaitServing(name));
        } finally {
            lock.unlock();
        }
    }

    /** The serving backend, taken under the lock; the call itself runs outside it (a wait must not block others). */
    private ShmBackend serving(String name) {
        return underLock(name, Candidate::backend);
    }

    private SharedMemory track(BackendHandle delegate, Candidate owner, MapOptions options) {
        NeutralHandle handle = new NeutralHandle(this, delegate, owner, options);
        handles.add(handle);
        return handle;
    }

    /** For diagnostics and the operator: how many handles are open, and how many of them are parked. */
    public HandleCounts handleCounts() {
        lock.lock();
        try {
            return handles.counts();
        } finally {
            lock.unlock();
        }
    }

    /**
     * How many handles a service holds.
     *
     * @param open   handles its users hold open
     * @param parked those of them waiting for a backend of their store
     */
    public record HandleCounts(int open, int parked) {
    }
}
