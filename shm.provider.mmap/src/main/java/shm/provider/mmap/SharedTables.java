package shm.provider.mmap;

import java.util.Objects;
import java.util.Optional;

import shm.api.ErrorReason;
import shm.api.ShmException;
import shm.api.spi.DescriptorTable;
import shm.api.spi.Directory;
import shm.api.spi.PoolUsage;

/**
 * What an {@link MmapBackend}'s object table shares besides objects, as the service interface offers it (the INtime
 * rules): the memory pools ({@link MemoryPools}), the descriptor tables ({@link MmapDescriptorTable}) and the directory
 * ({@link MmapDirectory}). Runs its table work under both locks ({@link BackendLock#locked}), which it takes itself;
 * the descriptor tables and the directory it hands out take them per call.
 */
final class SharedTables {

    private final BackendLock guard;
    private final ObjectTable table;

    SharedTables(BackendLock guard, ObjectTable table) {
        this.guard = guard;
        this.table = table;
    }

    /** {@link MmapBackend#setPoolLimit}. */
    void setPoolLimit(String pool, long limitBytes) {
        Objects.requireNonNull(pool, "pool");
        if (limitBytes < 0) {
            throw new ShmException(ErrorReason.INVALID_PARAMETER, null, "the limit of memory pool '" + pool
                    + "' must not be negative: " + limitBytes);
        }
        guard.locked(null, () -> {
            table.pools().setPoolLimit(pool, limitBytes);
            return null;
        });
    }

    /** {@link MmapBackend#poolUsage}. */
    Optional<PoolUsage> poolUsage(String pool) {
        Objects.requireNonNull(pool, "pool");
        return guard.locked(null, () -> {
            long[] usage = table.pools().poolUsage(pool);
            return usage == null ? Optional.empty() : Optional.of(new PoolUsage(pool, usage[0], usage[1]));
        });
    }

    /** {@link MmapBackend#descriptors}: the table of this name, made by the first process to ask for it. */
    DescriptorTable descriptors(String name, int capacity, int perProcessLimit) {
        Objects.requireNonNull(name, "name");
        int index = guard.locked(null, () -> table.descriptors().table(name, capacity, perProcessLimit));
        return new MmapDescriptorTable(guard, name, index);
    }

    /** {@link MmapBackend#directory}: a new view of the table's directory. */
    Directory directory() {
        return new MmapDirectory(guard);
    }
}
