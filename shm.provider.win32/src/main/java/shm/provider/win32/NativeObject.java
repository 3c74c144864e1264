package shm.provider.win32;

import java.util.concurrent.atomic.AtomicInteger;

import shm.api.ObjectType;

/**
 * One vendor handle of this process and what it maps, shared by the {@link shm.api.spi.BackendHandle}s and sync
 * handles that stand on it: the vendor handle is closed when the last of them lets go. A named open gets a vendor
 * handle of its own; {@link Win32Backend#openByRef} of an unnamed object (which no vendor call can reopen) shares one.
 */
final class NativeObject {

    final ObjectType type;
    final String name;
    final long handle;
    final long location;
    final long size;
    private final Win32ObjectApi api;
    private final AtomicInteger users = new AtomicInteger(1);

    NativeObject(Win32ObjectApi api, ObjectType type, String name, long handle, long location, long size) {
        this.api = api;
        this.type = type;
        this.name = name;
        this.handle = handle;
        this.location = location;
        this.size = size;
    }

    /** Adds a user; {@code false} when the vendor handle is already closed. */
    boolean retain() {
        return users.getAndUpdate(n -> n == 0 ? 0 : n + 1) > 0;
    }

    /** Drops a user; the last one closes the vendor handle ({@code RtCloseHandle}). */
    void release() {
        if (users.decrementAndGet() == 0) {
            api.closeHandle(handle);
        }
    }
}
