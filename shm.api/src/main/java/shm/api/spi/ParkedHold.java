package shm.api.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * Holds a process keeps on an object while none of its handles is open: parked by a backend instance or a consumer
 * that went away while the process lived ({@link BackendHandle#park()}), waiting for the process's next open of the
 * object to take them over, released by any participant at the deadline.
 *
 * @param name     the object's name, or {@code null} for an unnamed object
 * @param key      the backend's own key of the object (for the mmap backend its file name), for operators
 * @param pid      the process the holds are parked for
 * @param holds    how many holds are parked, at least 1
 * @param deadline when they are released if nobody takes them over
 * @since 1.2
 */
public record ParkedHold(String name, String key, long pid, long holds, Instant deadline) {

    /** Checks the key and the deadline are given. */
    public ParkedHold {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(deadline, "deadline");
    }
}
