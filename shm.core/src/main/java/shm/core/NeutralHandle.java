package shm.core;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import shm.api.ErrorReason;
import shm.api.MapOptions;
import shm.api.MappingEvent;
import shm.api.MappingListener;
import shm.api.SharedMemory;
import shm.api.ShmException;
import shm.api.spi.BackendHandle;
import shm.api.spi.ShmBackend;

/**
 * A {@link SharedMemory} handle whose backend handle can be replaced: {@link #segment()} answers with the mapping of
 * the backend handle current at the time of the call.
 */
final class NeutralHandle implements SharedMemory {

    private static final System.Logger LOG = System.getLogger(NeutralHandle.class.getName());

    private final NeutralSharedMemoryService service;
    private final String name;
    private final boolean alreadyExisted;
    private final MapOptions options;
    private final List<MappingListener> listeners = new CopyOnWriteArrayList<>();
    /** The backend handle; {@code null} once closed. Written under the service's lock. */
    private volatile BackendHandle delegate;
    /** The backend the delegate came from. Written under the service's lock. */
    private volatile ShmBackend owner;
    /** The size of the last mapping, answered after close. */
    private volatile long lastSize;

    NeutralHandle(NeutralSharedMemoryService service, BackendHandle delegate, ShmBackend owner, MapOptions options) {
        this.service = service;
        this.name = delegate.name();
        this.alreadyExisted = delegate.alreadyExisted();
        this.options = options;
        this.delegate = delegate;
        this.owner = owner;
    }

    @Override
    public Optional<String> name() {
        return Optional.ofNullable(name);
    }

    /** The name, or {@code null} for an unnamed object. */
    String nameOrNull() {
        return name;
    }

    @Override
    public long byteSize() {
        BackendHandle current = delegate;
        return current == null ? lastSize : current.byteSize();
    }

    @Override
    public boolean alreadyExisted() {
        return alreadyExisted;
    }

    @Override
    public MemorySegment segment() {
        BackendHandle current = delegate;
        if (current == null) {
            throw new ShmException(ErrorReason.CLOSED, name, "the handle is closed");
        }
        return current.segment();
    }

    @Override
    public boolean isOpen() {
        return delegate != null;
    }

    @Override
    public void addMappingListener(MappingListener listener) {
        java.util.Objects.requireNonNull(listener, "listener");
        if (!listeners.contains(listener)) {
            listeners.add(listener);
        }
    }

    @Override
    public void removeMappingListener(MappingListener listener) {
        listeners.remove(listener);
    }

    @Override
    public void close() {
        service.release(this);
    }

    MapOptions options() {
        return options;
    }

    BackendHandle delegate() {
        return delegate;
    }

    ShmBackend owner() {
        return owner;
    }

    /** Puts a new backend handle in place and tells the listeners; the caller releases the old one afterwards. */
    void remapTo(BackendHandle replacement, ShmBackend newOwner) {
        String from = owner.type();
        delegate = replacement;
        owner = newOwner;
        notifyListeners(new MappingEvent(this, MappingEvent.Kind.REMAPPED, from, newOwner.type()));
    }

    /** Marks the handle closed; returns the backend handle to release, or {@code null} if already closed. */
    BackendHandle detach() {
        BackendHandle current = delegate;
        if (current != null) {
            lastSize = current.byteSize();
            delegate = null;
        }
        return current;
    }

    /** Tells the listeners that the mapping is gone for good. */
    void notifyLost(String fromBackend) {
        notifyListeners(new MappingEvent(this, MappingEvent.Kind.LOST, fromBackend, null));
    }

    private void notifyListeners(MappingEvent event) {
        for (MappingListener listener : listeners) {
            try {
                listener.mappingChanged(event);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "mapping listener " + listener + " failed on " + event, e);
            }
        }
    }

    @Override
    public String toString() {
        return "handle of " + (name == null ? "an unnamed object" : "'" + name + "'") + " on " + owner.type()
                + (isOpen() ? "" : " (closed)");
    }
}
