package shm.provider.mmap.sync;

/**
 * A wait ended because the handle it was made through was closed ({@link WaitScope#close}); the wait deregistered
 * from the object before this was thrown, so the object's state holds nothing of it.
 */
public final class WaitCancelledException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    WaitCancelledException() {
        super("the handle was closed during the wait");
    }
}
