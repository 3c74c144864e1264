package shm.provider.rtx;

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
 * The RTX64 / wRTOS backend as a DS component: loads the configured RTAPI library, binds its entry points and
 * registers {@link shm.api.spi.ShmBackend} with {@code shm.backend.type=rtx}, its capabilities and a ranking above
 * the mmap backend's. Where the library or an entry point is missing it registers nothing and logs one line; the
 * rest of the platform runs on. Deactivation unregisters, closes every handle and unloads the library, so a new
 * configuration or a bundle update loads the library afresh.
 */
@Component(immediate = true, configurationPid = RtxBackendComponent.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = RtxBackendComponent.Config.class)
public final class RtxBackendComponent {

    /** The configuration PID. */
    public static final String PID = "shm.provider.rtx";

    /** The operator's settings of the RTX backend. */
    @ObjectClassDefinition(name = "shm RTX64 / wRTOS backend",
            description = "Shared memory and sync objects in the RTSS through the RTX64 / wRTOS RTAPI library.")
    public @interface Config {

        /** The RTAPI library. */
        @AttributeDefinition(name = "RTAPI library", description = "Name or path of the RTAPI DLL of the RTX64 or"
                + " wRTOS installation (Windows side). Empty: the framework property shm.provider.rtx.library, else "
                + RtxBackendFactory.DEFAULT_LIBRARY + ".")
        String library() default "";

        /** The library exporting VirtualQuery. */
        @AttributeDefinition(name = "System library", description = "Library exporting VirtualQuery (kernel32 on"
                + " Windows), used to learn the size of an object this process opened. Empty: the framework property"
                + " shm.provider.rtx.systemLibrary, else " + RtxBackendFactory.DEFAULT_SYSTEM_LIBRARY + ".")
        String systemLibrary() default "";

        /** The namespace published. */
        @AttributeDefinition(name = "Namespace", description = "Value of shm.backend.namespace: backends with the"
                + " same value share objects. Empty: rtx:<library>.")
        String namespace() default "";

        /** The service ranking. */
        @AttributeDefinition(name = "Service ranking", description = "Above the mmap backend's (0), so consumers"
                + " bind this backend when it is present.")
        int service_ranking() default 100;
    }

    private final BackendRegistration registration;

    /** Loads the library and registers the backend, or logs one line why not. */
    @Activate
    public RtxBackendComponent(Config config, BundleContext context) {
        registration = new BackendRegistration(context, PID, config.service_ranking(),
                () -> RtxBackendFactory.open(
                        BackendRegistration.setting(config.library(), context, PID + ".library",
                                RtxBackendFactory.DEFAULT_LIBRARY),
                        BackendRegistration.setting(config.systemLibrary(), context, PID + ".systemLibrary",
                                RtxBackendFactory.DEFAULT_SYSTEM_LIBRARY),
                        config.namespace()));
    }

    /** Whether the backend is registered (the library and every entry point were found). */
    public boolean registered() {
        return registration.registered();
    }

    /** Unregisters the backend, closes its handles and unloads the library. */
    @Deactivate
    void deactivate() {
        registration.close();
    }
}
