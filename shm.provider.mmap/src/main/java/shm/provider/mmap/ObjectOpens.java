package shm.provider.mmap;

import java.lang.foreign.MemorySegment;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;

import shm.api.ErrorReason;
import shm.api.MapOptions;
import shm.api.ObjectType;
import shm.api.ShmException;
import shm.api.spi.BackendHandle;
import shm.api.spi.ObjectRef;

/**
 * The opens of an {@link MmapBackend}: create-or-open and open by name, create without a name, open by reference, and
 * the create-or-open of an event, mutex or semaphore whose new state is written under the table lock. Each runs under
 * both locks ({@link BackendLock#locked}), which it takes itself, but for the join of a handle held here that
 * create-or-open and open by name try first when the options ask to share a mapping ({@link HandleLedger#joinHeld},
 * under the in-JVM lock only). The caller holds neither lock, or only the backend's in-JVM lock (it is reentrant).
 */
final class ObjectOpens {

    private final BackendLock guard;
    private final ObjectTable table;
    private final ObjectFiles files;
    private final ObjectLifecycle objects;
    private final HandleLedger ledger;

    ObjectOpens(BackendLock guard, ObjectTable table, ObjectFiles files, ObjectLifecycle objects, HandleLedger ledger) {
        this.guard = guard;
        this.table = table;
        this.files = files;
        this.objects = objects;
        this.ledger = ledger;
    }

    /** {@link MmapBackend#createOrOpen(ObjectType, String, long, MapOptions, String)}. */
    BackendHandle createOrOpen(ObjectType type, String name, long size, MapOptions options, String pool) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(options, "options");
        String fileName = NameCodec.fileName(name);
        checkSize(name, size);
        MmapHandle joined = ledger.joinHeld(type, fileName, name, options);
        if (joined != null) {
            return joined;
        }
        return opening(name, () -> {
            int slot = table.objects().find(fileName);
            if (slot >= 0) {
                return ledger.openSlot(slot, fileName, type, name, options);
            }
            return ledger.register(objects.createNew(fileName, type, name, size, options, pool, null));
        });
    }

    /** {@link MmapBackend#createUnnamed(ObjectType, long, MapOptions, String)}. */
    BackendHandle createUnnamed(ObjectType type, long size, MapOptions options, String pool) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(options, "options");
        checkSize(null, size);
        String fileName = files.unnamedFileName();
        return opening(null, () -> ledger.register(objects.createNew(fileName, type, null, size, options, pool,
                null)));
    }

    /** Opens by reference an object of {@code type} ({@code null}: of any type). */
    BackendHandle openByRef(ObjectRef ref, ObjectType type, MapOptions options) {
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(options, "options");
        return opening(null, () -> {
            int slot = table.objects().slotOf(ref.value());
            if (slot < 0) {
                throw new ShmException(ErrorReason.NOT_FOUND, null, "the object of reference 0x"
                        + Long.toHexString(ref.value()) + " no longer exists");
            }
            TableEntry entry = table.objects().entry(slot);
            return ledger.openSlot(slot, entry.fileName(), type == null ? entry.type() : type, objects.nameOf(entry),
                    options);
        });
    }

    /** {@link MmapBackend#open(ObjectType, String, MapOptions)}. */
    BackendHandle open(ObjectType type, String name, MapOptions options) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(options, "options");
        String fileName = NameCodec.fileName(name);
        MmapHandle joined = ledger.joinHeld(type, fileName, name, options);
        if (joined != null) {
            return joined;
        }
        return opening(name, () -> {
            int slot = table.objects().find(fileName);
            if (slot < 0) {
                files.refuseUnknown(fileName, name);
                throw new ShmException(ErrorReason.NOT_FOUND, name, "no object of that name exists");
            }
            return ledger.openSlot(slot, fileName, type, name, options);
        });
    }

    /** Create-or-open of a typed object whose new state {@code initializer} writes under the table lock. */
    BackendHandle createOrOpenTyped(ObjectType type, String name, long size, Consumer<MemorySegment> initializer) {
        if (name == null) {
            String fileName = files.unnamedFileName();
            return opening(null, () -> ledger.register(objects.createNew(fileName, type, null, size,
                    MapOptions.DEFAULT, null, initializer)));
        }
        String fileName = NameCodec.fileName(name);
        return opening(name, () -> {
            int slot = table.objects().find(fileName);
            if (slot >= 0) {
                return ledger.openSlot(slot, fileName, type, name, MapOptions.DEFAULT);
            }
            return ledger.register(objects.createNew(fileName, type, name, size, MapOptions.DEFAULT, null,
                    initializer));
        });
    }

    /**
     * Runs an open or create under both locks, after unmapping the kept mappings of objects that ended since
     * ({@link KeptMappings}): every open and create of this backend sweeps them, so a kept mapping of a destroyed
     * object does not outlive the backend's next open.
     */
    private <T> T opening(String name, Supplier<T> work) {
        return guard.locked(name, () -> {
            ledger.dropKeptOfObjectsGone();
            return work.get();
        });
    }

    private static void checkSize(String name, long size) {
        if (size < 1) {
            throw new ShmException(ErrorReason.INVALID_PARAMETER, name, "the size must be at least 1 byte, not "
                    + size);
        }
        if (size > ObjectHeader.MAX_SIZE) {
            throw new ShmException(ErrorReason.INVALID_PARAMETER, name,
                    "the size must be at most " + ObjectHeader.MAX_SIZE + " bytes, not " + size);
        }
    }
}
