package shm.provider.mmap;

import java.time.Duration;

import shm.api.NamedEvent;
import shm.api.WaitResult;
import shm.api.spi.BackendHandle;
import shm.provider.mmap.sync.MultiWait;
import shm.provider.mmap.sync.SharedEvent;

/** A named event of the mmap backend: a {@link SharedEvent} in an {@code EVENT} object's mapping. */
final class MmapEvent extends MmapSyncObject implements NamedEvent {

    private final SharedEvent event;

    MmapEvent(BackendHandle handle, SyncObjects origin, SharedEvent event) {
        super(handle, origin);
        this.event = event;
    }

    @Override
    MultiWait.Member member() {
        return new MultiWait.Member.Event(event);
    }

    @Override
    public boolean manualReset() {
        return operate(event::manualReset);
    }

    @Override
    public void set() {
        checkOpen();
        try {
            event.set();
        } catch (RuntimeException | InternalError e) {
            throw failure(e);
        }
    }

    @Override
    public void reset() {
        checkOpen();
        try {
            event.reset();
        } catch (RuntimeException | InternalError e) {
            throw failure(e);
        }
    }

    @Override
    public void pulse() {
        checkOpen();
        try {
            event.pulse();
        } catch (RuntimeException | InternalError e) {
            throw failure(e);
        }
    }

    @Override
    public WaitResult await(Duration timeout) {
        return waitOn(event, timeout, SharedEvent::await);
    }
}
