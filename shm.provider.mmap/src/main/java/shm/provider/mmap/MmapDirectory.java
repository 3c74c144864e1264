package shm.provider.mmap;

import java.util.Objects;
import java.util.OptionalLong;

import shm.api.spi.Directory;

/**
 * The directory of the object table (see {@link TableLayout}), used under its backend's locks
 * ({@link BackendLock}).
 */
final class MmapDirectory implements Directory {

    private final BackendLock locks;

    MmapDirectory(BackendLock locks) {
        this.locks = locks;
    }

    @Override
    public void bind(String scope, String name, long value) {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(name, "name");
        locks.tableWork(table -> {
            table.directory().bind(scope, name, value, table.selfSlot());
            return null;
        });
    }

    @Override
    public OptionalLong lookup(String scope, String name) {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(name, "name");
        Long value = locks.tableWork(table -> table.directory().lookup(scope, name));
        return value == null ? OptionalLong.empty() : OptionalLong.of(value);
    }

    @Override
    public boolean unbind(String scope, String name) {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(name, "name");
        return locks.tableWork(table -> table.directory().unbind(scope, name));
    }
}
