package shm.personality.intime;

/**
 * Lately looked-up iwin32 handles of one process's own, by value modulo {@value #SIZE}: an entry answers only while the
 * version its owner passes is the one it was filled at, so advancing the version forgets every entry at once. A
 * signalling loop looks its handles up without boxing their values: a lookup allocates nothing. Versions start above 0.
 * Filled under its owner's lock; read with or without it: each entry is an immutable record, published whole.
 */
final class Iwin32LookupCache {

    /** How many lookups are cached (a power of two). */
    private static final int SIZE = 64;

    /** One cached lookup: {@code held} was the hold of {@code value} at {@code version}. */
    private record Entry(long value, long version, Iwin32Handles.Held held) {
    }

    private final Entry[] entries = new Entry[SIZE];

    /** The hold cached for {@code value} at {@code version}; {@code null} when none is. Thread-safe. */
    Iwin32Handles.Held get(long value, long version) {
        Entry entry = entries[slot(value)];
        return entry != null && entry.version() == version && entry.value() == value ? entry.held() : null;
    }

    /** Caches {@code held} (not {@code null}) for {@code value} at {@code version}; under the owner's lock. */
    void put(long value, Iwin32Handles.Held held, long version) {
        entries[slot(value)] = new Entry(value, version, held);
    }

    private static int slot(long value) {
        return (int) (value ^ (value >>> 17)) & (SIZE - 1);
    }
}
