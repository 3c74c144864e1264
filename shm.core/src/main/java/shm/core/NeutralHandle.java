package shm.core;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import shm.api.ErrorReason;
import shm.api.MapOptions;
import shm.api.MappingEvent;
import shm.api.MappingListener;
import shm.api.SharedMemory;
import shm.api.ShmException;
import shm.api.spi.BackendHandle;
import shm.api.spi.ObjectRef;

/**
 * A {@link SharedMemory} handle that outlives its backend handle, its backend and the service revision that made it.
 *
 * <p>States: <b>bound</b> (a backend handle answers); <b>parked</b> (its backend left, the hold is parked in the
 * store, calls wait for the service to bind a successor); <b>orphaned</b> (the service that made it was deactivated:
 * the next call finds the successor service through a {@link Successor} and forwards to a handle of it from then on);
 * <b>lost</b> (it truly cannot go on: the next call throws the reason its listeners heard); <b>closed</b>.
 *
 * <p>{@link #segment()} reads without locking; state changes run under the service's lock, or under this handle's
 * monitor for the orphan's rebinding.
 */
final class NeutralHandle implements SharedMemory {

    private static final System.Logger LOG = System.getLogger(NeutralHandle.class.getName());

    private final NeutralSharedMemoryService service;
    private final String name;
    private final ObjectRef ref;
    private final String namespace;
    private final boolean alreadyExisted;
    private final MapOptions options;
    private final List<MappingListener> listeners = new CopyOnWriteArrayList<>();
    /** The backend handle while bound; {@code null} otherwise. */
    private volatile BackendHandle delegate;
    /** The backend the handle is bound to, or was last bound to. */
    private volatile Candidate owner;
    /** While parked: {@link System#nanoTime()} after which the store has released the parked hold. */
    private volatile long parkedUntil;
    /** Set when the making service was deactivated: how to find its successor. */
    private volatile Successor orphanedBy;
    /** A handle of the successor service, once an orphan found it. */
    private volatile Successor.Adopted successor;
    private volatile ShmException lost;
    private volatile boolean closed;
    private volatile long lastSize;

    NeutralHandle(NeutralSharedMemoryService service, BackendHandle delegate, Candidate owner, MapOptions options) {
        this.service = service;
        this.name = delegate.name();
        this.ref = delegate.ref();
        this.namespace = owner.namespace();
        this.alreadyExisted = delegate.alreadyExisted();
        this.options = options;
        this.delegate = delegate;
        this.owner = owner;
        this.lastSize = delegate.byteSize();
    }

    @Override
    public Optional<String> name() {
        return Optional.ofNullable(name);
    }

    /** The name, or {@code null} for an unnamed object. */
    String nameOrNull() {
        return name;
    }

    ObjectRef ref() {
        return ref;
    }

    /** The store the object lives in; the handle never leaves it. */
    String namespace() {
        return namespace;
    }

    @Override
    public long byteSize() {
        BackendHandle current = delegate;
        if (current != null) {
            return current.byteSize();
        }
        Successor.Adopted adopted = successor;
        return adopted != null ? adopted.handle().byteSize() : lastSize;
    }

    @Override
    public boolean alreadyExisted() {
        return alreadyExisted;
    }

    @Override
    public MemorySegment segment() {
        while (true) {
            BackendHandle current = delegate;
            if (current != null) {
                try {
                    return current.segment();
                } catch (ShmException e) {
                    if (delegate == current && !closed) {
                        throw e;
                    }
                    continue; // parked or moved under our feet: look again
                }
            }
            Successor.Adopted adopted = successor;
            if (adopted != null) {
                return adopted.handle().segment();
            }
            throwIfEnded();
            if (orphanedBy != null) {
                adoptSuccessor();
            } else {
                service.awaitRebind(this);
            }
        }
    }

    @Override
    public boolean isOpen() {
        if (closed || lost != null) {
            return false;
        }
        Successor.Adopted adopted = successor;
        return adopted == null || adopted.handle().isOpen();
    }

    @Override
    public void addMappingListener(MappingListener listener) {
        Objects.requireNonNull(listener, "listener");
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
        if (orphanedBy != null) {
            synchronized (this) {
                if (closed) {
                    return;
                }
                if (successor == null && lost == null && name != null) {
                    try {
                        adoptSuccessor(); // takes the parked hold over, so that closing releases it now
                    } catch (ShmException e) {
                        LOG.log(System.Logger.Level.WARNING, "closing " + this + ": its parked hold is left to"
                                + " expire at its deadline (" + e.getMessage() + ")");
                    }
                }
                closed = true;
                Successor.Adopted adopted = successor;
                if (adopted != null) {
                    adopted.close();
                }
            }
            return;
        }
        service.release(this);
    }

    /**
     * The options to map the object again with (a swap, a successor): never confined, since the thread that maps it
     * again is not the one that opened the handle.
     */
    MapOptions options() {
        return options.withConfined(false);
    }

    BackendHandle delegate() {
        return delegate;
    }

    Candidate owner() {
        return owner;
    }

    boolean isParked() {
        return delegate == null && !closed && lost == null && orphanedBy == null;
    }

    boolean isEnded() {
        return closed || lost != null;
    }

    long parkedUntil() {
        return parkedUntil;
    }

    /** Puts a new backend handle in place and tells the listeners; the caller releases the old one, if any. */
    void remapTo(BackendHandle replacement, Candidate newOwner) {
        String from = owner.backend().type();
        lastSize = replacement.byteSize();
        delegate = replacement;
        owner = newOwner;
        notifyListeners(new MappingEvent(this, MappingEvent.Kind.REMAPPED, from, newOwner.backend().type()));
    }

    /** The backend handle was parked (or is gone): calls wait for a successor until {@code deadlineNanos}. */
    void parked(long deadlineNanos) {
        BackendHandle current = delegate;
        if (current != null) {
            lastSize = current.byteSize();
        }
        parkedUntil = deadlineNanos;
        delegate = null;
    }

    /** The service that made this handle is gone; the next call finds its successor through {@code finder}. */
    void orphaned(Successor finder) {
        orphanedBy = finder;
    }

    /** Marks the handle closed; returns the backend handle to release, or {@code null} if there is none. */
    BackendHandle detach() {
        closed = true;
        BackendHandle current = delegate;
        if (current != null) {
            lastSize = current.byteSize();
            delegate = null;
        }
        return current;
    }

    /** The handle cannot go on: listeners hear LOST, the next call throws {@code reason}. */
    void lose(ShmException reason) {
        if (lost != null || closed) {
            return;
        }
        BackendHandle current = delegate;
        if (current != null) {
            lastSize = current.byteSize();
        }
        delegate = null;
        lost = reason;
        LOG.log(System.Logger.Level.WARNING, this + " is lost: " + reason.getMessage());
        notifyListeners(new MappingEvent(this, MappingEvent.Kind.LOST, owner.backend().type(), null));
    }

    private void throwIfEnded() {
        if (closed) {
            throw new ShmException(ErrorReason.CLOSED, name, "the handle is closed");
        }
        ShmException reason = lost;
        if (reason != null) {
            throw new ShmException(reason.reason(), name, reason.getMessage(), null, reason);
        }
    }

    private synchronized void adoptSuccessor() {
        if (successor != null || closed || lost != null) {
            return;
        }
        try {
            Successor.Adopted adopted = orphanedBy.adopt(this);
            adopted.handle().addMappingListener(new Forwarding(this));
            successor = adopted;
            String type = owner.backend().type();
            notifyListeners(new MappingEvent(this, MappingEvent.Kind.REMAPPED, type, type));
        } catch (ShmException e) {
            if (e.reason() != ErrorReason.CLOSED) {
                lose(e); // the successor refused the object; CLOSED means none came in time: the next call tries again
            }
            throw e;
        }
    }

    /** Tells this handle's listeners what the successor's handle heard, as if it had happened to this handle. */
    static final class Forwarding implements MappingListener {

        private final NeutralHandle orphan;

        Forwarding(NeutralHandle orphan) {
            this.orphan = orphan;
        }

        @Override
        public void mappingChanged(MappingEvent event) {
            orphan.notifyListeners(new MappingEvent(orphan, event.kind(), event.fromBackend(), event.toBackend()));
        }
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
        String state = closed ? " (closed)" : lost != null ? " (lost)" : delegate == null ? " (parked)" : "";
        return "handle of " + (name == null ? "an unnamed object" : "'" + name + "'") + " on "
                + owner.backend().type() + state;
    }
}
