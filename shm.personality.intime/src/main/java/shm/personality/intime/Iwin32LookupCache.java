package shm.personality.intime;

/**
 * Lately looked-up iwin32 handles of one process's own, by value modulo {@value #SIZE}: an entry answers only while the
 * version its owner passes is the one it was filled at, so advancing the version forgets every entry at once. A
 * signalling loop looks its handles up without boxing their values: nothing here allocates. Versions start above 0
 * (the version of an entry never filled). Not thread-safe: its owner's lock guards it.
 */
final class Iwin32LookupCache {

    /** How many lookups are cached (a power of two). */
    private static final int SIZE = 64;

    private final long[] values = new long[SIZE];
    private final long[] versions = new long[SIZE];
    private final Iwin32Handles.Held[] helds = new Iwin32Handles.Held[SIZE];

    /** The hold cached for {@code value} at {@code version}; {@code null} when none is. */
    Iwin32Handles.Held get(long value, long version) {
        int entry = entry(value);
        return versions[entry] == version && values[entry] == value ? helds[entry] : null;
    }

    /** Caches {@code held} (not {@code null}) for {@code value} at {@code version}. */
    void put(long value, Iwin32Handles.Held held, long version) {
        int entry = entry(value);
        values[entry] = value;
        helds[entry] = held;
        versions[entry] = version;
    }

    private static int entry(long value) {
        return (int) (value ^ (value >>> 17)) & (SIZE - 1);
    }
}
