package shm.provider.mmap.sync;

import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

/**
 * The errno of native calls, captured once for the provider ({@code LibC} and {@link Futex} both use it): the
 * {@link Linker.Option#captureCallState capture option} to bind a call with, and per thread one reusable call-state
 * segment and one scratch segment for small arguments (a path, a {@code timespec}), so that no native call allocates
 * an arena of its own.
 *
 * <p>One instance per owner (a C library binding, a futex binding); the per-thread segments are allocated once per
 * thread from an {@link Arena#ofAuto() automatic arena} and freed with the thread's last reference. Thread-safe.
 */
public final class CallState {

    /** The largest argument a scratch segment holds: a path of {@code PATH_MAX} bytes with its NUL. */
    public static final long SCRATCH_BYTES = 4096;

    private static final StructLayout LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    private final ThreadLocal<MemorySegment> state = ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(LAYOUT));
    private final ThreadLocal<MemorySegment> scratch =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(SCRATCH_BYTES, 16));

    /** The option that makes a downcall save {@code errno} into its first argument. */
    public static Linker.Option captureErrno() {
        return Linker.Option.captureCallState("errno");
    }

    /** This thread's call-state segment, the first argument of a call bound with {@link #captureErrno()}. */
    public MemorySegment segment() {
        return state.get();
    }

    /** The errno the last call of this thread saved in {@link #segment()}. */
    public int errno() {
        return (int) ERRNO.get(state.get(), 0L);
    }

    /**
     * This thread's scratch segment of {@link #SCRATCH_BYTES} bytes, for the arguments of one call at a time; the
     * next call of the thread overwrites it.
     */
    public MemorySegment scratch() {
        return scratch.get();
    }
}
