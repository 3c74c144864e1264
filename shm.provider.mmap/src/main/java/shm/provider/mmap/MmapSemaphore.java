package shm.provider.mmap;

import java.time.Duration;

import shm.api.NamedSemaphore;
import shm.api.WaitResult;
import shm.api.spi.BackendHandle;
import shm.provider.mmap.sync.MultiWait;
import shm.provider.mmap.sync.SharedSemaphore;

/** A named semaphore of the mmap backend: a {@link SharedSemaphore} in a {@code SEMAPHORE} object's mapping. */
final class MmapSemaphore extends MmapSyncObject implements NamedSemaphore {

    private final SharedSemaphore semaphore;

    MmapSemaphore(BackendHandle handle, SyncObjects origin, SharedSemaphore semaphore) {
        super(handle, origin);
        this.semaphore = semaphore;
    }

    @Override
    MultiWait.Member member() {
        return new MultiWait.Member.Semaphore(semaphore);
    }

    @Override
    public long maximumCount() {
        return operate(semaphore::maximumCount);
    }

    @Override
    public WaitResult acquire(Duration timeout) {
        return waitOn(semaphore, timeout, SharedSemaphore::acquire);
    }

    @Override
    public long release(long count) {
        checkOpen();
        try {
            return semaphore.release(count);
        } catch (RuntimeException | InternalError e) {
            throw failure(e);
        }
    }
}
