package shm.personality.rtx;

import static shm.api.rtx.RtxConstants.ERROR_SUCCESS;

/** The per-thread {@code RtGetLastError} storage of one RTX "process". */
final class LastError {

    private final ThreadLocal<Integer> code = ThreadLocal.withInitial(() -> ERROR_SUCCESS);

    /** Stores {@code value} as this thread's last error. */
    void set(int value) {
        code.set(value);
    }

    /** Stores {@code value} and answers {@code false}, the BOOL of a failed call. */
    boolean fail(int value) {
        code.set(value);
        return false;
    }

    /** Stores {@code ERROR_SUCCESS} and answers {@code true}, the BOOL of a successful call. */
    boolean succeed() {
        code.set(ERROR_SUCCESS);
        return true;
    }

    /** This thread's last error. */
    int get() {
        return code.get();
    }
}
