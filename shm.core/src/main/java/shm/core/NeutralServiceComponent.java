package shm.core;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import shm.api.SharedMemoryService;
import shm.api.SyncObjectService;
import shm.api.ShmException;
import shm.api.spi.ShmBackend;

/**
 * The neutral service as a DS component: binds the highest-ranked {@link ShmBackend} dynamically and greedily, so a
 * better backend that appears takes over the open handles (SCR binds the new one, then unbinds the old one), and a
 * backend that disappears without a successor closes them. Configuration PID {@value #PID}; its
 * {@code backend.target} pins one backend by filter.
 */
@Component(service = {SharedMemoryService.class, SyncObjectService.class},
        configurationPid = NeutralServiceComponent.PID)
@Designate(ocd = NeutralServiceComponent.Config.class)
public final class NeutralServiceComponent extends NeutralSharedMemoryService {

    /** The configuration PID. */
    public static final String PID = "shm.core";

    /** The operator's settings of the neutral service. */
    @ObjectClassDefinition(name = "shm neutral service",
            description = "The shared memory service that gateway code uses, over the bound backend.")
    public @interface Config {

        /** Filter choosing the backend. */
        @AttributeDefinition(name = "Backend filter", description = "LDAP filter on the backend services, for"
                + " example (shm.backend.type=mmap). Among matching backends the highest service.ranking wins.")
        String backend_target() default "(shm.backend.type=*)";
    }

    /** A service that waits for SCR to bind its backend. */
    public NeutralServiceComponent() {
        super();
    }

    /** A backend was bound: the first one, or a better one replacing the current one. */
    @Reference(name = "backend", cardinality = ReferenceCardinality.MANDATORY, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindBackend")
    void bindBackend(ShmBackend backend) {
        try {
            switchTo(backend);
        } catch (ShmException e) {
            // Already logged per handle; the handles that could not move stay on the old backend until it leaves.
            System.getLogger(NeutralServiceComponent.class.getName())
                    .log(System.Logger.Level.ERROR, "backend swap to " + backend.type() + " incomplete", e);
        }
    }

    /** A backend went away; if it was the one in use and no successor was bound, its handles are closed. */
    void unbindBackend(ShmBackend backend) {
        backendGone(backend);
    }

    /** Closes every handle the service gave out. */
    @Deactivate
    void deactivate() {
        close();
    }
}
