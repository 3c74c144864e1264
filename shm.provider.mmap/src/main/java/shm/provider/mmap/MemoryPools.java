package shm.provider.mmap;

import static shm.provider.mmap.TableLayout.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import shm.api.ErrorReason;
import shm.api.ShmException;

/**
 * The memory pools of the object table ({@link TableLayout}, header offset {@value TableLayout#POOLS_OFFSET}): named
 * limits that objects created with a pool are charged to until they are destroyed, across every process.
 */
final class MemoryPools {

    private final TableWords w;
    private final Path root;

    MemoryPools(TableWords w, Path root) {
        this.w = w;
        this.root = root;
    }

    /** The index of the pool with this name, or -1. */
    int poolIndex(String pool) {
        for (int i = 0; i < MAX_POOLS; i++) {
            if (w.poolName(i).equals(pool)) {
                return i;
            }
        }
        return -1;
    }

    /** Sets a pool's limit, making the pool if it is new. */
    void setPoolLimit(String pool, long limit) {
        byte[] name = pool.getBytes(StandardCharsets.UTF_8);
        if (name.length == 0 || name.length > POOL_NAME_BYTES) {
            throw new ShmException(ErrorReason.INVALID_PARAMETER, null, "a pool name has 1 to " + POOL_NAME_BYTES
                    + " UTF-8 bytes: '" + pool + "'");
        }
        int index = poolIndex(pool);
        if (index < 0) {
            for (int i = 0; i < MAX_POOLS && index < 0; i++) {
                if (w.poolName(i).isEmpty()) {
                    index = i;
                }
            }
            if (index < 0) {
                throw new ShmException(ErrorReason.LIMIT, null, "the object table of " + root + " holds at most "
                        + MAX_POOLS + " pools");
            }
        }
        int i = index;
        w.transaction(() -> {
            w.putBytes(POOLS_OFFSET + i * POOL_SIZE, name, POOL_NAME_BYTES);
            w.putPool(i, POOL_LIMIT, limit);
        });
    }

    /** {limit, used} of a pool, or {@code null} when it has no limit set. */
    long[] poolUsage(String pool) {
        int i = poolIndex(pool);
        return i < 0 ? null : new long[] {w.poolWord(i, POOL_LIMIT), w.poolWord(i, POOL_USED)};
    }

    /**
     * Charges {@code size} bytes to the pool of this name, journaled in the running transaction's caller.
     *
     * @return the pool's index
     * @throws ShmException INVALID_PARAMETER when the pool has no limit, NO_MEMORY when it cannot hold the bytes
     */
    int checkRoom(String pool, long size) {
        int index = poolIndex(pool);
        if (index < 0) {
            throw new ShmException(ErrorReason.INVALID_PARAMETER, null, "the memory pool '" + pool
                    + "' has no limit set");
        }
        long limit = w.poolWord(index, POOL_LIMIT);
        long used = w.poolWord(index, POOL_USED);
        if (size > limit - used) {
            throw new ShmException(ErrorReason.NO_MEMORY, null, "the memory pool '" + pool + "' has " + (limit - used)
                    + " of its " + limit + " bytes free, and the object needs " + size);
        }
        return index;
    }

    /** Adds {@code delta} bytes (negative to refund) to a pool's use; inside a transaction. */
    void charge(int index, long delta) {
        w.putPool(index, POOL_USED, w.poolWord(index, POOL_USED) + delta);
    }
}
