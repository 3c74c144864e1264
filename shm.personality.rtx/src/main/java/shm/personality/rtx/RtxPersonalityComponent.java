package shm.personality.rtx;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import shm.api.rtx.RtxConstants;
import shm.api.rtx.RtxSharedMemory;
import shm.api.rtx.RtxSync;
import shm.api.spi.ShmBackend;

/**
 * The RTX personality as a DS component: one instance per factory configuration of PID {@value #FACTORY_PID} (one
 * RTX "process" each, for example one RTSS and one Windows context side by side), over the highest-ranked backend,
 * bound dynamically and greedily. Without any configuration, one instance runs with {@link RtxSettings#defaults()}.
 * The service carries {@code rtx.callerContext} and {@code rtx.flavour} for consumers' target filters.
 */
@Component(service = {RtxSharedMemory.class, RtxSync.class}, configurationPid = RtxPersonalityComponent.FACTORY_PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = RtxPersonalityComponent.Config.class, factory = true)
public final class RtxPersonalityComponent extends RtxPersonality {

    /** The factory configuration PID. */
    public static final String FACTORY_PID = "shm.personality.rtx";

    /** One RTX "process". */
    @ObjectClassDefinition(name = "shm RTX personality",
            description = "IntervalZero RTX / RTX64 / wRTOS shared-memory rules for one caller context.")
    public @interface Config {

        /** RTSS or Windows process. */
        @AttributeDefinition(name = "Caller context", description = "RTSS_PROCESS: a smaller re-create shrinks the"
                + " object, a larger one fails; WINDOWS_PROCESS: any other size fails.")
        CallerContext rtx_callerContext() default CallerContext.RTSS_PROCESS;

        /** Legacy RTX or RTX64 / wRTOS. */
        @AttributeDefinition(name = "Flavour", description = "LEGACY_RTX: Rtk* report Win32 codes in pErrorCode;"
                + " RTX64: Rtk* return NTSTATUS.")
        Flavour rtx_flavour() default Flavour.LEGACY_RTX;

        /** The longest name. */
        @AttributeDefinition(name = "Longest name", description = "RTX_MAX_PATH, in characters.")
        int rtx_maxNameLength() default RtxConstants.RTX_MAX_PATH;

        /** Filter choosing the backend. */
        @AttributeDefinition(name = "Backend filter", description = "LDAP filter on the backend services, for example"
                + " (shm.backend.type=mmap). Among matching backends the highest service.ranking wins.")
        String backend_target() default "(shm.backend.type=*)";

        /** Instance name shown to operators. */
        String webconsole_configurationFactory_nameHint() default "RTX {rtx.callerContext} {rtx.flavour}";
    }

    /** Starts one RTX "process" with the configured rules; calls fail until a backend is bound. */
    @Activate
    public RtxPersonalityComponent(Config config) {
        super(new RtxSettings(config.rtx_callerContext(), config.rtx_flavour(), config.rtx_maxNameLength()));
    }

    /** A backend was bound: the first one, or a better one for calls from now on. */
    @Reference(name = "backend", cardinality = ReferenceCardinality.MANDATORY, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindBackend")
    void bindBackend(ShmBackend backend) {
        useBackend(backend);
    }

    /** A backend went away: the handles that came from it are closed. */
    void unbindBackend(ShmBackend backend) {
        backendGone(backend);
    }

    /** The "process" ends: its handles are closed. */
    @Deactivate
    void deactivate() {
        close();
    }
}
