package shm.personality.ntx;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
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

import shm.api.inspect.InspectionTable;
import shm.api.inspect.PersonalityInspection;
import shm.api.ShmException;
import shm.api.ntx.NtxHandleResult;
import shm.api.ntx.NtxMapResult;
import shm.api.ntx.NtxSharedMemory;
import shm.api.spi.ShmBackend;
import shm.util.KeptState;

/**
 * The NTX personality as a DS component: one instance per factory configuration of PID {@value #FACTORY_PID} (one
 * Windows process each, with its own mapping cache), over the highest-ranked backend that has a GDT and a directory
 * ({@link #CAPABLE_BACKENDS}, the default target), bound dynamically and greedily.
 * Without any configuration, one instance runs with {@link NtxSettings#defaults()}. The service carries
 * {@code ntx.hostNode} and {@code ntx.strictCache} for consumers' target filters.
 */
@Component(service = {NtxSharedMemory.class, PersonalityInspection.class},
        configurationPid = NtxPersonalityComponent.FACTORY_PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = NtxPersonalityComponent.Config.class, factory = true)
public final class NtxPersonalityComponent implements NtxSharedMemory, PersonalityInspection {

    /** The factory configuration PID. */
    public static final String FACTORY_PID = "shm.personality.ntx";

    /**
     * The default {@code backend.target}: the backends that have a GDT NTX can read (descriptor tables, at least
     * imported RT handles) and a directory it can look names up in (an absent capability means the full one, see
     * {@link shm.api.spi.BackendCapabilities}): the mmap backend and the intime backend, not the rtx backend, whose
     * RTX objects have neither.
     */
    public static final String CAPABLE_BACKENDS = "(&(!(shm.backend.descriptorTables=none))"
            + "(!(shm.backend.directory=none)))";

    /** One NTX Windows process. */
    @ObjectClassDefinition(name = "shm NTX personality",
            description = "TenAsys INtime NTX rules for mapping real-time memory into one Windows process.")
    public @interface Config {

        /** The INtime node of this host. */
        @AttributeDefinition(name = "Host node", description = "The INtime node this Windows host runs beside;"
                + " memory whose GDT descriptor records another node (and none of the shared nodes) fails with"
                + " E_LOCATION.")
        long ntx_hostNode() default 0;

        /** Further nodes on this host. */
        @AttributeDefinition(name = "Shared nodes", description = "Further INtime nodes that share memory with this"
                + " host.", required = false)
        long[] ntx_sharedNodes() default {};

        /** Strict cache. */
        @AttributeDefinition(name = "Strict cache", description = "false: a mapped handle's cached mapping is"
                + " returned without asking the RT side, as NTX does (a handle deleted or reused while mapped returns"
                + " the stale mapping); true: each cache hit is checked and a stale one refused (E_EXIST / E_STATE).")
        boolean ntx_strictCache() default false;

        /** Filter choosing the backend. */
        @AttributeDefinition(name = "Backend filter", description = "LDAP filter on the backend services, for example"
                + " (shm.backend.type=mmap). Among matching backends the highest service.ranking wins. The default"
                + " takes only backends with a GDT and a directory (mmap, intime; not rtx).")
        String backend_target() default CAPABLE_BACKENDS;

        /** Instance name shown to operators. */
        String webconsole_configurationFactory_nameHint() default "NTX node {ntx.hostNode}";
    }

    private final NtxPersonality personality;
    private final String keptState;
    private final BooleanSupplier bundleStopping;
    private final BooleanSupplier frameworkStopping;
    private final AtomicBoolean resumed = new AtomicBoolean();

    /**
     * Starts one Windows process with the configured rules; calls fail with E_NTX_INTERNAL_ERROR until a backend is
     * bound. When an earlier revision of this instance left its allocations in the store ({@link #deactivate(int)}),
     * the first backend bound of that store brings them back.
     */
    @Activate
    public NtxPersonalityComponent(Config config, BundleContext context, Map<String, Object> properties) {
        this(config, KeptState.name("ntx", KeptState.instanceKey(properties)),
                () -> context.getBundle().getState() == Bundle.STOPPING,
                () -> context.getBundle(0).getState() == Bundle.STOPPING);
    }

    /** The component outside SCR: {@code keptState} names its state in the store across revisions. */
    NtxPersonalityComponent(Config config, String keptState, BooleanSupplier bundleStopping,
                          BooleanSupplier frameworkStopping) {
        personality = new NtxPersonality(new NtxSettings(config.ntx_hostNode(),
                Arrays.stream(config.ntx_sharedNodes()).boxed().collect(Collectors.toSet()), config.ntx_strictCache()));
        this.keptState = keptState;
        this.bundleStopping = bundleStopping;
        this.frameworkStopping = frameworkStopping;
    }

    /** The Windows process this component runs. */
    public NtxPersonality personality() {
        return personality;
    }

    // ------------------------------------------------------------------ what an operator sees

    @Override
    public String personalityName() {
        return "NTX";
    }

    @Override
    public java.util.List<String> tables() {
        return java.util.List.of(NtxMappingsTable.NAME);
    }

    @Override
    public InspectionTable table(String name) {
        if (!NtxMappingsTable.NAME.equals(name)) {
            throw new IllegalArgumentException("the NTX personality shows the table '" + NtxMappingsTable.NAME
                    + "', not '" + name + "'");
        }
        return personality.mappingTable();
    }

    /** The settings the configuration gave. */
    public NtxSettings settings() {
        return personality.settings();
    }

    /** A backend was bound: the first one, or a better one for maps from now on. */
    @Reference(name = "backend", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindBackend")
    void bindBackend(ShmBackend backend, java.util.Map<String, Object> properties) {
        Object namespace = properties.get(ShmBackend.NAMESPACE_PROPERTY);
        personality.useBackend(backend, namespace == null ? null : namespace.toString());
        if (resumed.compareAndSet(false, true)) {
            personality.resume(backend, keptState);
        }
    }

    /** A backend went away: the mappings made through it leave the cache; its holds, allocations included, park. */
    void unbindBackend(ShmBackend backend) {
        personality.backendGone(backend);
    }

    /**
     * The bundle is updated, stopped or refreshed, or the configuration changed, while the JVM lives: the Windows
     * process goes on in the next revision (its allocations are kept in the store, its mappings' holds parked).
     * Otherwise (the configuration was deleted, the component disabled, the framework stops) it ends: its mappings are
     * unmapped and its allocations freed.
     */
    @Deactivate
    void deactivate(int reason) {
        if (KeptState.processGoesOn(reason, bundleStopping.getAsBoolean(), frameworkStopping.getAsBoolean())) {
            personality.suspend(keptState);
        }
        personality.close();
    }

    // ------------------------------------------------------------------ the calls, answered by the personality

    @Override
    public NtxMapResult ntxMapRtSharedMemory(long hSegment) {
        return personality.ntxMapRtSharedMemory(hSegment);
    }

    @Override
    public NtxMapResult ntxMapRtSharedMemoryEx(long hSegment, int dwFlags) {
        return personality.ntxMapRtSharedMemoryEx(hSegment, dwFlags);
    }

    @Override
    public int ntxUnmapRtSharedMemory(long hSegment) {
        return personality.ntxUnmapRtSharedMemory(hSegment);
    }

    @Override
    public NtxHandleResult ntxImportRtHandle(int incomingObject, long hObjectSource) {
        return personality.ntxImportRtHandle(incomingObject, hObjectSource);
    }

    @Override
    public int ntxExportRtHandle(long hObject) {
        return personality.ntxExportRtHandle(hObject);
    }

    @Override
    public NtxHandleResult ntxGetRootRtProcess() {
        return personality.ntxGetRootRtProcess();
    }

    @Override
    public int ntxCatalogNtxHandle(long hProcess, long hObject, String pName) {
        return personality.ntxCatalogNtxHandle(hProcess, hObject, pName);
    }

    @Override
    public NtxHandleResult ntxLookupNtxHandle(long hRtProcess, String pName, int dwMilliseconds) {
        return personality.ntxLookupNtxHandle(hRtProcess, pName, dwMilliseconds);
    }

    @Override
    public int ntxUncatalogNtxHandle(long hProcess, long hObject, String pName) {
        return personality.ntxUncatalogNtxHandle(hProcess, hObject, pName);
    }

    @Override
    public NtxHandleResult ntxAllocateRtMemory(long hLoc, int nSize) {
        return personality.ntxAllocateRtMemory(hLoc, nSize);
    }

    @Override
    public int ntxFreeRtMemory(long hSegment) {
        return personality.ntxFreeRtMemory(hSegment);
    }

    @Override
    public int ntxGetType(long hObject) {
        return personality.ntxGetType(hObject);
    }

    @Override
    public long ntxGetRtSize(long hObject) {
        return personality.ntxGetRtSize(hObject);
    }

    @Override
    public int ntxGetLastRtError() {
        return personality.ntxGetLastRtError();
    }

    @Override
    public Optional<ShmException> lastFailure() {
        return personality.lastFailure();
    }
}
