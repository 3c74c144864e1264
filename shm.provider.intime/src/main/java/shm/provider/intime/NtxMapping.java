package shm.provider.intime;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One NTX mapping of an RT segment in this process (NTX keeps one per segment), used by any number of handles.
 *
 * @param segment the segment's NTXHANDLE
 * @param address where NTX mapped it
 * @param size    the segment's size ({@code ntxGetRtSize})
 * @param users   the handles using it
 */
record NtxMapping(long segment, long address, long size, AtomicInteger users) {

    NtxMapping(long segment, long address, long size) {
        this(segment, address, size, new AtomicInteger(1));
    }

    /** Adds a user; {@code false} when the mapping was already given up. */
    boolean retain() {
        return users.getAndUpdate(n -> n == 0 ? 0 : n + 1) > 0;
    }

    /** Drops a user; {@code true} for the last one, who unmaps. */
    boolean releaseLast() {
        return users.decrementAndGet() == 0;
    }
}
