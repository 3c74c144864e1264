package shm.personality.rtx;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.BooleanSupplier;

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
 */
final class HandleValues<V> {

    /** Cache slots: a power of two; values 4 × this apart share a slot (and only cost a miss). */
    static final int CACHE_SLOTS = 256;

    private record Cached<V>(long value, V open) {
    }

    private final Map<Long, V> map = new ConcurrentHashMap<>();
    private final AtomicReferenceArray<Cached<V>> cache = new AtomicReferenceArray<>(CACHE_SLOTS);

    private static int slot(long value) {
        return (int) (value >>> 2) & (CACHE_SLOTS - 1);
    }

    /** What {@code value} names now, or {@code null}; allocates nothing when the value was read lately. */
    V get(long value) {
        Cached<V> cached = cache.get(slot(value));
        if (cached != null && cached.value() == value) {
            return cached.open();
        }
        V open = map.get(value);
        if (open != null) {
            remember(value, open);
        }
        return open;
    }

    private synchronized void remember(long value, V open) {
        if (map.get(value) == open) {
            cache.set(slot(value), new Cached<>(value, open));
        }
    }

    private void forget(long value) {
        int slot = slot(value);
        Cached<V> cached = cache.get(slot);
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
