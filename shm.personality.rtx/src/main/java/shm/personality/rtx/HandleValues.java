package shm.personality.rtx;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * The map from RTX handle values to open handles behind {@link HandleTable}, read on every RTX call. A
 * {@link ConcurrentHashMap} keyed by {@code Long} boxes every value it is asked about (handle values start at 0x100,
 * beyond the JDK's cache of small {@code Long}s), so that each {@code RtSetEvent} or {@code RtWaitForSingleObject}
 * would allocate; the young-generation pages those allocations fill fault in on the caller's path. So reads go first
 * to a small direct-mapped cache of the values read lately, which answers without allocating; the map stays the
 * truth.
 *
 * <p>Consistency: every change of the map happens under this object's lock and first clears the cache's entry of its
 * value, and an entry is put into the cache only under the same lock and only while the map still holds it. So a read
 * that finds a value in the cache sees what the map held at some moment of the read (before a change that is still
 * going on, at the latest), as a read of the map itself would. Every change (and {@link #changed()}) wakes the
 * threads waiting in {@link #awaitWhile}. Thread-safe.
 *
 * <p>Epochs: every change also counts one more epoch before it changes the map, under the lock, and a cache entry
 * carries the epoch it was made or confirmed in ({@link Reading}). A reading whose epoch is still the current one
 * ({@link #isCurrent}) names what the map holds at the moment of that check, however long ago it was read: no change
 * has begun since. That lets a caller keep the last reading it made ({@link RecentHandle}) and use it again after one
 * comparison, without the cache's slot, the cache and the map behind it.
 */
final class HandleValues<V> {

    /** Cache slots: a power of two; values 4 × this apart share a slot (and only cost a miss). */
    static final int CACHE_SLOTS = 256;

    /**
     * What {@code value} named ({@code open}) as of {@code epoch}; immutable, so it can be kept and shared.
     *
     * @param value the handle value
     * @param open  what it named
     * @param view  the part of {@code open} its readers use ({@link #HandleValues(Function)}), made once per entry
     * @param epoch the epoch in which the cache held this reading; {@link #STALE} for one never held
     */
    record Reading<V>(long value, V open, Object view, long epoch) {
    }

    /** The epoch of a reading that the map had changed under before it could be cached; never current. */
    static final long STALE = -1;

    private final Map<Long, V> map = new ConcurrentHashMap<>();
    private final AtomicReferenceArray<Reading<V>> cache = new AtomicReferenceArray<>(CACHE_SLOTS);
    private final Function<V, Object> view;
    /** Changes begun: counted under the lock before each change of the map (one writer at a time). */
    private volatile long epoch;

    /** A map whose readings carry no view. */
    HandleValues() {
        this(open -> null);
    }

    /**
     * A map whose readings carry {@code view} of what their value names, made when the reading is, so that a reader
     * that keeps a reading finds that part of it without one more object to load.
     */
    HandleValues(Function<V, Object> view) {
        this.view = view;
    }

    private static int slot(long value) {
        return (int) (value >>> 2) & (CACHE_SLOTS - 1);
    }

    /** What {@code value} names now, or {@code null}; allocates nothing when the value was read lately. */
    V get(long value) {
        Reading<V> cached = cache.get(slot(value));
        if (cached != null && cached.value() == value) {
            return cached.open();
        }
        V open = map.get(value);
        if (open != null) {
            remember(value, open);
        }
        return open;
    }

    /**
     * What {@code value} names now, as a reading of the current epoch (or, when the map changed during this read, a
     * {@link #STALE} one, which still answers as {@link #get} would); {@code null} when it names nothing. Allocates
     * nothing when the value was read lately and the map has not changed since; the first reading after a change
     * takes the lock once.
     */
    Reading<V> read(long value) {
        Reading<V> cached = cache.get(slot(value));
        if (cached != null && cached.value() == value) {
            return cached.epoch() == epoch ? cached : confirm(cached);
        }
        V open = map.get(value);
        return open == null ? null : remember(value, open);
    }

    /** Whether no change of the map has begun since {@code reading} was made: it names what the map holds now. */
    boolean isCurrent(Reading<V> reading) {
        return reading.epoch() == epoch;
    }

    private synchronized Reading<V> remember(long value, V open) {
        if (map.get(value) != open) {
            return new Reading<>(value, open, view.apply(open), STALE);
        }
        Reading<V> reading = new Reading<>(value, open, view.apply(open), epoch);
        cache.set(slot(value), reading);
        return reading;
    }

    /**
     * The cache's entry {@code cached}, of an earlier epoch, made current: while the cache holds it, its value has not
     * changed (a change clears it).
     */
    private synchronized Reading<V> confirm(Reading<V> cached) {
        int slot = slot(cached.value());
        Reading<V> now = cache.get(slot);
        if (now != cached) {
            // changed meanwhile, or confirmed by another thread: the newer entry when it is this value's, else the
            // old one, which named the map's value while it was in the cache (it will not be current)
            return now != null && now.value() == cached.value() ? now : cached;
        }
        Reading<V> reading = new Reading<>(cached.value(), cached.open(), cached.view(), epoch);
        cache.set(slot, reading);
        return reading;
    }

    /** The first step of every change, under the lock: a new epoch, and the value's cache entry cleared. */
    private void forget(long value) {
        epoch++;
        int slot = slot(value);
        Reading<V> cached = cache.get(slot);
        if (cached != null && cached.value() == value) {
            cache.set(slot, null);
        }
    }

    /** Maps {@code value} to {@code open}, replacing what it named. */
    synchronized void put(long value, V open) {
        forget(value);
        map.put(value, open);
        notifyAll();
    }

    /** Removes {@code value}; answers what it named, or {@code null}. */
    synchronized V remove(long value) {
        forget(value);
        V answer = map.remove(value);
        notifyAll();
        return answer;
    }

    /** Removes {@code value} only while it names {@code open}; answers whether it did. */
    synchronized boolean remove(long value, V open) {
        forget(value);
        boolean answer = map.remove(value, open);
        notifyAll();
        return answer;
    }

    /** Makes {@code value} name {@code next} only while it names {@code open}; answers whether it did. */
    synchronized boolean replace(long value, V open, V next) {
        forget(value);
        boolean answer = map.replace(value, open, next);
        notifyAll();
        return answer;
    }

    /** Wakes the threads waiting in {@link #awaitWhile} for something that is not a change of the map. */
    synchronized void changed() {
        notifyAll();
    }

    /**
     * Waits while {@code waiting} holds, re-checking it at every change of the map, until it does not or
     * {@code timeoutNanos} pass ({@link Long#MAX_VALUE}: no end). {@code waiting} runs under this object's lock.
     *
     * @return whether {@code waiting} still held when the time ran out
     * @throws InterruptedException when the waiting thread is interrupted
     */
    synchronized boolean awaitWhile(BooleanSupplier waiting, long timeoutNanos) throws InterruptedException {
        long start = System.nanoTime();
        while (waiting.getAsBoolean()) {
            if (timeoutNanos == Long.MAX_VALUE) {
                wait();
                continue;
            }
            long left = timeoutNanos - (System.nanoTime() - start);
            if (left <= 0) {
                return true;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return false;
    }

    /** A copy of the entries now. */
    List<Map.Entry<Long, V>> entries() {
        return List.copyOf(map.entrySet());
    }

    /** The values now, in ascending order. */
    SortedMap<Long, V> sorted() {
        return new TreeMap<>(map);
    }

    /** How many values name something. */
    int size() {
        return map.size();
    }
}
