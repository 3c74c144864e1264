package shm.itest;

import java.util.List;
import java.util.Optional;

import shm.api.MapOptions;
import shm.api.NamedEvent;
import shm.api.NamedMutex;
import shm.api.NamedSemaphore;
import shm.api.ObjectInfo;
import shm.api.ObjectType;
import shm.api.spi.BackendHandle;
import shm.api.spi.DescriptorTable;
import shm.api.spi.Directory;
import shm.api.spi.ObjectRef;
import shm.api.spi.PoolUsage;
import shm.api.spi.ShmBackend;

/**
 * A second backend for swap tests: a backend of its own type whose every call goes to the real mmap backend, so
 * objects moved onto it stay in the same root, with the same files and counts.
 *
 * @param target the real backend every call goes to
 */
record RelayBackend(ShmBackend target) implements ShmBackend {

    /** The value of {@link ShmBackend#TYPE_PROPERTY} for the relay. */
    static final String TYPE = "itest-relay";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public BackendHandle createOrOpen(ObjectType type, String name, long size, MapOptions options) {
        return target.createOrOpen(type, name, size, options);
    }

    @Override
    public BackendHandle createUnnamed(ObjectType type, long size, MapOptions options) {
        return target.createUnnamed(type, size, options);
    }

    @Override
    public BackendHandle open(ObjectType type, String name, MapOptions options) {
        return target.open(type, name, options);
    }

    @Override
    public Optional<ObjectInfo> lookup(String name) {
        return target.lookup(name);
    }

    @Override
    public List<ObjectInfo> list() {
        return target.list();
    }

    @Override
    public List<Long> reapDeadProcesses() {
        return target.reapDeadProcesses();
    }

    @Override
    public BackendHandle createOrOpen(ObjectType type, String name, long size, MapOptions options, String pool) {
        return target.createOrOpen(type, name, size, options, pool);
    }

    @Override
    public BackendHandle createUnnamed(ObjectType type, long size, MapOptions options, String pool) {
        return target.createUnnamed(type, size, options, pool);
    }

    @Override
    public BackendHandle openByRef(ObjectRef ref, MapOptions options) {
        return target.openByRef(ref, options);
    }

    @Override
    public void setPoolLimit(String pool, long limitBytes) {
        target.setPoolLimit(pool, limitBytes);
    }

    @Override
    public Optional<PoolUsage> poolUsage(String pool) {
        return target.poolUsage(pool);
    }

    @Override
    public DescriptorTable descriptors(String name, int capacity, int perProcessLimit) {
        return target.descriptors(name, capacity, perProcessLimit);
    }

    @Override
    public Directory directory() {
        return target.directory();
    }

    @Override
    public NamedEvent createOrOpenEvent(String name, boolean manualReset, boolean initiallySignaled) {
        return target.createOrOpenEvent(name, manualReset, initiallySignaled);
    }

    @Override
    public NamedEvent openEvent(String name) {
        return target.openEvent(name);
    }

    @Override
    public NamedMutex createOrOpenMutex(String name, boolean initiallyOwned) {
        return target.createOrOpenMutex(name, initiallyOwned);
    }

    @Override
    public NamedMutex openMutex(String name) {
        return target.openMutex(name);
    }

    @Override
    public NamedSemaphore createOrOpenSemaphore(String name, long initialCount, long maximumCount) {
        return target.createOrOpenSemaphore(name, initialCount, maximumCount);
    }

    @Override
    public NamedSemaphore openSemaphore(String name) {
        return target.openSemaphore(name);
    }
}
