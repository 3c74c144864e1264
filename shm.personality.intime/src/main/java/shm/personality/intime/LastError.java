package shm.personality.intime;

import java.util.Optional;

import shm.api.ShmException;

/**
 * The per-thread status storage of one INtime process. iwin32's {@code GetLastError} reads all 32 bits, the kernel's
 * {@code GetLastRtError} the low 16 bits of the same storage, as INtime documents; {@code SetLastRtError} stores 16
 * bits. The failure that set the status is kept beside it for its message.
 */
final class LastError {

    private record Entry(int code, ShmException failure) {
    }

    private static final Entry NONE = new Entry(0, null);

    private final ThreadLocal<Entry> entry = ThreadLocal.withInitial(() -> NONE);

    /** Stores a failure's vendor number and the failure. */
    void fail(ShmException failure) {
        entry.set(new Entry(IntimeErrors.code(failure), failure));
    }

    /** Stores a code that no failure explains (a success code, or a value the caller set). */
    void set(int code) {
        entry.set(new Entry(code, null));
    }

    /** All 32 bits, as {@code GetLastError}. */
    int win32() {
        return entry.get().code();
    }

    /** The low 16 bits, as {@code GetLastRtError}. */
    int rt() {
        return entry.get().code() & 0xFFFF;
    }

    /** The failure behind the stored code, if a failure set it. */
    Optional<ShmException> failure() {
        return Optional.ofNullable(entry.get().failure());
    }
}
