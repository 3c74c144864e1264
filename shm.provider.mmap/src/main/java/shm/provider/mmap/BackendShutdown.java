package shm.provider.mmap;

/**
 * The end of an {@link MmapBackend} instance: its close (every handle it gave out released, the object table left
 * when no handle remains, then the table and the root closed, the backend refusing further calls) and its park (every
 * hold parked in the table, then the close). Each runs whole under the backend's in-JVM lock ({@link BackendLock}),
 * which it takes itself; the table's lock is taken to leave the table.
 */
final class BackendShutdown {

    private final BackendLock guard;
    private final HandleLedger ledger;
    private final KeptMappings kept;
    private final ObjectTable table;
    private final StoreRoot root;

    BackendShutdown(BackendLock guard, HandleLedger ledger, KeptMappings kept, ObjectTable table, StoreRoot root) {
        this.guard = guard;
        this.ledger = ledger;
        this.kept = kept;
        this.table = table;
        this.root = root;
    }

    /** {@link MmapBackend#close()}; idempotent. */
    void close() {
        guard.lock();
        try {
            if (guard.isClosed()) {
                return;
            }
            FirstFailure failure = new FirstFailure();
            ledger.releaseAll(failure);
            failure.run(kept::dropAll);
            guard.markClosed();
            failure.run(() -> table.locked(() -> {
                if (ledger.isEmpty()) {
                    table.leave();
                }
                return null;
            }));
            failure.run(table::close);
            failure.run(root::close);
            failure.rethrow();
        } finally {
            guard.unlock();
        }
    }

    /** {@link MmapBackend#park()}: parks every hold, then closes as {@link #close()}; how many holds were parked. */
    int park() {
        guard.lock();
        try {
            int count = ledger.parkAll();
            close();
            return count;
        } finally {
            guard.unlock();
        }
    }
}
