package shm.provider.mmap;

import java.nio.file.Path;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import shm.api.spi.ShmBackend;

/**
 * The mmap backend as a DS component: registers {@link ShmBackend} with {@code shm.backend.type=mmap}, configured
 * through Config Admin under the PID {@value #PID} and running with defaults when there is no configuration. A change
 * of configuration deactivates the component (closing every handle it gave out) and activates a new one.
 */
@Component(service = ShmBackend.class, configurationPid = MmapBackendComponent.PID,
        property = ShmBackend.TYPE_PROPERTY + "=" + MmapBackend.TYPE)
@Designate(ocd = MmapBackendComponent.Config.class)
public final class MmapBackendComponent extends MmapBackend {

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

        /** The service ranking, for choosing among backends. */
        @AttributeDefinition(name = "Service ranking",
                description = "Among several backends, consumers bind the highest ranking.")
        int service_ranking() default 0;
    }

    /** Opens the backend with the configured settings. */
    @Activate
    public MmapBackendComponent(Config config, BundleContext context) {
        super(settings(config, context));
    }

    private static MmapSettings settings(Config config, BundleContext context) {
        String root = config.root().isBlank() ? context.getProperty(ROOT_PROPERTY) : config.root();
        Path rootPath = root == null || root.isBlank() ? MmapSettings.defaultRoot() : Path.of(root.strip());
        return new MmapSettings(rootPath, config.groupShared(), config.reserveSpace(), config.lockPages(),
                config.prefault());
    }

    /** Closes every handle this component gave out. */
    @Deactivate
    void deactivate() {
        close();
    }
}
