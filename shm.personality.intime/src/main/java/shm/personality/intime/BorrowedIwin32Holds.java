package shm.personality.intime;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import shm.api.spi.Descriptor;

/**
 * The holds one INtime process keeps on objects that other processes' iwin32 handles name, by handle value: using
 * another process's handle makes this process open the object for itself, held while the slot still names what it
 * named. Whoever adds a hold here tells {@link Iwin32Handles#reconcile()} so. Not thread-safe: the personality's lock
 * guards it.
 */
final class BorrowedIwin32Holds {

    private final Map<Long, Iwin32Handles.Held> holds = new HashMap<>();

    /**
     * The hold opened earlier for {@code value} while its slot still names {@code now}; a hold opened for what the
     * slot named before is released and dropped, and {@code null} answered, as when there is none.
     */
    Iwin32Handles.Held keptFor(long value, Descriptor now) {
        Iwin32Handles.Held kept = holds.get(value);
        if (kept != null) {
            if (kept.descriptor().equals(now)) {
                return kept;
            }
            holds.remove(value);
            kept.release().run();
        }
        return null;
    }

    /** Keeps the hold just opened for another process's handle {@code value}. */
    void add(long value, Iwin32Handles.Held opened) {
        holds.put(value, opened);
    }

    /** Drops the hold for {@code value} without releasing it; answers it, or {@code null} when there is none. */
    Iwin32Handles.Held remove(long value) {
        return holds.remove(value);
    }

    /**
     * The holds by value, live: {@link Iwin32Handles} reads them and removes the stale ones in its one read of the
     * shared table for all its handles.
     */
    Map<Long, Iwin32Handles.Held> byValue() {
        return holds;
    }

    /** Drops every hold without releasing it and answers them, for the caller to release. */
    List<Iwin32Handles.Held> takeAll() {
        List<Iwin32Handles.Held> all = List.copyOf(holds.values());
        holds.clear();
        return all;
    }

    /** Releases every hold, ignoring the failures of a backend that is going away, and drops them. */
    void releaseAllQuietly() {
        holds.values().forEach(held -> KeptLines.releaseQuietly(held.release()));
        holds.clear();
    }
}
