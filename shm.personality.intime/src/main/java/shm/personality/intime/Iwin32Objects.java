package shm.personality.intime;

import java.lang.foreign.MemorySegment;

import shm.api.ErrorReason;
import shm.api.MapOptions;
import shm.api.ObjectType;
import shm.api.ShmException;
import shm.api.intime.IntimeTables;
import shm.api.spi.BackendHandle;
import shm.api.spi.ShmBackend;

/**
 * The iwin32 shared-memory rules of one INtime process: each create or open holds one backend handle (the object's
 * count and the mapping) under one iwin32 handle of {@link Iwin32Handles}, both made in one step of the store
 * ({@link Iwin32Handles#inOneStep}). New objects are charged to the iwin32 pool.
 * Not thread-safe on its own: the personality's lock guards it.
 */
final class Iwin32Objects {

    /**
     * What a create or open gave.
     *
     * @param handle         the iwin32 handle value
     * @param location       the mapping; {@link MemorySegment#NULL} for an event, mutex or semaphore
     * @param alreadyExisted whether a create found the object
     */
    record Opened(long handle, MemorySegment location, boolean alreadyExisted) {
    }

    private final ShmBackend backend;
    private final Iwin32Handles handles;

    Iwin32Objects(ShmBackend backend, Iwin32Handles handles) {
        this.backend = backend;
        this.handles = handles;
    }

    /**
     * {@code RtCreateSharedMemory}. An existing name is opened whatever {@code maximumSizeLow} says (0 included), as
     * the documents say the size is then ignored.
     */
    Opened create(int maximumSizeHigh, int maximumSizeLow, String name) {
        if (maximumSizeHigh != 0) {
            throw badParameter(name, "MaximumSizeHigh must be zero, got 0x" + Integer.toHexString(maximumSizeHigh));
        }
        Iwin32Names.check(name);
        long size = Integer.toUnsignedLong(maximumSizeLow);
        return handles.inOneStep(() -> {
            BackendHandle handle;
            if (size == 0) {
                handle = openExisting(name);
            } else if (name == null) {
                handle = backend.createUnnamed(ObjectType.SHARED_MEMORY, size, MapOptions.DEFAULT,
                        IntimeTables.IWIN32_POOL);
            } else {
                handle = backend.createOrOpen(ObjectType.SHARED_MEMORY, name, size, MapOptions.DEFAULT,
                        IntimeTables.IWIN32_POOL);
            }
            return register(handle, handle.alreadyExisted() || size == 0);
        });
    }

    /** {@code RtOpenSharedMemory}. */
    Opened open(String name) {
        Iwin32Names.checkOpen(name, "RtOpenSharedMemory");
        return handles.inOneStep(() -> register(backend.open(ObjectType.SHARED_MEMORY, name, MapOptions.DEFAULT),
                true));
    }

    private Opened register(BackendHandle handle, boolean existed) {
        long value = handles.register(handle, handle::close, handle::forget, handle.ref(), handle.byteSize());
        return new Opened(value, handle.segment(), existed);
    }

    /** A create of size 0: only an existing object can answer it (its size wins, the 0 is ignored). */
    private BackendHandle openExisting(String name) {
        String rule = "MaximumSizeLow must be at least 1 byte to create an object";
        if (name == null) {
            throw badParameter(null, rule);
        }
        try {
            return backend.open(ObjectType.SHARED_MEMORY, name, MapOptions.DEFAULT);
        } catch (ShmException e) {
            if (e.reason() == ErrorReason.NOT_FOUND) {
                throw badParameter(name, rule);
            }
            throw e;
        }
    }

    private static ShmException badParameter(String name, String rule) {
        return IntimeErrors.win32(ErrorReason.INVALID_PARAMETER, name, rule);
    }
}
