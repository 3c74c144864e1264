package shm.provider.intime;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import shm.provider.win32.BackendRegistration;

/**
 * The INtime backend as a DS component: loads the configured iwin32x and NTX libraries, binds their entry points and
 * registers {@link shm.api.spi.ShmBackend} with {@code shm.backend.type=intime}, its capabilities and a ranking above
 * the mmap backend's. Where a library or an entry point is missing it registers nothing and logs one line.
 * Deactivation unregisters, closes every handle and mapping and unloads the libraries.
 */
@Component(immediate = true, configurationPid = IntimeBackendComponent.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = IntimeBackendComponent.Config.class)
public final class IntimeBackendComponent {

    /** The configuration PID. */
    public static final String PID = "shm.provider.intime";

    /** The operator's settings of the INtime backend. */
    @ObjectClassDefinition(name = "shm INtime backend",
            description = "iwin32 objects and RT memory (NTX) of an INtime node, from a Windows process.")
    public @interface Config {

        /** The iwin32x library. */
        @AttributeDefinition(name = "iwin32x library", description = "Name or path of INtime's iwin32x DLL. Empty: the"
                + " framework property shm.provider.intime.library, else " + IntimeBackendFactory.DEFAULT_LIBRARY + ".")
        String library() default "";

        /** The NTX library. */
        @AttributeDefinition(name = "NTX library", description = "Name or path of INtime's NTX DLL. Empty: the framework"
                + " property shm.provider.intime.ntxLibrary, else " + IntimeBackendFactory.DEFAULT_NTX_LIBRARY + ".")
        String ntxLibrary() default "";

        /** The library exporting VirtualQuery. */
        @AttributeDefinition(name = "System library", description = "Library exporting VirtualQuery (kernel32 on"
                + " Windows), used to learn the size of an object this process opened. Empty: the framework property"
                + " shm.provider.intime.systemLibrary, else " + IntimeBackendFactory.DEFAULT_SYSTEM_LIBRARY + ".")
        String systemLibrary() default "";

        /** The INtime node, for the namespace. */
        @AttributeDefinition(name = "Node", description = "The INtime node NTX reaches (as configured in INtime's"
                + " NTX settings); part of the published namespace.")
        String node() default "NodeA";

        /** The namespace published. */
        @AttributeDefinition(name = "Namespace", description = "Value of shm.backend.namespace. Empty:"
                + " intime:<library>@<node>.")
        String namespace() default "";

        /** The service ranking. */
        @AttributeDefinition(name = "Service ranking", description = "Above the mmap backend's (0).")
        int service_ranking() default 100;
    }

    private final BackendRegistration registration;

    /** Loads the libraries and registers the backend, or logs one line why not. */
    @Activate
    public IntimeBackendComponent(Config config, BundleContext context) {
        registration = new BackendRegistration(context, PID, config.service_ranking(),
                () -> IntimeBackendFactory.open(
                        BackendRegistration.setting(config.library(), context, PID + ".library",
                                IntimeBackendFactory.DEFAULT_LIBRARY),
                        BackendRegistration.setting(config.ntxLibrary(), context, PID + ".ntxLibrary",
                                IntimeBackendFactory.DEFAULT_NTX_LIBRARY),
                        BackendRegistration.setting(config.systemLibrary(), context, PID + ".systemLibrary",
                                IntimeBackendFactory.DEFAULT_SYSTEM_LIBRARY),
                        config.namespace(), config.node()));
    }

    /** Whether the backend is registered. */
    public boolean registered() {
        return registration.registered();
    }

    /** Unregisters the backend, closes its handles and mappings and unloads the libraries. */
    @Deactivate
    void deactivate() {
        registration.close();
    }
}
