package shm.personality.rtx;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import shm.api.NamedEvent;
import shm.api.NamedMutex;
import shm.api.NamedSemaphore;
import shm.api.spi.BackendHandle;
import shm.api.spi.ShmBackend;

/**
 * The handle table of one RTX "process": handle values (multiples of 4 from 0x100, never reused) to the backend
 * objects they hold. Thread-safe; a handle is taken out exactly once, so a double close fails the second time.
 */
final class HandleTable {

    /**
     * One open handle: the backend's object (a {@link BackendHandle}, {@link NamedEvent}, {@link NamedMutex} or
     * {@link NamedSemaphore}), for shared memory the view the caller was given, the family that opened it and the
     * backend it came from.
     */
    record OpenHandle(Object resource, MemorySegment location, ApiFamily family, ShmBackend owner) {

        /** Releases the backend's object. */
        void close() {
            switch (resource) {
                case BackendHandle h -> h.close();
                case NamedEvent e -> e.close();
                case NamedMutex m -> m.close();
                case NamedSemaphore s -> s.close();
                default -> throw new IllegalStateException("not an RTX object: " + resource);
            }
        }
    }

    private final Map<Long, OpenHandle> handles = new ConcurrentHashMap<>();
    private final AtomicLong nextHandle = new AtomicLong(0x100);
    private volatile boolean closed;

    /**
     * Puts an object into the table and answers its new handle; 0 when the table was closed meanwhile (the object is
     * then closed: nothing is handed out, nothing kept open).
     */
    long register(Object resource, MemorySegment location, ApiFamily family, ShmBackend owner) {
        long value = nextHandle.getAndAdd(4);
        handles.put(value, new OpenHandle(resource, location, family, owner));
        if (closed) {
            OpenHandle open = handles.remove(value);
            if (open != null) {
                open.close();
            }
            return 0;
        }
        return value;
    }

    /** Removes and answers the handle if it is open and belongs to {@code family}; else {@code null}. */
    OpenHandle take(long handle, ApiFamily family) {
        OpenHandle open = handles.get(handle);
        if (open == null || open.family() != family || !handles.remove(handle, open)) {
            return null;
        }
        return open;
    }

    /** The object an Rt* handle holds, or {@code null} for no open Rt* handle. */
    Object resource(long handle) {
        OpenHandle open = handles.get(handle);
        return open == null || open.family() != ApiFamily.RT ? null : open.resource();
    }

    /** Closes every handle that came from {@code gone}. */
    void closeFrom(ShmBackend gone) {
        for (Map.Entry<Long, OpenHandle> entry : List.copyOf(handles.entrySet())) {
            if (entry.getValue().owner() == gone && handles.remove(entry.getKey(), entry.getValue())) {
                entry.getValue().close();
            }
        }
    }

    /** Closes every handle; later registrations are refused. Idempotent. */
    void closeAll() {
        closed = true;
        for (Long handle : List.copyOf(handles.keySet())) {
            OpenHandle open = handles.remove(handle);
            if (open != null) {
                open.close();
            }
        }
    }
}
