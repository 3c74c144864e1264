package shm.shell.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;

/**
 * What the Log Service recorded while no {@link LogFile} listened, written once it listens, so that no warning is
 * lost to the order in which components start or to a restart of the log component for a new configuration.
 *
 * <p>A listener only receives entries logged after it was added; the Log Service keeps a history of recent entries
 * ({@code org.apache.felix.log.maxSize}, which the runtime raises). When it starts, the log component adds its
 * listener first, then writes the history entries logged since the previous log component stopped listening (the
 * time is kept in a file of this bundle's data area; without one, the whole history), oldest first. An entry both in
 * that history and delivered to the new listener is written once: the Log Service hands the listener the same object
 * it keeps in its history, and this backlog remembers which objects it wrote.
 */
final class LogBacklog {

    private final Path stoppedAt;
    private final Set<LogEntry> written = Collections.newSetFromMap(new IdentityHashMap<>());

    /**
     * A backlog whose stop time is kept in {@code stoppedAt}.
     *
     * @param stoppedAt the file holding the time the previous log component stopped listening, or {@code null} when
     *                  the bundle has no data area (then the whole history is written at each start)
     */
    LogBacklog(Path stoppedAt) {
        this.stoppedAt = stoppedAt;
    }

    /**
     * Adds {@code listener} to {@code reader}, then hands {@code write} each history entry logged since the previous
     * listener stopped, oldest first. Callers hold the same lock here and in their {@link LogListener#logged}.
     *
     * @param reader   the Log Service's reader
     * @param listener the listener to add
     * @param write    what to do with each entry of the backlog
     */
    void listen(LogReaderService reader, LogListener listener, Consumer<LogEntry> write) {
        reader.addLogListener(listener);
        long since = previousStop();
        List<LogEntry> backlog = new ArrayList<>();
        for (Enumeration<LogEntry> newestFirst = reader.getLog(); newestFirst.hasMoreElements();) {
            LogEntry entry = newestFirst.nextElement();
            // At the stop's own millisecond an entry may have been seen already: written twice rather than lost.
            if (entry.getTime() >= since) {
                backlog.add(entry);
            }
        }
        Collections.reverse(backlog);
        for (LogEntry entry : backlog) {
            written.add(entry);
            write.accept(entry);
        }
    }

    /** Whether {@code entry}, delivered to the listener, was already written from the history. */
    boolean alreadyWritten(LogEntry entry) {
        return written.remove(entry);
    }

    /**
     * Removes {@code listener} from {@code reader} and keeps the time, for the next log component's backlog.
     *
     * @param reader   the Log Service's reader
     * @param listener the listener to remove
     */
    void stop(LogReaderService reader, LogListener listener) {
        reader.removeLogListener(listener);
        written.clear();
        if (stoppedAt == null) {
            return;
        }
        try {
            Files.createDirectories(stoppedAt.getParent());
            Files.writeString(stoppedAt, Long.toString(System.currentTimeMillis()), StandardCharsets.US_ASCII);
        } catch (IOException unwritable) {
            // The next start writes the whole history instead: lines twice rather than lost.
        }
    }

    private long previousStop() {
        if (stoppedAt == null) {
            return Long.MIN_VALUE;
        }
        try {
            return Long.parseLong(Files.readString(stoppedAt, StandardCharsets.US_ASCII).strip());
        } catch (IOException | NumberFormatException none) {
            return Long.MIN_VALUE;
        }
    }
}
