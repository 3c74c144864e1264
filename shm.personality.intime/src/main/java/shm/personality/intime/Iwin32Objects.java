package shm.personality.intime;

import static shm.api.intime.IntimeConstants.MAX_PATH;

import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import shm.api.ErrorReason;
import shm.api.MapOptions;
import shm.api.ObjectType;
import shm.api.ShmException;
import shm.api.intime.IntimeTables;
import shm.api.spi.BackendHandle;
import shm.api.spi.Descriptor;
import shm.api.spi.DescriptorTable;
import shm.api.spi.ShmBackend;

/**
 * The iwin32 shared-memory handles of one INtime process. Each create or open holds one backend handle (the object's
 * count) and one slot of the system-wide iwin32 table, whose number plus 0x10000 is the handle value, unique
 * system-wide. New objects are charged to the iwin32 pool. Another process may close a handle by its value: it deletes
 * the slot, and the owner releases its backend handle at its next call ({@link #reconcile()}) or when it ends. Not
 * thread-safe on its own: the personality's lock guards it.
 */
final class Iwin32Objects {

    /**
     * One open handle.
     *
     * @param handle     the backend handle: the object's count and the mapping
     * @param descriptor the slot that gives the handle its value
     */
    private record Open(BackendHandle handle, Descriptor descriptor) {
    }

    /**
     * What a create or open gave.
     *
     * @param handle         the iwin32 handle value
     * @param location       the mapping
     * @param alreadyExisted whether a create found the object
     */
    record Opened(long handle, MemorySegment location, boolean alreadyExisted) {
    }

    private final ShmBackend backend;
    private final DescriptorTable table;
    private final Map<Long, Open> open = new HashMap<>();

    Iwin32Objects(ShmBackend backend, DescriptorTable table) {
        this.backend = backend;
        this.table = table;
    }

    /**
     * {@code RtCreateSharedMemory}. An existing name is opened whatever {@code maximumSizeLow} says (0 included), as
     * the documents say the size is then ignored.
     */
    Opened create(int maximumSizeHigh, int maximumSizeLow, String name) {
        if (maximumSizeHigh != 0) {
            throw badParameter(name, "MaximumSizeHigh must be zero, got 0x" + Integer.toHexString(maximumSizeHigh));
        }
        checkName(name);
        long size = Integer.toUnsignedLong(maximumSizeLow);
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
    }

    /** {@code RtOpenSharedMemory}. */
    Opened open(String name) {
        if (name == null) {
            throw badParameter(null, "RtOpenSharedMemory needs a name");
        }
        checkName(name);
        return register(backend.open(ObjectType.SHARED_MEMORY, name, MapOptions.DEFAULT), true);
    }

    /**
     * {@code CloseHandle}: a handle of this process is closed; a live handle of another process loses its slot, and
     * that process releases it.
     *
     * @throws ShmException ERROR_INVALID_HANDLE when the value is no open handle
     */
    void close(long value) {
        Open mine = open.remove(value);
        if (mine != null) {
            if (held(mine.descriptor())) {
                table.delete(mine.descriptor().index());
            }
            mine.handle().close();
            return;
        }
        int slot = IntimeTables.slotOfIwin32Handle(value);
        if (slot < 0 || slot >= table.capacity() || table.get(slot).isEmpty()) {
            throw IntimeErrors.win32(ErrorReason.CLOSED, null, "0x" + Long.toHexString(value)
                    + " is not an open iwin32 handle");
        }
        table.delete(slot);
    }

    /** Releases the handles another process closed (their slot is gone or no longer this process's). */
    void reconcile() {
        for (Map.Entry<Long, Open> entry : List.copyOf(open.entrySet())) {
            if (!held(entry.getValue().descriptor()) && open.remove(entry.getKey(), entry.getValue())) {
                entry.getValue().handle().close();
            }
        }
    }

    /** Closes every handle of this process, as INtime does when a process ends. */
    void closeAll() {
        List<Open> all = List.copyOf(open.values());
        open.clear();
        for (Open mine : all) {
            try {
                if (held(mine.descriptor())) {
                    table.delete(mine.descriptor().index());
                }
            } finally {
                mine.handle().close();
            }
        }
    }

    private Opened register(BackendHandle handle, boolean existed) {
        Descriptor descriptor;
        try {
            descriptor = table.create(handle.ref(), 0, handle.byteSize());
        } catch (RuntimeException e) {
            handle.close();
            throw e;
        }
        long value = IntimeTables.iwin32HandleOfSlot(descriptor.index());
        open.put(value, new Open(handle, descriptor));
        return new Opened(value, handle.segment(), existed);
    }

    /**
     * Whether the slot still holds the descriptor this process created (same object, region and operating-system
     * process); another INtime process of this JVM that closed the handle and got an identical descriptor in the same
     * slot cannot be told apart.
     */
    private boolean held(Descriptor descriptor) {
        return table.get(descriptor.index()).filter(descriptor::equals).isPresent();
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

    private static void checkName(String name) {
        if (name == null) {
            return;
        }
        if (name.isEmpty()) {
            throw bad(name, "an empty name is not a name; pass NULL for an unnamed object");
        }
        if (name.indexOf('\\') >= 0) {
            throw bad(name, "a name can contain any character except the backslash path-separator character (\\)");
        }
        if (name.indexOf('\0') >= 0) {
            throw bad(name, "a name must not contain NUL: the C string would end there");
        }
        if (name.length() > MAX_PATH) {
            throw bad(name, "a name is limited to MAX_PATH (" + MAX_PATH + ") characters, this one has "
                    + name.length());
        }
    }

    private static ShmException bad(String name, String rule) {
        return IntimeErrors.win32(ErrorReason.INVALID_NAME, name, rule);
    }

    private static ShmException badParameter(String name, String rule) {
        return IntimeErrors.win32(ErrorReason.INVALID_PARAMETER, name, rule);
    }
}
