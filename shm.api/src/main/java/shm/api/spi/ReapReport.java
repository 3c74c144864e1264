package shm.api.spi;

import java.util.List;
import java.util.Objects;

/**
 * What one {@link ShmBackend#reap()} did: whose handles it released and which objects it destroyed because a dead
 * process had held their last handles.
 *
 * @param processes        the pids of the dead processes whose holds were released, in the order released
 * @param destroyed        the names of the named objects destroyed, sorted
 * @param unnamedDestroyed how many objects without a name were destroyed
 * @param namesKnown       whether the backend can tell which objects it destroyed; {@code false} for a backend that
 *                         only reports pids (then {@code destroyed} is empty whatever happened)
 * @since 1.3
 */
public record ReapReport(List<Long> processes, List<String> destroyed, int unnamedDestroyed, boolean namesKnown) {

    /** Copies the lists; checks the count. */
    public ReapReport {
        processes = List.copyOf(Objects.requireNonNull(processes, "processes"));
        destroyed = List.copyOf(Objects.requireNonNull(destroyed, "destroyed")).stream().sorted().toList();
        if (unnamedDestroyed < 0) {
            throw new IllegalArgumentException("a count of destroyed objects is not negative: " + unnamedDestroyed);
        }
    }

    /** A report of a backend that knows only the pids it reaped. */
    public static ReapReport pidsOnly(List<Long> processes) {
        return new ReapReport(processes, List.of(), 0, false);
    }
}
