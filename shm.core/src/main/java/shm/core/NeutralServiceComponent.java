package shm.core;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.component.annotations.ServiceScope;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import shm.api.MapOptions;
import shm.api.NamedEvent;
import shm.api.NamedMutex;
import shm.api.NamedSemaphore;
import shm.api.ObjectInfo;
import shm.api.SharedMemory;
import shm.api.SharedMemoryService;
import shm.api.SyncObjectService;
import shm.api.spi.ShmBackend;

/**
 * The neutral service as a DS component, one instance per using bundle: binds every {@link ShmBackend} matching its
 * target dynamically and lets a {@link NeutralSharedMemoryService} choose among them and move, park and take over
 * handles as backends come and go. When this component is deactivated while its user lives (an update or stop of
 * {@code shm.core}, a release of the service), the handles it gave out park their holds and find the next revision
 * through the service registry with the user's view ({@link RegistrySuccessor}); when the user itself is stopping,
 * they are closed. Configuration PID {@value #PID}.
 */
@Component(service = {SharedMemoryService.class, SyncObjectService.class}, scope = ServiceScope.BUNDLE,
        configurationPid = NeutralServiceComponent.PID)
@Designate(ocd = NeutralServiceComponent.Config.class)
public final class NeutralServiceComponent implements SharedMemoryService, SyncObjectService,
        shm.api.spi.ReferenceOpening {

    /** The configuration PID. */
    public static final String PID = "shm.core";

    /** The operator's settings of the neutral service. */
    @ObjectClassDefinition(name = "shm neutral service",
            description = "The shared memory service that gateway code uses, over the bound backend.")
    public @interface Config {

        /** Filter choosing the backends. */
        @AttributeDefinition(name = "Backend filter", description = "LDAP filter on the backend services, for"
                + " example (shm.backend.type=mmap). Among matching backends the highest service.ranking wins.")
        String backend_target() default "(shm.backend.type=*)";

        /** How long a call waits for a backend during a swap. */
        @AttributeDefinition(name = "Swap wait (ms)", min = "0", description = "How long a call made while no backend"
                + " serves (during a swap or an update) waits for one before it fails with CLOSED.")
        long swap_wait_millis() default 10_000;
    }

    private final NeutralSharedMemoryService service;
    private final ClientLegacies legacies;
    private final Bundle client;
    private final Bundle framework;
    private volatile long swapWaitMillis;

    /** A service for the bundle that asked for it, waiting for SCR to bind backends. */
    @Activate
    public NeutralServiceComponent(Config config, ComponentContext context, @Reference ClientLegacies legacies) {
        OrphanClasses.load();
        this.service = new NeutralSharedMemoryService(Duration.ofMillis(config.swap_wait_millis()));
        this.legacies = legacies;
        this.client = context.getUsingBundle();
        if (client != null) {
            long clientId = client.getBundleId();
            service.reclaimWhen((namespace, name) -> legacies.claim(clientId, namespace, name));
        }
        this.framework = context.getBundleContext().getBundle(0);
        this.swapWaitMillis = config.swap_wait_millis();
    }

    /** A new swap wait or target: SCR rebinds the backends by the target itself. */
    @Modified
    void modified(Config config) {
        swapWaitMillis = config.swap_wait_millis();
        service.setSwapWait(Duration.ofMillis(swapWaitMillis));
    }

    /** A backend was bound. */
    @Reference(name = "backend", cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindBackend", updated = "updatedBackend")
    void bindBackend(ShmBackend backend, ServiceReference<ShmBackend> reference) {
        service.backendAdded(candidate(backend, reference));
    }

    /** A backend's properties changed (its ranking, say). */
    void updatedBackend(ShmBackend backend, ServiceReference<ShmBackend> reference) {
        service.backendAdded(candidate(backend, reference));
    }

    /** A backend is going away. */
    void unbindBackend(ShmBackend backend) {
        service.backendRemoved(backend);
    }

    /**
     * Parks the handles for the next revision of this service, and for the next revision of their user when it is the
     * user that stops (an update of a client bundle: its next activation's opens of the same names take the parked
     * holds back, {@link ClientLegacies}); holds nobody takes back expire at the park deadline. Closes them when the
     * whole framework is stopping (the process ends its handles as its exit would) or the user is gone.
     */
    @Deactivate
    void deactivate() {
        boolean frameworkStopping = framework.getState() == Bundle.STOPPING;
        if (!frameworkStopping && client != null && client.getState() != Bundle.UNINSTALLED) {
            long clientId = client.getBundleId();
            boolean clientStopping = client.getState() == Bundle.STOPPING;
            service.orphanAll(new RegistrySuccessor(client, swapWaitMillis), clientStopping
                    ? (namespace, name, deadline) -> legacies.leave(clientId, namespace, name, deadline)
                    : (namespace, name, deadline) -> { });
        } else {
            service.close();
        }
    }

    /** The backend a service reference describes. */
    static Candidate candidate(ShmBackend backend, ServiceReference<ShmBackend> reference) {
        Object namespace = reference.getProperty(ShmBackend.NAMESPACE_PROPERTY);
        Object ranking = reference.getProperty(Constants.SERVICE_RANKING);
        Object park = reference.getProperty(ShmBackend.PARK_DEADLINE_PROPERTY);
        long id = (Long) reference.getProperty(Constants.SERVICE_ID);
        Bundle bundle = reference.getBundle();
        String origin = backend.type() + " (" + (bundle == null ? "?" : bundle.getSymbolicName() + " "
                + bundle.getVersion()) + ", service " + id + ")";
        return new Candidate(backend, namespace == null ? "service:" + id : namespace.toString(),
                ranking instanceof Integer r ? r : 0, id, origin, park instanceof Number n ? n.longValue() : 0);
    }

    @Override
    public SharedMemory createOrOpen(String name, long size, MapOptions options) {
        return service.createOrOpen(name, size, options);
    }

    @Override
    public SharedMemory createUnnamed(long size, MapOptions options) {
        return service.createUnnamed(size, options);
    }

    @Override
    public SharedMemory open(String name, MapOptions options) {
        return service.open(name, options);
    }

    /** For a handle of an earlier revision of this service: its unnamed object, by reference in its store. */
    @Override
    public SharedMemory openByRef(shm.api.spi.ObjectRef ref, String namespace, MapOptions options) {
        return service.openByRef(ref, namespace, options);
    }

    @Override
    public Optional<ObjectInfo> info(String name) {
        return service.info(name);
    }

    @Override
    public List<ObjectInfo> list() {
        return service.list();
    }

    @Override
    public NamedEvent createOrOpenEvent(String name, boolean manualReset, boolean initiallySignaled) {
        return service.createOrOpenEvent(name, manualReset, initiallySignaled);
    }

    @Override
    public NamedEvent openEvent(String name) {
        return service.openEvent(name);
    }

    @Override
    public NamedMutex createOrOpenMutex(String name, boolean initiallyOwned) {
        return service.createOrOpenMutex(name, initiallyOwned);
    }

    @Override
    public NamedMutex openMutex(String name) {
        return service.openMutex(name);
    }

    @Override
    public NamedSemaphore createOrOpenSemaphore(String name, long initialCount, long maximumCount) {
        return service.createOrOpenSemaphore(name, initialCount, maximumCount);
    }

    @Override
    public NamedSemaphore openSemaphore(String name) {
        return service.openSemaphore(name);
    }
}
