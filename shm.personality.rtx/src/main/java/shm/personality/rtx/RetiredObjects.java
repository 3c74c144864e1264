package shm.personality.rtx;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The events, mutexes and semaphores that a move of the handles to another backend of their store replaced, kept open
 * for a grace period before they are closed. The signalling calls take no lock ({@code RtSetEvent}, a wait), so a call
 * that looked its handle up just before the move may still be using the old object: closing it at once failed that
 * call with ERROR_INVALID_HANDLE (or threw). An old object is closed when its grace ends, when its handle is closed
 * (so a last close still destroys the object at once), or when the process ends, whichever comes first; a call still
 * using it after the grace (its thread stopped that long) fails cleanly with ERROR_INVALID_HANDLE. Thread-safe.
 */
final class RetiredObjects {

    /** How long an old object stays open after its handle moved. */
    static final Duration GRACE = Duration.ofSeconds(1);

    private final Executor afterGrace;
    /** The old objects of each handle value, oldest first. Guarded by {@code this}. */
    private final Map<Long, List<HandleTable.OpenHandle>> byHandle = new HashMap<>();

    RetiredObjects() {
        this(CompletableFuture.delayedExecutor(GRACE.toMillis(), TimeUnit.MILLISECONDS));
    }

    /** With {@code afterGrace} running what is due when the grace ends. */
    RetiredObjects(Executor afterGrace) {
        this.afterGrace = afterGrace;
    }

    /** Keeps {@code old}, which handle {@code value} named before it moved, open until the grace ends. */
    void retire(long value, HandleTable.OpenHandle old) {
        synchronized (this) {
            byHandle.computeIfAbsent(value, v -> new ArrayList<>()).add(old);
        }
        afterGrace.execute(() -> {
            if (take(value, old)) {
                closeQuietly(old);
            }
        });
    }

    /** Closes the old objects of handle {@code value} now (its handle is being closed). */
    void closeFor(long value) {
        List<HandleTable.OpenHandle> old;
        synchronized (this) {
            old = byHandle.remove(value);
        }
        if (old != null) {
            old.forEach(RetiredObjects::closeQuietly);
        }
    }

    /** Closes every old object now (the process ends or leaves for its next revision). */
    void closeAll() {
        List<HandleTable.OpenHandle> all = new ArrayList<>();
        synchronized (this) {
            byHandle.values().forEach(all::addAll);
            byHandle.clear();
        }
        all.forEach(RetiredObjects::closeQuietly);
    }

    /** How many old objects are open. */
    synchronized int size() {
        return byHandle.values().stream().mapToInt(List::size).sum();
    }

    private synchronized boolean take(long value, HandleTable.OpenHandle old) {
        List<HandleTable.OpenHandle> olds = byHandle.get(value);
        if (olds == null || !olds.remove(old)) {
            return false; // closed with its handle or the process already
        }
        if (olds.isEmpty()) {
            byHandle.remove(value);
        }
        return true;
    }

    private static void closeQuietly(HandleTable.OpenHandle old) {
        try {
            old.close();
        } catch (RuntimeException e) {
            // its backend went first and released it already
        }
    }
}
