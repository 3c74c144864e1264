package shm.personality.rtx;

import static shm.api.rtx.RtxConstants.ERROR_SUCCESS;

import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.Map;

/**
 * The per-thread {@code RtGetLastError} storage of one RTX "process".
 *
 * <p>Every RTX call stores a code, so the store is on the signalling path ({@code RtSetEvent}, a wait). A
 * {@link ThreadLocal} lookup per store cost about a quarter of an event set and test; so the cell of the thread that
 * called last is remembered beside its thread, and a call from that thread writes its cell without the lookup. Each
 * thread writes only its own cell and reads it only itself, so the remembered pair needs no lock: it is replaced
 * whole (one reference), and a thread that finds another thread's pair takes the lookup.
 *
 * <p>A thread's value is an instance of JDK classes only, never of a class of this bundle: the caller's threads
 * outlive a revision of this bundle, and a stale thread-local value stays in each thread's map until that thread
 * happens to clean it, which would keep the old revision's class loader reachable.
 */
final class LastError {

    /** Each thread's cell (one {@code int}, the code) beside the thread that owns it. */
    private final ThreadLocal<Map.Entry<Thread, int[]>> cells =
            ThreadLocal.withInitial(() -> new SimpleImmutableEntry<>(Thread.currentThread(), new int[] {ERROR_SUCCESS}));
    /** The cell of the thread that called last ({@code null} before the first call); may name an ended thread. */
    private volatile Map.Entry<Thread, int[]> lastCaller;

    /** Stores {@code value} as this thread's last error. */
    void set(int value) {
        cell()[0] = value;
    }

    /** Stores {@code value} and answers {@code false}, the BOOL of a failed call. */
    boolean fail(int value) {
        cell()[0] = value;
        return false;
    }

    /** Stores {@code ERROR_SUCCESS} and answers {@code true}, the BOOL of a successful call. */
    boolean succeed() {
        cell()[0] = ERROR_SUCCESS;
        return true;
    }

    /** This thread's last error. */
    int get() {
        return cell()[0];
    }

    private int[] cell() {
        Map.Entry<Thread, int[]> last = lastCaller;
        if (last != null && last.getKey() == Thread.currentThread()) {
            return last.getValue();
        }
        Map.Entry<Thread, int[]> own = cells.get();
        lastCaller = own;
        return own.getValue();
    }
}
