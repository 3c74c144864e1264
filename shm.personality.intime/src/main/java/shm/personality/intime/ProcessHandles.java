package shm.personality.intime;

import static shm.api.intime.IntimeConstants.NULL_RTHANDLE;
import static shm.api.intime.IntimeConstants.PAGE_SIZE;

import java.util.Optional;

import shm.api.MapOptions;
import shm.api.ObjectType;
import shm.api.intime.IntimeTables;
import shm.api.spi.BackendHandle;
import shm.api.spi.Descriptor;
import shm.api.spi.DescriptorTable;
import shm.api.spi.ObjectRef;
import shm.api.spi.ShmBackend;

/**
 * This INtime process's handle and the directories of every process. A process's handle is a slot of the
 * system-wide process table ({@link IntimeTables#PROCESS_TABLE}) naming a one-page unnamed object that stands for the
 * process; it is made on first use and deleted when the process ends, and the object's reference names the process's
 * directory scope. The root process has the fixed handle {@link IntimeTables#ROOT_PROCESS_HANDLE}. Not thread-safe on
 * its own: the personality's lock guards it.
 */
final class ProcessHandles {

    private final ShmBackend backend;
    private final DescriptorTable table;
    private BackendHandle processObject;
    private Descriptor self;

    ProcessHandles(ShmBackend backend, DescriptorTable table) {
        this.backend = backend;
        this.table = table;
    }

    /** This process's handle, made on first use. */
    int selfHandle() {
        return IntimeTables.processHandleOfSlot(self().index());
    }

    /**
     * The reference of the one-page object that stands for this process, made on first use with the process's handle;
     * it lives until the process ends.
     */
    ObjectRef selfObject() {
        return self().object();
    }

    /**
     * The directory scope a process handle names: {@code NULL_RTHANDLE} and this process's handle name this process's
     * directory; empty when the value is no live process handle.
     */
    Optional<String> directoryOf(int hProcess) {
        if (hProcess == NULL_RTHANDLE) {
            return Optional.of(directoryOf(self()));
        }
        if (hProcess == IntimeTables.ROOT_PROCESS_HANDLE) {
            return Optional.of(IntimeTables.ROOT_DIRECTORY);
        }
        return find(hProcess).map(ProcessHandles::directoryOf);
    }

    /** Whether the value is a live process handle (the root process included). */
    boolean exists(int hProcess) {
        return hProcess == IntimeTables.ROOT_PROCESS_HANDLE || find(hProcess).isPresent();
    }

    /**
     * Whether a descriptor names the page that stands for an INtime process of any operating-system process (as the
     * iwin32 handle of an unnamed event, mutex or semaphore does): its first page, and a slot of the process table
     * names the same object. Reads the whole process table, so only for the rare close of another process's handle.
     */
    boolean standsForAProcess(Descriptor descriptor) {
        if (descriptor.offset() != 0 || descriptor.size() != PAGE_SIZE) {
            return false;
        }
        for (int slot = 0, capacity = table.capacity(); slot < capacity; slot++) {
            if (table.get(slot).filter(process -> process.object().equals(descriptor.object())).isPresent()) {
                return true;
            }
        }
        return false;
    }

    /** Deletes this process's handle and the object that stands for it. Idempotent. */
    void close() {
        if (self != null) {
            if (table.get(self.index()).filter(self::equals).isPresent()) {
                table.delete(self.index());
            }
            self = null;
        }
        if (processObject != null) {
            processObject.close();
            processObject = null;
        }
    }

    /**
     * Parks the hold on the object that stands for this process and answers the line that brings it back
     * ({@link #restore}); empty when the process never made its handle. The slot stays (it is in the store).
     */
    Optional<String> park(java.util.List<String> lost) {
        if (self == null) {
            return Optional.empty();
        }
        if (!KeptLines.park(processObject)) {
            lost.add("the process handle 0x" + Integer.toHexString(selfHandle()) + ": the backend cannot park");
            KeptLines.releaseQuietly(processObject::close);
            processObject = null;
            return Optional.empty();
        }
        processObject = null;
        String line = "process " + KeptLines.of(self);
        self = null;
        return Optional.of(line);
    }

    /** Takes the process handle back (the object by reference, taking its parked hold over) if its slot is intact. */
    void restore(Descriptor descriptor) {
        if (table.get(descriptor.index()).filter(descriptor::equals).isEmpty()) {
            return;
        }
        processObject = backend.reclaiming(() -> backend.openByRef(descriptor.object(), MapOptions.DEFAULT));
        self = descriptor;
    }

    private Optional<Descriptor> find(int hProcess) {
        int slot = IntimeTables.slotOfProcessHandle(hProcess);
        if (slot < 0 || slot >= table.capacity()) {
            return Optional.empty();
        }
        return table.get(slot);
    }

    private Descriptor self() {
        if (self == null) {
            BackendHandle object = backend.createUnnamed(ObjectType.SHARED_MEMORY, PAGE_SIZE, MapOptions.DEFAULT);
            try {
                self = table.create(object.ref(), 0, PAGE_SIZE);
            } catch (RuntimeException e) {
                object.close();
                throw e;
            }
            processObject = object;
        }
        return self;
    }

    private static String directoryOf(Descriptor process) {
        return IntimeTables.processDirectory(process.object().value());
    }
}
