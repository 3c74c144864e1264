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
        operate(event::set);
    }

    @Override
    public void reset() {
        operate(event::reset);
    }

    @Override
    public void pulse() {
        operate(event::pulse);
    }

    @Override
    public WaitResult await(Duration timeout) {
        return operate(() -> event.await(timeout));
    }
}
