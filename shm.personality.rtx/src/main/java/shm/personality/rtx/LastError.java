package shm.personality.rtx;

import static shm.api.rtx.RtxConstants.ERROR_SUCCESS;

import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.Map;

/**
 * The per-thread {@code RtGetLastError} storage of one RTX "process".
 *
 * <p>What stores a code (docs/behaviour.md, R54): every failure, and the creates and opens on success too ({@code
 * ERROR_SUCCESS} or {@code ERROR_ALREADY_EXISTS}, which callers test). Any other success leaves the code as it was, as
 * Win32's {@code GetLastError} (of which RTX64's {@code RtGetLastError} is a macro) and INtime's {@code GetLastError}
 * do, so the signalling path ({@code RtSetEvent}, a wait) does not touch this storage at all. A {@link ThreadLocal}
 * lookup per store would cost about a quarter of an event set and test; so the cell of the thread that stored last is
 * remembered beside its thread, and a store from that thread writes its cell without the lookup. Each thread writes
 * only its own cell and reads it only itself, so the remembered pair needs no lock: it is replaced whole (one
 * reference), and a thread that finds another thread's pair takes the lookup.
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
