package shm.personality.rtx;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import shm.api.NamedEvent;
import shm.api.NamedMutex;
import shm.api.NamedSemaphore;
import shm.api.ShmException;
import shm.api.spi.BackendHandle;
import shm.api.spi.ObjectRef;
import shm.api.spi.ShmBackend;
import shm.util.KeptSyncObjects;

/**
 * The handle table of one RTX "process": handle values (multiples of 4 from 0x100, never reused) to the backend
 * objects they hold. Thread-safe; a handle is taken out exactly once, so a double close fails the second time.
 */
final class HandleTable {

    /**
     * One open handle: the backend's object (a {@link BackendHandle}, {@link NamedEvent}, {@link NamedMutex} or
     * {@link NamedSemaphore}), for shared memory the view the caller was given, the family that opened it, the
     * backend it came from and, for an event, mutex or semaphore whose backend left, its reference in the store
     * ({@code null} when unknown; {@link #syncRef()} answers it).
     */
    record OpenHandle(Object resource, MemorySegment location, ApiFamily family, ShmBackend owner,
                      ObjectRef knownRef) {

        OpenHandle(Object resource, MemorySegment location, ApiFamily family, ShmBackend owner) {
            this(resource, location, family, owner, null);
        }

        /**
         * The same handle waiting for a backend of its store (its owner left); its value stays valid. An event's,
         * mutex's or semaphore's reference is taken while the owner is known, so that an unnamed one is found again.
         */
        OpenHandle parked() {
            return new OpenHandle(resource, location, family, null, syncRef());
        }

        /** An event's, mutex's or semaphore's reference in the store; {@code null} when the backend cannot say. */
        ObjectRef syncRef() {
            if (knownRef != null || owner == null || KeptSyncObjects.kind(resource) == null) {
                return knownRef;
            }
            try {
                return owner.syncRef(resource);
            } catch (ShmException e) {
                return null;
            }
        }

        /** Whether the handle waits for a backend. */
        boolean isParked() {
            return owner == null;
        }

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

    /** The handles by value; a reading's view is the object of an Rt* handle, {@code null} for others. */
    private final HandleValues<OpenHandle> handles =
            new HandleValues<>(open -> open.family() == ApiFamily.RT ? open.resource() : null);
    /** The events, mutexes and semaphores a move replaced, closed after a grace period (calls take no lock). */
    private final RetiredObjects retired = new RetiredObjects();
    private final AtomicLong nextHandle = new AtomicLong(0x100);
    /** Moves under way ({@link #reopenOn}): a wait that meets its handles split between two backends waits for them. */
    private final AtomicInteger moves = new AtomicInteger();
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

    /**
     * Removes and answers the handle if it is open and belongs to {@code family}; else {@code null}. The objects a move
     * replaced under this handle are closed now.
     */
    OpenHandle take(long handle, ApiFamily family) {
        OpenHandle open = handles.get(handle);
        if (open == null || open.family() != family || !handles.remove(handle, open)) {
            return null;
        }
        retired.closeFor(handle);
        return open;
    }

    /** A new memory of the last handle one call site looked up, for its calls' lookups ({@link RecentHandle}). */
    RecentHandle recent() {
        return new RecentHandle(handles);
    }

    /** The object an Rt* handle holds, or {@code null} for no open Rt* handle. */
    Object resource(long handle) {
        OpenHandle open = handles.get(handle);
        return open == null || open.family() != ApiFamily.RT ? null : open.resource();
    }

    /** Whether an Rt* handle waits for a backend: its backend left and the next of its store has not come yet. */
    boolean waitsForBackend(long handle) {
        OpenHandle open = handles.get(handle);
        return open != null && open.family() == ApiFamily.RT && open.isParked();
    }

    /**
     * Waits while one of the first {@code count} handles of {@code values} waits for a backend, until none does (the
     * next backend of their store reopened them, or they were closed) or {@code timeoutNanos} pass
     * ({@link Long#MAX_VALUE}: no end).
     *
     * @return whether a handle still waited for a backend when the time ran out
     * @throws InterruptedException when the waiting thread is interrupted
     */
    boolean awaitBackend(long[] values, int count, long timeoutNanos) throws InterruptedException {
        return handles.awaitWhile(() -> anyWaitsForBackend(values, count), timeoutNanos);
    }

    /** Whether one of the first {@code count} handles of {@code values} waits for a backend. */
    boolean anyWaitsForBackend(long[] values, int count) {
        for (int i = 0; i < count; i++) {
            if (waitsForBackend(values[i])) {
                return true;
            }
        }
        return false;
    }

    /** The backend an Rt* handle's object came from, or {@code null} for no open Rt* handle. */
    ShmBackend owner(long handle) {
        OpenHandle open = handles.get(handle);
        return open == null || open.family() != ApiFamily.RT ? null : open.owner();
    }

    /**
     * The backend {@code gone} is leaving: its shared-memory handles park their holds in the store
     * ({@link BackendHandle#park()}), its event, mutex and semaphore handles are left to the backend, which parks every
     * hold still open when it goes; each handle keeps its value and waits for {@link #reopenOn}. A handle whose hold
     * cannot be parked is closed (its value then answers ERROR_INVALID_HANDLE). Returns how many were parked.
     */
    int parkFrom(ShmBackend gone) {
        int parked = 0;
        for (Map.Entry<Long, OpenHandle> entry : handles.entries()) {
            OpenHandle open = entry.getValue();
            if (open.owner() != gone) {
                continue;
            }
            if (open.resource() instanceof BackendHandle h && !h.park()) {
                if (handles.remove(entry.getKey(), open)) {
                    open.close();
                }
            } else if (handles.replace(entry.getKey(), open, open.parked())) {
                parked++;
            }
        }
        return parked;
    }

    /**
     * Brings every handle that waits for a backend, or lives on another backend, onto {@code next}, which serves the
     * same store: the object is opened there by reference (a named event, mutex or semaphore whose reference the
     * left backend could not say, by name), a parked one {@linkplain ShmBackend#reclaiming reclaiming} the hold it
     * parked, then the old backend's
     * handle (if it is still open) is released: shared memory at once, an event, mutex or semaphore after a grace period
     * ({@link RetiredObjects}), since a signalling call takes no lock and may still be using it.
     * The handle value stays; a shared-memory location given out before fails cleanly and the handle answers with the
     * new one. A handle that cannot be brought over is closed. Returns how many moved.
     */
    int reopenOn(ShmBackend next) {
        moves.incrementAndGet();
        try {
            return reopenEachOn(next);
        } finally {
            moves.decrementAndGet();
            handles.changed(); // a wait on several objects met half-way waits for this
        }
    }

    /**
     * Whether a move ({@link #reopenOn}) is under way and the first {@code count} handles of {@code values} are of two
     * backends: some moved, some not yet.
     */
    boolean splitByMove(long[] values, int count) {
        if (moves.get() == 0) {
            return false;
        }
        ShmBackend seen = null;
        for (int i = 0; i < count; i++) {
            ShmBackend owner = owner(values[i]);
            if (owner != null && seen != null && owner != seen) {
                return true;
            }
            seen = owner == null ? seen : owner;
        }
        return false;
    }

    /**
     * Waits while {@link #splitByMove} holds, at most {@code timeoutNanos}.
     *
     * @return whether the handles were still split by the move when the time ran out
     * @throws InterruptedException when the waiting thread is interrupted
     */
    boolean awaitMoveEnd(long[] values, int count, long timeoutNanos) throws InterruptedException {
        return handles.awaitWhile(() -> splitByMove(values, count), timeoutNanos);
    }

    private int reopenEachOn(ShmBackend next) {
        int moved = 0;
        for (Map.Entry<Long, OpenHandle> entry : handles.entries()) {
            OpenHandle open = entry.getValue();
            if (open.owner() == next) {
                continue;
            }
            OpenHandle reopened;
            try {
                // a parked handle takes its own parked hold back; a live one adds a hold, then closes its old one
                reopened = open.isParked() ? next.reclaiming(() -> reopen(open, next)) : reopen(open, next);
            } catch (RuntimeException e) {
                if (open.isParked() && handles.remove(entry.getKey(), open)) {
                    System.getLogger(HandleTable.class.getName()).log(System.Logger.Level.WARNING, "RTX handle 0x"
                            + Long.toHexString(entry.getKey()) + " cannot be reopened on the new backend: "
                            + e.getMessage());
                }
                continue;
            }
            if (handles.replace(entry.getKey(), open, reopened)) {
                if (open.isParked()) {
                    // its hold was taken over
                } else if (open.resource() instanceof BackendHandle) {
                    open.close();
                } else {
                    retired.retire(entry.getKey(), open); // a call without a lock may still be using it
                }
                moved++;
            } else {
                reopened.close();
            }
        }
        return moved;
    }

    private static OpenHandle reopen(OpenHandle open, ShmBackend next) {
        Object resource;
        if (open.resource() instanceof BackendHandle h) {
            resource = next.openByRef(h.ref(), shm.api.MapOptions.DEFAULT);
        } else {
            ObjectRef ref = open.syncRef();
            String name = KeptSyncObjects.name(open.resource());
            String kind = KeptHandleLines.kind(open.resource());
            if (ref == null && name == null) {
                throw new IllegalStateException("an unnamed " + kind + " cannot be found again on another backend:"
                        + " its backend cannot say its reference");
            }
            resource = KeptSyncObjects.open(next, kind, ref == null ? 0 : ref.value(), name);
        }
        MemorySegment location = open.location();
        if (resource instanceof BackendHandle h && location != null) {
            location = h.segment().asSlice(0, Math.min(location.byteSize(), h.segment().byteSize()));
        }
        return new OpenHandle(resource, location, open.family(), next);
    }

    /** The open handles now, by handle value (parked ones included), for operators. */
    java.util.SortedMap<Long, OpenHandle> snapshot() {
        return handles.sorted();
    }

    /**
     * This "process" goes on in the next revision of its component: every hold is parked in the store (shared memory
     * with {@link BackendHandle#park()}; an event, mutex or semaphore, named or not, with
     * {@link ShmBackend#parkSync}, which keeps its state and a mutex's owner) and the table is written out, one line
     * per handle (its value, family, kind, object reference, location size and name) after a first line with the next
     * handle value, for {@link #restore}. A handle whose hold cannot be parked (a backend that cannot park or has no
     * references for events, mutexes and semaphores; no backend at all) is closed and counted in {@code lost}. Later
     * registrations are refused.
     *
     * @param lost receives one line per handle that could not be kept, naming it and why
     */
    List<String> parkAll(List<String> lost) {
        closed = true;
        retired.closeAll();
        List<String> lines = new java.util.ArrayList<>();
        lines.add("next " + nextHandle.get());
        for (Long value : handles.sorted().keySet()) {
            OpenHandle open = handles.remove(value);
            if (open == null) {
                continue;
            }
            try {
                lines.add(KeptHandleLines.park(value, open));
            } catch (ShmException | IllegalStateException why) {
                lost.add("handle 0x" + Long.toHexString(value) + ": " + why.getMessage());
                try {
                    open.close();
                } catch (RuntimeException e) {
                    // The backend went first and released it already.
                }
            }
        }
        return lines;
    }

    /**
     * Fills the (empty) table from what {@link #parkAll} wrote, over {@code backend} (of the same store): each object
     * is opened again by reference (a named event, mutex or semaphore written with reference 0, by name), which takes
     * its parked hold over, under its old value. A handle whose object is gone (its parked hold expired) is left out
     * and logged. Returns how many were restored.
     */
    int restore(List<String> lines, ShmBackend backend) {
        int restored = 0;
        for (String line : lines) {
            String[] f = line.split(" ");
            if (f[0].equals("next")) {
                nextHandle.accumulateAndGet(Long.parseLong(f[1]), Math::max);
                continue;
            }
            long value = Long.parseLong(f[0]);
            try {
                handles.put(value, KeptHandleLines.reopen(f, backend));
                nextHandle.accumulateAndGet(value + 4, Math::max);
                restored++;
            } catch (RuntimeException e) {
                System.getLogger(HandleTable.class.getName()).log(System.Logger.Level.WARNING, "RTX handle 0x"
                        + Long.toHexString(value) + " did not outlive the update: " + e.getMessage());
            }
        }
        return restored;
    }

    /** How many objects replaced by a move are still open, in their grace period. */
    int retiredObjects() {
        return retired.size();
    }

    /** How many handles are open (parked ones included). */
    int size() {
        return handles.size();
    }

    /** Closes every handle; later registrations are refused. Idempotent. */
    void closeAll() {
        closed = true;
        retired.closeAll();
        for (Long handle : handles.sorted().keySet()) {
            OpenHandle open = handles.remove(handle);
            if (open != null) {
                open.close();
            }
        }
    }
}
