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

import shm.api.inspect.InspectionTable;
import shm.api.inspect.PersonalityInspection;
import shm.api.rtx.RtssInstance;
import shm.api.rtx.RtxConstants;
import shm.api.rtx.RtxResult;
import shm.api.rtx.RtxSharedMemory;
import shm.api.rtx.RtxSync;
import shm.api.spi.ShmBackend;

/**
 * The RTX personality as a DS component: one instance per factory configuration of PID {@value #FACTORY_PID} (one
 * RTX "process" each, for example one RTSS and one Windows context side by side), over the highest-ranked backend,
 * bound dynamically and greedily. Without any configuration, one instance runs with {@link RtxSettings#defaults()}.
 * The service carries {@code rtx.callerContext} and {@code rtx.flavour} for consumers' target filters.
 */
@Component(service = {RtxSharedMemory.class, RtxSync.class, PersonalityInspection.class},
        configurationPid = RtxPersonalityComponent.FACTORY_PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = RtxPersonalityComponent.Config.class, factory = true)
public final class RtxPersonalityComponent implements RtxSharedMemory, RtxSync, PersonalityInspection {

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

        /** How flProtect is read. */
        @AttributeDefinition(name = "flProtect encoding", description = "WINDOWS_PROCESS only. SHM_MAP (default, the"
                + " wRTOS documents): 1 read-only, 2 and 3 read/write (4 = PAGE_READWRITE also read/write); PAGE (the"
                + " RTX64 3/4 documents): 2 = PAGE_READONLY read-only, 4 = PAGE_READWRITE read/write.")
        ProtectEncoding rtx_protectEncoding() default ProtectEncoding.SHM_MAP;

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

    private final RtxPersonality personality;
    private final String keptState;
    private final org.osgi.framework.Bundle framework;
    private final org.osgi.framework.Bundle self;
    private final java.util.concurrent.atomic.AtomicBoolean resumed = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * Starts one RTX "process" with the configured rules; calls fail until a backend is bound. When an earlier
     * revision of this instance left its handles in the store (see {@link #deactivate(int)}), the first backend bound
     * brings them back under their values.
     */
    @Activate
    public RtxPersonalityComponent(Config config, org.osgi.framework.BundleContext context,
                                   java.util.Map<String, Object> properties) {
        personality = new RtxPersonality(new RtxSettings(config.rtx_callerContext(), config.rtx_flavour(),
                config.rtx_maxNameLength(), config.rtx_protectEncoding()));
        keptState = shm.util.KeptState.name("rtx", shm.util.KeptState.instanceKey(properties));
        framework = context.getBundle(0);
        self = context.getBundle();
    }


    /** The RTX "process" this component runs. */
    public RtxPersonality personality() {
        return personality;
    }

    /** The settings the configuration gave. */
    public RtxSettings settings() {
        return personality.settings();
    }

    // ------------------------------------------------------------------ what an operator sees

    @Override
    public String personalityName() {
        return "RTX";
    }

    @Override
    public java.util.List<String> tables() {
        return java.util.List.of(RtxHandlesTable.NAME);
    }

    @Override
    public InspectionTable table(String name) {
        if (!RtxHandlesTable.NAME.equals(name)) {
            throw new IllegalArgumentException("the RTX personality shows the table '" + RtxHandlesTable.NAME
                    + "', not '" + name + "'");
        }
        return personality.handleTable();
    }

    /** A backend was bound: the first one, or a better one for calls from now on. */
    @Reference(name = "backend", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindBackend")
    void bindBackend(ShmBackend backend, java.util.Map<String, Object> properties) {
        personality.useBackend(backend, properties);
        if (keptState != null && resumed.compareAndSet(false, true)) {
            personality.resume(backend, keptState);
        }
    }

    /** A backend went away: the handles that came from it park and wait for the next backend of their store. */
    void unbindBackend(ShmBackend backend) {
        personality.backendGone(backend);
    }

    /**
     * The bundle is updated, stopped or refreshed, or the configuration changed, while the JVM lives: the "process"
     * goes on in the next revision, so its holds are parked and its handle table is left in the store for it (handle
     * values stay valid). Otherwise (the configuration was deleted, the component disabled, the framework stops) the
     * "process" ends and its handles are closed.
     */
    @Deactivate
    void deactivate(int reason) {
        if (shm.util.KeptState.processGoesOn(reason, self.getState() == org.osgi.framework.Bundle.STOPPING,
                framework.getState() == org.osgi.framework.Bundle.STOPPING)) {
            personality.suspend(keptState);
        }
        personality.close();
    }

    // ------------------------------------------------------------------ the calls, answered by the personality


    @Override
    public RtxResult RtCreateSharedMemory(int flProtect, int maximumSizeHigh, int maximumSizeLow, String lpName) {
        return personality.RtCreateSharedMemory(flProtect, maximumSizeHigh, maximumSizeLow, lpName);
    }

    @Override
    public RtxResult RtOpenSharedMemory(int dwDesiredAccess, boolean bInheritHandle, String lpName) {
        return personality.RtOpenSharedMemory(dwDesiredAccess, bInheritHandle, lpName);
    }

    @Override
    public boolean RtCloseHandle(long hObject) {
        return personality.RtCloseHandle(hObject);
    }

    @Override
    public int RtGetLastError() {
        return personality.RtGetLastError();
    }

    @Override
    public RtssInstance RtkRtssAttach(int maxWfso) {
        return personality.RtkRtssAttach(maxWfso);
    }

    @Override
    public RtxResult RtkCreateSharedMemory(long rtssInst, int flProtect, int maximumSizeHigh, int maximumSizeLow,
                                           String name) {
        return personality.RtkCreateSharedMemory(rtssInst, flProtect, maximumSizeHigh, maximumSizeLow, name);
    }

    @Override
    public RtxResult RtkOpenSharedMemory(long rtssInst, int desiredAccess, boolean inheritHandle, String name) {
        return personality.RtkOpenSharedMemory(rtssInst, desiredAccess, inheritHandle, name);
    }

    @Override
    public int RtkCloseHandle(long rtssInst, long handle) {
        return personality.RtkCloseHandle(rtssInst, handle);
    }

    @Override
    public RtxResult RtCreateEvent(boolean bManualReset, boolean bInitialState, String lpName) {
        return personality.RtCreateEvent(bManualReset, bInitialState, lpName);
    }

    @Override
    public RtxResult RtOpenEvent(int dwDesiredAccess, boolean bInheritHandle, String lpName) {
        return personality.RtOpenEvent(dwDesiredAccess, bInheritHandle, lpName);
    }

    @Override
    public boolean RtSetEvent(long hEvent) {
        return personality.RtSetEvent(hEvent);
    }

    @Override
    public boolean RtResetEvent(long hEvent) {
        return personality.RtResetEvent(hEvent);
    }

    @Override
    public boolean RtPulseEvent(long hEvent) {
        return personality.RtPulseEvent(hEvent);
    }

    @Override
    public RtxResult RtCreateMutex(boolean bInitialOwner, String lpName) {
        return personality.RtCreateMutex(bInitialOwner, lpName);
    }

    @Override
    public RtxResult RtOpenMutex(int dwDesiredAccess, boolean bInheritHandle, String lpName) {
        return personality.RtOpenMutex(dwDesiredAccess, bInheritHandle, lpName);
    }

    @Override
    public boolean RtReleaseMutex(long hMutex) {
        return personality.RtReleaseMutex(hMutex);
    }

    @Override
    public RtxResult RtCreateSemaphore(int lInitialCount, int lMaximumCount, String lpName) {
        return personality.RtCreateSemaphore(lInitialCount, lMaximumCount, lpName);
    }

    @Override
    public RtxResult RtOpenSemaphore(int dwDesiredAccess, boolean bInheritHandle, String lpName) {
        return personality.RtOpenSemaphore(dwDesiredAccess, bInheritHandle, lpName);
    }

    @Override
    public long RtReleaseSemaphore(long hSemaphore, int lReleaseCount) {
        return personality.RtReleaseSemaphore(hSemaphore, lReleaseCount);
    }

    @Override
    public int RtWaitForSingleObject(long hHandle, int dwMilliseconds) {
        return personality.RtWaitForSingleObject(hHandle, dwMilliseconds);
    }

    @Override
    public int RtWaitForMultipleObjects(int nCount, long[] lpHandles, boolean bWaitAll, int dwMilliseconds) {
        return personality.RtWaitForMultipleObjects(nCount, lpHandles, bWaitAll, dwMilliseconds);
    }
}
