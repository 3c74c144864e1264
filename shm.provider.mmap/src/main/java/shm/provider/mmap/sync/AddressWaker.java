package shm.provider.mmap.sync;

import java.lang.invoke.MethodHandle;

/**
 * {@code FUTEX_WAKE} of every thread sleeping on a raw address: what the per-thread words ({@link InterruptWord}) and
 * records ({@link Waiter}) of a {@link Futex} need of it. They hold this instead of the {@link Futex}, so that a
 * thread's record, a thread-local value that outlives the binding in a thread that waited once, leads back to none of
 * the binding's thread-locals: once the binding is dropped (its backend closed, its bundle updated) the record's entry
 * turns stale and goes with the thread's next clean-up of its thread-locals, instead of keeping the binding, and with
 * it the bundle's classes, for the thread's life. Immutable; thread-safe.
 */
final class AddressWaker {

    private final MethodHandle syscall;
    private final CallState callState;
    private final long sysFutex;

    /** Wakes through {@code syscall} (the {@link Futex#SYSCALL_SHAPE} handle) with system call {@code sysFutex}. */
    AddressWaker(MethodHandle syscall, CallState callState, long sysFutex) {
        this.syscall = syscall;
        this.callState = callState;
        this.sysFutex = sysFutex;
    }

    /** {@code FUTEX_WAKE} of every thread sleeping on {@code address}. */
    void wake(long address) {
        try {
            long ignored = (long) syscall.invokeExact(callState.segment(), sysFutex, address, Futex.FUTEX_WAKE,
                    (long) Integer.MAX_VALUE, 0L, 0L, 0L);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("futex FUTEX_WAKE", t);
        }
    }
}
