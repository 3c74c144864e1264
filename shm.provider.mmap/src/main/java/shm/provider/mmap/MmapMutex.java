package shm.provider.mmap;

import java.time.Duration;

import shm.api.NamedMutex;
import shm.api.WaitResult;
import shm.api.spi.BackendHandle;
import shm.provider.mmap.sync.MultiWait;
import shm.provider.mmap.sync.SharedMutex;

/** A named mutex of the mmap backend: a {@link SharedMutex} in a {@code MUTEX} object's mapping. */
final class MmapMutex extends MmapSyncObject implements NamedMutex {

    private final SharedMutex mutex;

    MmapMutex(BackendHandle handle, SyncObjects origin, SharedMutex mutex) {
        super(handle, origin);
        this.mutex = mutex;
    }

    @Override
    MultiWait.Member member() {
        return new MultiWait.Member.Mutex(mutex);
    }

    @Override
    public WaitResult acquire(Duration timeout) {
        return waitOn(mutex, timeout, SharedMutex::acquire);
    }

    @Override
    public void release() {
        checkOpen();
        try {
            mutex.release();
        } catch (RuntimeException | InternalError e) {
            throw failure(e);
        }
    }

    @Override
    public boolean heldByCurrentThread() {
        return operate(mutex::heldByCurrentThread);
    }

    /** Releases the closing thread's ownership, then the handle. */
    @Override
    public void close() {
        try {
            operate(() -> {
                if (mutex.heldByCurrentThread()) {
                    mutex.releaseAll();
                }
                return null;
            });
        } catch (shm.api.ShmException alreadyClosedOrUnreadable) {
            // closing twice is allowed; a truncated state block cannot be released, the handle still can
        } finally {
            super.close();
        }
    }
}
