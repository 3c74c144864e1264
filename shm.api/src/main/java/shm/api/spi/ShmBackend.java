package shm.api.spi;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import shm.api.MapOptions;
import shm.api.ObjectInfo;
import shm.api.ObjectType;
import shm.api.ShmException;
import shm.api.SyncObjectService;

/**
 * A store of named, typed, shared objects, registered as an OSGi service by a backend bundle. Implemented by backends
 * (see the package documentation for the role decision).
 *
 * <p>Semantics every backend provides: create-or-open where the existing object's size wins; one namespace for all
 * types; a handle count per object across processes, the last close destroying the object; a process's handles
 * released when it dies. All methods are thread-safe and may block on cross-process locks for a bounded time. After
 * the backend is closed (its component deactivated) every handle it gave out is closed and every method throws
 * {@link shm.api.ShmException} with {@link shm.api.ErrorReason#CLOSED}.
 */
@org.osgi.annotation.versioning.ProviderType
public interface ShmBackend extends SyncObjectService {

    /** Service property naming the backend's type, such as {@code "mmap"}; use it in reference target filters. */
    String TYPE_PROPERTY = "shm.backend.type";

    /**
     * Service property naming the namespace the backend's objects live in: two backend services with the same value
     * see the same objects (one store), so a handle can move between them without copying; with different values
     * they are separate stores. For the mmap backend it names its root directory.
     *
     * @since 1.1
     */
    String NAMESPACE_PROPERTY = "shm.backend.namespace";

    /**
     * Service property: how long, in milliseconds, a hold parked with {@link BackendHandle#park()} (or by the backend
     * when its instance goes away while its process lives) is kept before any participant releases it. Absent when
     * the backend cannot park.
     *
     * @since 1.2
     */
    String PARK_DEADLINE_PROPERTY = "shm.backend.park.deadline.millis";

    /**
     * Every hold parked in this backend's store, by any process, for the operator.
     *
     * @throws shm.api.ShmException CLOSED
     * @since 1.2
     */
    default List<ParkedHold> parkedHolds() {
        return List.of();
    }

    /**
     * Runs {@code opens}, in which every open of an object this thread makes through this backend (by name, by
     * reference, {@link #createOrOpen} of an existing object, and the event, mutex and semaphore openers) first takes
     * back one hold this process parked on that object ({@link BackendHandle#park()}, {@link #parkSync}), when there
     * is one, instead of adding a hold. Only the successor of a parked handle calls this: a consumer or a backend
     * instance taking back what its previous revision parked. Every other open adds a hold of its own, so its close
     * releases that hold and never a parked one: another bundle's open and close while a hold is parked can never
     * destroy the object. A backend that cannot park runs {@code opens} as they are (what this default does).
     *
     * @param opens the opens, run on the calling thread
     * @return what {@code opens} returns
     * @since 1.5
     */
    default <T> T reclaiming(Supplier<T> opens) {
        return opens.get();
    }

    /**
     * Waits on several events, mutexes and semaphores of this backend at once, as Win32's
     * {@code WaitForMultipleObjects} does. <b>Wait-any</b> ({@code waitAll} false) returns as soon as one of the
     * objects can be taken and takes that one, the lowest index among those that can; <b>wait-all</b> returns when
     * all can be taken at the same moment and takes them all, never holding some while it waits for the others.
     * Taking an object is what a single wait does to it: an auto-reset event resets, a semaphore gives a unit, a
     * mutex is acquired by the calling thread (recursively, or from an owner that ended: then
     * {@link shm.api.WaitResult#ABANDONED} with its index). A manual-reset event is taken while it is signaled; for
     * wait-any, as for a single wait, also when a set or pulse released the waits present since this wait began.
     * {@link Thread#interrupt()} ends the wait as a time-out would; the thread keeps its interrupt status.
     *
     * <p>A backend that cannot wait on several objects publishes {@link BackendCapabilities#WAIT_MULTIPLE}
     * {@code false} and refuses with {@link shm.api.ErrorReason#LOCATION} (what this default does).
     *
     * @param objects 1 to {@link #MAX_WAIT_OBJECTS} open {@link shm.api.NamedEvent}s, {@link shm.api.NamedMutex}es and
     *                {@link shm.api.NamedSemaphore}s that this backend gave out; for wait-all each a different object
     * @param waitAll wait until all can be taken (true) or any (false)
     * @param timeout how long to wait at most; {@link Duration#ZERO} only tests
     * @throws ShmException INVALID_PARAMETER for no or too many objects, an object this backend did not give out, the
     *                      same object twice in a wait-all, or a negative timeout; CLOSED when a handle is closed;
     *                      LOCATION when the backend cannot wait on several objects
     * @since 1.3
     */
    default MultipleWaitResult waitForMultipleObjects(List<?> objects, boolean waitAll, Duration timeout) {
        throw new ShmException(shm.api.ErrorReason.LOCATION, null, "this backend cannot wait on several objects at"
                + " once (" + BackendCapabilities.WAIT_MULTIPLE + "=false)");
    }

    /**
     * The most objects {@link #waitForMultipleObjects} takes in one call, for every backend that can wait on several
     * (a personality's own limit, such as Win32's {@code MAXIMUM_WAIT_OBJECTS} of 64, is lower).
     *
     * @since 1.3
     */
    int MAX_WAIT_OBJECTS = 127;

    /**
     * Forgets an event, mutex or semaphore this backend gave out, as {@link BackendHandle#forget()} forgets a handle:
     * it is closed in this process without releasing its hold, which another process released through
     * {@link DescriptorTable#deleteReleasingHold}. Idempotent.
     *
     * @param object a {@link shm.api.NamedEvent}, {@link shm.api.NamedMutex} or {@link shm.api.NamedSemaphore} of this
     *               backend, or a {@link BackendHandle} (then as {@link BackendHandle#forget()})
     * @return {@code true} when the object was open and is now closed; {@code false} when it was already closed, is
     *         not this backend's, or this backend cannot forget (what this default does: nothing happened)
     * @since 1.4
     */
    default boolean forget(Object object) {
        return object instanceof BackendHandle handle && handle.forget();
    }

    /**
     * The reference of an event, mutex or semaphore this backend gave out, named or not, by which
     * {@link #openEventByRef}, {@link #openMutexByRef} and {@link #openSemaphoreByRef} open it again in this or a later
     * backend instance over the same store: how a personality keeps an unnamed event, mutex or semaphore across an
     * update of its own bundle, as {@link #openByRef} does for unnamed shared memory. A reference is identity: it is
     * answered also after the object's handle was closed or parked. A backend that cannot publishes
     * {@link BackendCapabilities#SYNC_REFS} {@code false} and refuses with {@link shm.api.ErrorReason#LOCATION} (what
     * this default does).
     *
     * @param syncObject a {@link shm.api.NamedEvent}, {@link shm.api.NamedMutex} or {@link shm.api.NamedSemaphore}
     * @throws ShmException INVALID_PARAMETER for an object this backend did not give out, LOCATION when the backend
     *                      cannot
     * @since 1.4
     */
    default ObjectRef syncRef(Object syncObject) {
        throw noSyncRefs();
    }

    /**
     * As {@link BackendHandle#park()} for an event, mutex or semaphore this backend gave out: unmaps it and parks its
     * hold for this process, until an open of the object made {@linkplain #reclaiming reclaiming} (by name, or by
     * {@link #syncRef} through {@link #openEventByRef} and its siblings, in any backend instance over the same store)
     * takes the hold back, or the park deadline passes. The object's state is untouched: an event stays signaled or not, a semaphore keeps its
     * count, a mutex keeps its owning thread and recursion (closing a mutex would release the closing thread's
     * ownership; parking never does). Afterwards the object answers as a closed one.
     *
     * @return {@code true} when the hold was parked; {@code false} when this backend cannot park (nothing happened,
     *         the object is still open and the caller decides) or the object was already closed
     * @throws ShmException INVALID_PARAMETER for an object this backend did not give out
     * @since 1.4
     */
    default boolean parkSync(Object syncObject) {
        return false;
    }

    /**
     * Opens the event {@code ref} ({@link #syncRef}) names, adding a handle of this process (or, inside
     * {@link #reclaiming}, taking back a hold it parked); its reset mode and state are as they are.
     *
     * @throws ShmException NOT_FOUND when the object no longer exists, NAME_USED_BY_OTHER_TYPE when the reference
     *                      names an object of another type, CLOSED, LOCATION when the backend cannot
     * @since 1.4
     */
    default shm.api.NamedEvent openEventByRef(ObjectRef ref) {
        throw noSyncRefs();
    }

    /**
     * As {@link #openEventByRef} for a mutex; its owner and recursion are as they are.
     *
     * @since 1.4
     */
    default shm.api.NamedMutex openMutexByRef(ObjectRef ref) {
        throw noSyncRefs();
    }

    /**
     * As {@link #openEventByRef} for a semaphore; its counts are as they are.
     *
     * @since 1.4
     */
    default shm.api.NamedSemaphore openSemaphoreByRef(ObjectRef ref) {
        throw noSyncRefs();
    }

    private static ShmException noSyncRefs() {
        return new ShmException(shm.api.ErrorReason.LOCATION, null, "this backend cannot open events, mutexes and"
                + " semaphores by reference (" + BackendCapabilities.SYNC_REFS + "=false)");
    }

    /** The backend's type, the value of its {@link #TYPE_PROPERTY} service property. */
    String type();

    /**
     * Creates the named object of the given type, or opens it if an object of that type and name exists (its size
     * wins; {@link BackendHandle#alreadyExisted()} says which happened). Nothing is created when this throws.
     *
     * @param type    the object's type
     * @param name    the name, non-empty
     * @param size    the size in bytes for a new object, at least 1
     * @param options how to map the object
     * @throws shm.api.ShmException INVALID_NAME, INVALID_PARAMETER, NO_MEMORY, NAME_USED_BY_OTHER_TYPE,
     *                              ACCESS_DENIED, INCOMPATIBLE_STORE, CLOSED
     */
    BackendHandle createOrOpen(ObjectType type, String name, long size, MapOptions options);

    /**
     * As {@link #createOrOpen(ObjectType, String, long, MapOptions)}, charging a new object's size to a memory pool
     * (see {@link #setPoolLimit}); opening an existing object charges nothing.
     *
     * @param pool the pool's name, or {@code null} for none
     * @throws shm.api.ShmException also NO_MEMORY when the pool cannot hold the object (nothing is created)
     */
    BackendHandle createOrOpen(ObjectType type, String name, long size, MapOptions options, String pool);

    /**
     * Creates an object without a name, reachable through the returned handle and its {@link BackendHandle#ref()}.
     *
     * @throws shm.api.ShmException INVALID_PARAMETER, NO_MEMORY, CLOSED
     */
    BackendHandle createUnnamed(ObjectType type, long size, MapOptions options);

    /** As {@link #createUnnamed(ObjectType, long, MapOptions)}, charging the size to a memory pool. */
    BackendHandle createUnnamed(ObjectType type, long size, MapOptions options, String pool);

    /**
     * Opens the object a reference names, named or not, adding a handle of this process (or, inside
     * {@link #reclaiming}, taking back a hold it parked).
     *
     * @throws shm.api.ShmException NOT_FOUND when the object no longer exists, CLOSED
     */
    BackendHandle openByRef(ObjectRef ref, MapOptions options);

    /**
     * Sets the limit of a memory pool that every process of the backend shares; objects created with the pool are
     * charged to it until they are destroyed. The last limit set wins.
     *
     * @throws shm.api.ShmException INVALID_PARAMETER for a negative limit or an empty name, LIMIT when the backend
     *                              has no room for another pool, CLOSED
     */
    void setPoolLimit(String pool, long limitBytes);

    /** A pool's limit and use now; empty when no limit was ever set for it. */
    Optional<PoolUsage> poolUsage(String pool);

    /**
     * The descriptor table of this name, shared by every process of the backend; the first process to ask for it
     * fixes its capacity and per-process limit, later processes get the table as it is.
     *
     * @throws shm.api.ShmException INVALID_PARAMETER for a capacity or limit below 1 or above what the backend holds,
     *                              LIMIT when the backend has no room for another table, CLOSED
     */
    DescriptorTable descriptors(String name, int capacity, int perProcessLimit);

    /** The directory of names, shared by every process of the backend. */
    Directory directory();

    /**
     * Opens an existing object of the given type.
     *
     * @throws shm.api.ShmException NOT_FOUND, INVALID_NAME, NAME_USED_BY_OTHER_TYPE (the name holds another type),
     *                              ACCESS_DENIED, INCOMPATIBLE_STORE, CLOSED
     */
    BackendHandle open(ObjectType type, String name, MapOptions options);

    /**
     * A snapshot of the named object of any type; empty when none has that name.
     *
     * @throws shm.api.ShmException INVALID_NAME, CLOSED
     */
    Optional<ObjectInfo> lookup(String name);

    /**
     * A snapshot of every named object of every type, sorted by name. Listing never destroys: a backend that releases
     * dead processes' handles on its own does not do it for a listing, so a holder may be a process that died (see
     * {@link #deadProcesses()}); {@link #reap()} releases them.
     *
     * @throws shm.api.ShmException CLOSED
     */
    List<ObjectInfo> list();

    /**
     * The pids of processes that died still holding something in this backend's store (handles, descriptors, names),
     * not yet reaped. Changes nothing.
     *
     * @throws shm.api.ShmException CLOSED
     * @since 1.3
     */
    default List<Long> deadProcesses() {
        return List.of();
    }

    /**
     * As {@link #reapDeadProcesses()}, and names the objects destroyed because a dead process held their last
     * handles.
     *
     * @throws shm.api.ShmException CLOSED
     * @since 1.3
     */
    default ReapReport reap() {
        return ReapReport.pidsOnly(reapDeadProcesses());
    }

    /**
     * Releases now the handles of processes that died holding them (each backend also does this on its own, at the
     * latest on its next operation) and destroys objects left without handles.
     *
     * @return the pids of the processes whose handles were released, empty when none had died
     * @throws shm.api.ShmException CLOSED
     */
    List<Long> reapDeadProcesses();
}
