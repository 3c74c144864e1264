package shm.provider.mmap;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

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
 * The mmap backend as a DS component: registers {@link ShmBackend} with {@code shm.backend.type=mmap}, configured
 * through Config Admin under the PID {@value #PID} and running with defaults when there is no configuration. A change
 * of configuration deactivates the component (closing every handle it gave out) and activates a new one.
 *
 * <p>The component holds an {@link MmapBackend} made from its configuration and forwards every call to it; it adds
 * nothing but the wiring.
 */
@Component(service = ShmBackend.class, configurationPid = MmapBackendComponent.PID,
        property = ShmBackend.TYPE_PROPERTY + "=" + MmapBackend.TYPE)
@Designate(ocd = MmapBackendComponent.Config.class)
public final class MmapBackendComponent implements ShmBackend {

    /** The configuration PID. */
    public static final String PID = "shm.provider.mmap";
    /** Framework property giving the root when the configuration leaves it empty. */
    public static final String ROOT_PROPERTY = "shm.provider.mmap.root";

    /** The operator's settings of the mmap backend. */
    @ObjectClassDefinition(name = "shm mmap backend",
            description = "POSIX shared memory on tmpfs: where objects live and how they are mapped.")
    public @interface Config {

        /** The directory holding the objects. */
        @AttributeDefinition(name = "Root directory", description = "Absolute directory holding one file per object;"
                + " it is the namespace. Empty: the framework property shm.provider.mmap.root, else"
                + " /dev/shm/shm-<user>/default.")
        String root() default "";

        /** Share with the group. */
        @AttributeDefinition(name = "Share with group",
                description = "Create directories 0770 and files 0660 instead of 0700 and 0600.")
        boolean groupShared() default false;

        /** Reserve space at create. */
        @AttributeDefinition(name = "Reserve space at create", description = "posix_fallocate every object when it"
                + " is created, so a full tmpfs fails the create instead of raising SIGBUS later.")
        boolean reserveSpace() default true;

        /** Lock every mapping. */
        @AttributeDefinition(name = "Lock pages", description = "mlock every mapping (needs RLIMIT_MEMLOCK or"
                + " CAP_IPC_LOCK), as real-time memory is non-paged.")
        boolean lockPages() default false;

        /** Pre-fault every mapping. */
        @AttributeDefinition(name = "Pre-fault pages", description = "Touch every page when mapping.")
        boolean prefault() default false;

        /** The most mappings the backend holds at once. */
        @AttributeDefinition(name = "Mapping limit", description = "The most mappings (open handles, plus one for"
                + " the table) the backend holds at once; one more is refused with LIMIT, well before the kernel's"
                + " vm.max_map_count would make the JVM fail.")
        int maxMappings() default MmapSettings.DEFAULT_MAX_MAPPINGS;

        /** Accept an unsafe root. */
        @AttributeDefinition(name = "Trust the root", description = "Accept a root reached through a symbolic link,"
                + " writable by every user or owned by another user. Off: such a root is refused.")
        boolean trustRoot() default false;

        /** The service ranking, for choosing among backends. */
        @AttributeDefinition(name = "Service ranking",
                description = "Among several backends, consumers bind the highest ranking.")
        int service_ranking() default 0;
    }

    private final MmapBackend backend;

    /** Opens the backend with the configured settings. */
    @Activate
    public MmapBackendComponent(Config config, BundleContext context) {
        this.backend = new MmapBackend(settings(config, context));
    }

    /** The settings a configuration gives; an empty root falls back to the framework property, then the default. */
    static MmapSettings settings(Config config, BundleContext context) {
        String root = config.root().isBlank() ? context.getProperty(ROOT_PROPERTY) : config.root();
        Path rootPath = root == null || root.isBlank() ? MmapSettings.defaultRoot() : Path.of(root.strip());
        return new MmapSettings(rootPath, config.groupShared(), config.reserveSpace(), config.lockPages(),
                config.prefault(), config.maxMappings(), config.trustRoot());
    }

    /** Closes every handle this component gave out. */
    @Deactivate
    void deactivate() {
        backend.close();
    }

    /** Checks and repairs the store; see {@link MmapBackend#checkStore(boolean)}. */
    public shm.api.spi.StoreReport checkStore(boolean repair) {
        return backend.checkStore(repair);
    }

    /** The settings the backend runs with. */
    public MmapSettings settings() {
        return backend.settings();
    }

    @Override
    public String type() {
        return backend.type();
    }

    @Override
    public BackendHandle createOrOpen(ObjectType type, String name, long size, MapOptions options) {
        return backend.createOrOpen(type, name, size, options);
    }

    @Override
    public BackendHandle createOrOpen(ObjectType type, String name, long size, MapOptions options, String pool) {
        return backend.createOrOpen(type, name, size, options, pool);
    }

    @Override
    public BackendHandle createUnnamed(ObjectType type, long size, MapOptions options) {
        return backend.createUnnamed(type, size, options);
    }

    @Override
    public BackendHandle createUnnamed(ObjectType type, long size, MapOptions options, String pool) {
        return backend.createUnnamed(type, size, options, pool);
    }

    @Override
    public BackendHandle openByRef(ObjectRef ref, MapOptions options) {
        return backend.openByRef(ref, options);
    }

    @Override
    public void setPoolLimit(String pool, long limitBytes) {
        backend.setPoolLimit(pool, limitBytes);
    }

    @Override
    public Optional<PoolUsage> poolUsage(String pool) {
        return backend.poolUsage(pool);
    }

    @Override
    public DescriptorTable descriptors(String name, int capacity, int perProcessLimit) {
        return backend.descriptors(name, capacity, perProcessLimit);
    }

    @Override
    public Directory directory() {
        return backend.directory();
    }

    @Override
    public BackendHandle open(ObjectType type, String name, MapOptions options) {
        return backend.open(type, name, options);
    }

    @Override
    public Optional<ObjectInfo> lookup(String name) {
        return backend.lookup(name);
    }

    @Override
    public List<ObjectInfo> list() {
        return backend.list();
    }

    @Override
    public List<Long> reapDeadProcesses() {
        return backend.reapDeadProcesses();
    }

    @Override
    public NamedEvent createOrOpenEvent(String name, boolean manualReset, boolean initiallySignaled) {
        return backend.createOrOpenEvent(name, manualReset, initiallySignaled);
    }

    @Override
    public NamedEvent openEvent(String name) {
        return backend.openEvent(name);
    }

    @Override
    public NamedMutex createOrOpenMutex(String name, boolean initiallyOwned) {
        return backend.createOrOpenMutex(name, initiallyOwned);
    }

    @Override
    public NamedMutex openMutex(String name) {
        return backend.openMutex(name);
    }

    @Override
    public NamedSemaphore createOrOpenSemaphore(String name, long initialCount, long maximumCount) {
        return backend.createOrOpenSemaphore(name, initialCount, maximumCount);
    }

    @Override
    public NamedSemaphore openSemaphore(String name) {
        return backend.openSemaphore(name);
    }
}
