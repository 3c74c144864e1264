package shm.personality.intime;

import java.util.Optional;
import java.util.function.Predicate;

import shm.api.ErrorReason;
import shm.api.NamedMutex;
import shm.api.ShmException;
import shm.api.intime.IntimeTables;
import shm.api.spi.Descriptor;
import shm.api.spi.DescriptorTable;

/**
 * The slots of the system-wide iwin32 table as one INtime process reads and deletes them: the slot a handle value
 * names, whether a slot still names what it named, and the closing of a handle, which deletes its slot and lets the
 * hold on its object go exactly once, whoever closes. Holds no state of its own: closing runs under the personality's
 * lock (its caller's), while {@link #slot} and {@link #stillNamed} only read the shared table.
 */
final class Iwin32Slots {

    /** How many times a close of another process's handle reads its slot again when the slot changed under it. */
    private static final int CLOSE_ATTEMPTS = 8;

    private final DescriptorTable table;
    private final Predicate<Descriptor> standIn;

    /**
     * @param standIn tells whether a slot names the page that stands for a process rather than the object its handle
     *                holds (the handle of an unnamed event, mutex or semaphore)
     */
    Iwin32Slots(DescriptorTable table, Predicate<Descriptor> standIn) {
        this.table = table;
        this.standIn = standIn;
    }

    /** The live slot an iwin32 handle value names, of any process. */
    Optional<Descriptor> slot(long value) {
        int slot = IntimeTables.slotOfIwin32Handle(value);
        if (slot < 0 || slot >= table.capacity()) {
            return Optional.empty();
        }
        return table.get(slot);
    }

    /**
     * Whether the slot still holds this descriptor (same object, region and operating-system process); another INtime
     * process of this JVM that closed the handle and got an identical descriptor in the same slot cannot be told
     * apart. Thread-safe.
     */
    boolean stillNamed(Descriptor descriptor) {
        return table.get(descriptor.index()).filter(descriptor::equals).isPresent();
    }

    /** Deletes the slot of another process's handle, releasing that process's hold on the object the slot names. */
    void closeForeign(long value) {
        for (int attempt = 0; attempt < CLOSE_ATTEMPTS; attempt++) {
            Descriptor now = slot(value).orElseThrow(() -> notOpen(value));
            if (standIn.test(now)) {
                table.delete(now.index()); // the owner releases the unnamed object itself
                return;
            }
            if (table.deleteReleasingHold(now)) {
                return;
            }
        }
        throw notOpen(value); // the slot kept changing: closed and reused by others meanwhile
    }

    /**
     * Closes a handle of this process: its slot and its hold go in one step when the slot names the object (when
     * another process closed the handle first, its hold is already gone and the view is only forgotten); a handle of
     * an unnamed event, mutex or semaphore deletes its slot, then releases its object.
     */
    void closeOwn(Iwin32Handles.Held held) {
        if (held.forget() != null) {
            releaseOwnership(held.object());
            try {
                table.deleteReleasingHold(held.descriptor()); // false: another process closed it and released the hold
            } finally {
                held.forget().run();
            }
            return;
        }
        try {
            if (stillNamed(held.descriptor())) {
                table.delete(held.descriptor().index());
            }
        } finally {
            held.release().run();
        }
    }

    /**
     * What a close of a mutex handle does first, as the backend's own close does: the closing thread's ownership goes
     * with its handle (a mutex a thread still owns when another process closed the handle is abandoned at the thread's
     * end instead).
     */
    private static void releaseOwnership(Object object) {
        if (object instanceof NamedMutex mutex) {
            try {
                while (mutex.heldByCurrentThread()) {
                    mutex.release();
                }
            } catch (ShmException unreadable) {
                // a state block that cannot be read cannot be released; the handle still closes
            }
        }
    }

    /** CLOSED (ERROR_INVALID_HANDLE): {@code value} is not an open iwin32 handle. */
    static ShmException notOpen(long value) {
        return IntimeErrors.win32(ErrorReason.CLOSED, null, "0x" + Long.toHexString(value)
                + " is not an open iwin32 handle");
    }
}
