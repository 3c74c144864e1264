package shm.personality.intime;

import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.Map;
import java.util.Optional;

import shm.api.ShmException;

/**
 * The per-thread status storage of one INtime process. iwin32's {@code GetLastError} reads all 32 bits, the kernel's
 * {@code GetLastRtError} the low 16 bits of the same storage, as INtime documents; {@code SetLastRtError} stores 16
 * bits. The failure that set the status is kept beside it for its message.
 *
 * <p>A thread's value is an instance of JDK and {@code shm.api} classes only, never of a class of this bundle: the
 * caller's threads outlive a revision of this bundle, and a stale thread-local value stays in each thread's map until
 * that thread happens to clean it, which would keep the old revision's class loader reachable.
 */
final class LastError {

    /** The status (the key) and the failure behind it (the value, {@code null} when none). */
    private static final Map.Entry<Integer, ShmException> NONE = new SimpleImmutableEntry<>(0, null);

    private final ThreadLocal<Map.Entry<Integer, ShmException>> entry = new ThreadLocal<>();

    /** Stores a failure's vendor number and the failure. */
    void fail(ShmException failure) {
        entry.set(new SimpleImmutableEntry<>(IntimeErrors.code(failure), failure));
    }

    /** Stores a code that no failure explains (a success code, or a value the caller set). */
    void set(int code) {
        entry.set(new SimpleImmutableEntry<>(code, null));
    }

    /** All 32 bits, as {@code GetLastError}. */
    int win32() {
        return current().getKey();
    }

    /** The low 16 bits, as {@code GetLastRtError}. */
    int rt() {
        return current().getKey() & 0xFFFF;
    }

    /** The failure behind the stored code, if a failure set it. */
    Optional<ShmException> failure() {
        return Optional.ofNullable(current().getValue());
    }

    private Map.Entry<Integer, ShmException> current() {
        Map.Entry<Integer, ShmException> value = entry.get();
        return value == null ? NONE : value;
    }
}
