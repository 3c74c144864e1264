package shm.provider.mmap;

import java.nio.file.Path;

import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import shm.api.ShmException;
import shm.api.spi.ShmBackend;

/**
 * The mmap backend as a DS component: opens an {@link MmapBackend} with the settings configured through Config Admin
 * under the PID {@value #PID} (defaults when there is none) and registers it as {@link ShmBackend} itself, so that
 * the service carries the computed {@link ShmBackend#NAMESPACE_PROPERTY} (the root) and
 * {@link ShmBackend#PARK_DEADLINE_PROPERTY}.
 *
 * <p>A configuration change never closes a handle: a new ranking or park deadline only changes the service's
 * properties; new store settings open a second backend, register it, and only then unregister the first and park its
 * holds (consumers move their handles over in between, make-before-break); settings whose store cannot be used (a
 * root of others' files, say) leave the backend in service as it is, and the log says why in one line. Deactivation (an update or stop of the
 * bundle) unregisters the service and parks every hold for the next instance; see {@link MmapBackend#park}.
 */
@Component(configurationPid = MmapBackendComponent.PID, immediate = true)
@Designate(ocd = MmapBackendComponent.Config.class)
public final class MmapBackendComponent {

    private static final System.Logger LOG = System.getLogger(MmapBackendComponent.class.getName());

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

        /** The most mappings the backend holds at once; 0: none of its own. */
        @AttributeDefinition(name = "Mapping limit", min = "0", description = "The most mappings (open handles, plus one for"
                + " the table) this backend holds at once; one more is refused with LIMIT. 0: no limit of its own,"
                + " only the process's cap (vm.max_map_count minus the map count headroom) applies.")
        int maxMappings() default MmapSettings.DEFAULT_MAX_MAPPINGS;

        /** Mappings of the process left to the JVM. */
        @AttributeDefinition(name = "Map count headroom", min = "1024", description = "A mapping is refused with LIMIT once the"
                + " process has vm.max_map_count (read at start) minus this many mappings, whoever made them, so"
                + " that the JVM never fails to map its own memory (at least 1024). Raise vm.max_map_count (sysctl)"
                + " for more handles.")
        int mapCountHeadroom() default MmapSettings.DEFAULT_MAP_COUNT_HEADROOM;

        /** Mappings kept after their last handle here closed, for the next open of the same object. */
        @AttributeDefinition(name = "Kept mappings", min = "0", max = "1024", description = "How many mappings of"
                + " objects that are still alive the backend keeps after their last handle in this process closed"
                + " (objects of at most 1 MiB), so that the next open of the same object here neither opens nor maps"
                + " the file again. A kept mapping of an object destroyed meanwhile is unmapped at the backend's next"
                + " open or close (until then its pages stay in memory). 0: every mapping is unmapped at its last"
                + " handle's close.")
        int keptMappings() default MmapSettings.DEFAULT_KEPT_MAPPINGS;

        /** Files of objects destroyed here, kept for the next create of an object of the same size. */
        @AttributeDefinition(name = "Spare files", min = "0", max = "64", description = "How many files of objects"
                + " this backend destroyed (objects of at most 1 MiB whose last handle closed here) it keeps, mapped,"
                + " under a temporary name of this process (.t.<pid>.<hex>) instead of removing them, so that its"
                + " next create of an object of the same size zeroes and renames one instead of making, sizing,"
                + " mapping and linking a new file. Their pages stay in the root's file system until the backend"
                + " closes, or after a crash until another participant's next reap. Needs keptMappings above 0."
                + " 0 (the default): every file is removed with its object.")
        int spareFiles() default MmapSettings.DEFAULT_SPARE_FILES;

        /** The most objects a new object table takes. */
        @AttributeDefinition(name = "Object limit", min = "1", max = "4194304", description = "The most objects the store holds (1 to 4194304),"
                + " written into its object table when the table is made (640 bytes per slot, at least 8/7 slots per"
                + " object, rounded up to a power of two). A table that exists keeps its limit until the store is"
                + " empty and its table is made anew.")
        int maxObjects() default MmapSettings.DEFAULT_MAX_OBJECTS;

        /** Accept an unsafe root. */
        @AttributeDefinition(name = "Trust the root", description = "Accept a root reached through a symbolic link,"
                + " writable by every user or owned by another user. Off: such a root is refused.")
        boolean trustRoot() default false;

        /** The service ranking, for choosing among backends. */
        @AttributeDefinition(name = "Service ranking", description = "Among several backends, consumers bind the"
                + " highest ranking. Changing it changes the service's properties only: no handle is touched.")
        int service_ranking() default 0;

        /** How long parked holds are kept. */
        @AttributeDefinition(name = "Park deadline (s)", min = "0", description = "When this backend instance goes"
                + " away while the process lives (update, stop, a new root), its holds stay parked in the object table"
                + " this long for the next instance to take over; then any participant releases them. 0: release at"
                + " once.")
        long park_deadline_seconds() default 120;
    }

    private final BundleContext context;
    /** Guarded by {@code this}. */
    private MmapBackend backend;
    /** Guarded by {@code this}. */
    private ServiceRegistration<ShmBackend> registration;
    /** Guarded by {@code this}. */
    private Duration parkDeadline;

    /** Opens the backend with the configured settings and registers it. */
    @Activate
    public MmapBackendComponent(Config config, BundleContext context) {
        this.context = context;
        this.parkDeadline = Duration.ofSeconds(Math.max(0, config.park_deadline_seconds()));
        try {
            this.backend = new MmapBackend(settings(config, context));
        } catch (ShmException refused) {
            // Declarative Services logs only "Error during instantiation of the implementation object": the reason
            // goes to the log in one line first
            LOG.log(System.Logger.Level.ERROR, "the mmap backend cannot start: " + refused.getMessage());
            throw refused;
        }
        backend.parkHoldsFor(parkDeadline);
        this.registration = context.registerService(ShmBackend.class, backend, properties(config, backend));
    }

    /** Applies a new configuration without closing a handle (see the class documentation). */
    @Modified
    synchronized void modified(Config config) {
        parkDeadline = Duration.ofSeconds(Math.max(0, config.park_deadline_seconds()));
        backend.parkHoldsFor(parkDeadline);
        MmapSettings wanted = settings(config, context);
        if (wanted.equals(backend.settings())) {
            registration.setProperties(properties(config, backend));
            return;
        }
        MmapBackend next;
        try {
            next = new MmapBackend(wanted);
        } catch (ShmException refused) {
            // The backend in service stays, with its handles: a store that cannot be used is no reason to drop one
            // that can (the other settings still apply).
            LOG.log(System.Logger.Level.ERROR, "the mmap backend goes on serving " + backend.settings().root()
                    + ": the new configuration's store cannot be used: " + refused.getMessage());
            registration.setProperties(properties(config, backend));
            return;
        }
        next.parkHoldsFor(parkDeadline);
        ServiceRegistration<ShmBackend> nextRegistration;
        try {
            nextRegistration = context.registerService(ShmBackend.class, next, properties(config, next));
        } catch (RuntimeException e) {
            next.close();
            throw e;
        }
        ServiceRegistration<ShmBackend> previousRegistration = registration;
        MmapBackend previous = backend;
        backend = next;
        registration = nextRegistration;
        previousRegistration.unregister();
        previous.park();
    }

    /**
     * Unregisters the backend and parks every hold it still has for the next instance; when the whole framework is
     * stopping, releases them instead, as the process's exit would.
     */
    @Deactivate
    synchronized void deactivate() {
        try {
            registration.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the framework unregistered it with the bundle
        }
        if (context.getBundle(0).getState() == org.osgi.framework.Bundle.STOPPING) {
            backend.close();
        } else {
            backend.park();
        }
    }

    private Dictionary<String, Object> properties(Config config, MmapBackend of) {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(ShmBackend.TYPE_PROPERTY, MmapBackend.TYPE);
        properties.put(ShmBackend.NAMESPACE_PROPERTY, namespace(of.settings().root()));
        properties.put(ShmBackend.PARK_DEADLINE_PROPERTY, parkDeadline.toMillis());
        properties.put(Constants.SERVICE_RANKING, config.service_ranking());
        properties.put(Constants.SERVICE_PID, PID);
        return properties;
    }

    /** The namespace of a root: {@code mmap:} and the root's real path, so that two spellings of one root agree. */
    static String namespace(Path root) {
        try {
            return MmapBackend.TYPE + ":" + root.toRealPath();
        } catch (java.io.IOException e) {
            return MmapBackend.TYPE + ":" + root;
        }
    }

    /** The settings a configuration gives; an empty root falls back to the framework property, then the default. */
    static MmapSettings settings(Config config, BundleContext context) {
        String root = config.root().isBlank() ? context.getProperty(ROOT_PROPERTY) : config.root();
        Path rootPath = root == null || root.isBlank() ? MmapSettings.defaultRoot() : Path.of(root.strip());
        return new MmapSettings(rootPath, config.groupShared(), config.reserveSpace(), config.lockPages(),
                config.prefault(), config.maxMappings(), config.trustRoot(), config.maxObjects(),
                config.mapCountHeadroom(), config.keptMappings(), config.spareFiles());
    }

    /** Checks and repairs the store; see {@link MmapBackend#checkStore(boolean)}. */
    public synchronized shm.api.spi.StoreReport checkStore(boolean repair) {
        return backend.checkStore(repair);
    }

    /** The settings the backend runs with. */
    public synchronized MmapSettings settings() {
        return backend.settings();
    }
}
