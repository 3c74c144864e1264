package shm.personality.intime;

import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

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
import shm.api.intime.IntimeConstants;
import shm.api.intime.IntimeKernelMemory;
import shm.api.intime.Iwin32Result;
import shm.api.intime.Iwin32SharedMemory;
import shm.api.intime.Iwin32Sync;
import shm.api.intime.RtHandleResult;
import shm.api.intime.RtMemoryResult;
import shm.api.spi.ShmBackend;
import shm.util.KeptState;

/**
 * The INtime personality as a DS component: one INtime process per factory configuration of PID {@value #FACTORY_PID},
 * registered as {@link Iwin32SharedMemory}, {@link Iwin32Sync} and {@link IntimeKernelMemory} (the three share the
 * process's handle table and status storage, as in INtime). Without any configuration, one process runs with
 * {@link IntimeSettings#defaults()}. The component composes an {@link IntimePersonality} and answers every call
 * through it.
 *
 * <p>Only a backend with the capabilities an INtime process needs is bound ({@link #CAPABLE_BACKENDS}, the default
 * target). It is bound dynamically and greedily. RTHANDLEs and iwin32 handles are slot numbers of tables in the
 * backend's store, so the process moves to a better backend of the same store, and waits for the next one when its
 * backend leaves, with every slot, catalog entry, allocation and handle as it was (its holds parked meanwhile); see
 * {@link IntimePersonality#useBackend(ShmBackend, String)}. An update, stop or refresh of this bundle while the JVM
 * lives keeps the process for the next revision in the store ({@link #deactivate(int)}). A configuration INtime would
 * refuse (an iwin32 pool that is not a multiple of 4 MiB, for example) fails the activation with a message naming the
 * setting.
 */
@Component(service = {Iwin32SharedMemory.class, Iwin32Sync.class, IntimeKernelMemory.class,
        PersonalityInspection.class},
        configurationPid = IntimePersonalityComponent.FACTORY_PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = IntimePersonalityComponent.Config.class, factory = true)
public final class IntimePersonalityComponent implements Iwin32SharedMemory, Iwin32Sync, IntimeKernelMemory,
        PersonalityInspection {

    /** The factory configuration PID. */
    public static final String FACTORY_PID = "shm.personality.intime";

    /**
     * The default {@code backend.target}: the backends that publish what an INtime process needs (an absent
     * capability means the full one, see {@link shm.api.spi.BackendCapabilities}): memory pools (the iwin32 SegSize
     * pool, the process pool), descriptor tables of any name (the GDT, the process table, the iwin32 handle table) and
     * a directory it can bind names in. The vendor backends reach INtime's or RTX's objects from a Windows process and
     * have none of these (RT-side concepts), so an INtime process does not start over them.
     */
    public static final String CAPABLE_BACKENDS = "(&(!(shm.backend.pools=false))"
            + "(|(!(shm.backend.descriptorTables=*))(shm.backend.descriptorTables=full))"
            + "(|(!(shm.backend.directory=*))(shm.backend.directory=full)))";

    /** One INtime process and its node. */
    @ObjectClassDefinition(name = "shm INtime personality",
            description = "TenAsys INtime iwin32 and kernel shared-memory rules for one INtime process.")
    public @interface Config {

        /** GDT slots. */
        @AttributeDefinition(name = "GDT slots", description = "Slots of the system-wide descriptor table (memory"
                + " handles), 1 to 8191. The first process of a backend fixes it.")
        int intime_gdtSlots() default IntimeConstants.DEFAULT_GDT_SLOTS;

        /** Object limit. */
        @AttributeDefinition(name = "Object limit", description = "The most memory handles this process can hold"
                + " (E_LIMIT beyond).")
        int intime_objectLimit() default IntimeSettings.DEFAULT_OBJECT_LIMIT;

        /** Virtual segment. */
        @AttributeDefinition(name = "Virtual segment (bytes)", description = "Address space for allocations and"
                + " mappings; at least 8 MiB, rounded up to 4 MiB (E_VMEM beyond).")
        long intime_vsegSize() default IntimeConstants.DEFAULT_VSEG_SIZE;

        /** Process pool. */
        @AttributeDefinition(name = "Process pool (bytes)", description = "The most AllocateRtMemory may hold (E_MEM"
                + " beyond); 0 borrows all available memory.")
        long intime_poolMax() default 0;

        /** iwin32 pool. */
        @AttributeDefinition(name = "iwin32 SegSize (bytes)", description = "The iwin32 memory pool shared by every"
                + " process, a multiple of 4 MiB (4194304).")
        long intime_iwin32SegSize() default IntimeSettings.DEFAULT_IWIN32_SEGSIZE;

        /** iwin32 handle table. */
        @AttributeDefinition(name = "iwin32 handles", description = "Slots of the system-wide iwin32 handle table. The"
                + " first process of a backend fixes it.")
        int intime_iwin32Handles() default IntimeSettings.DEFAULT_IWIN32_HANDLES;

        /** Filter choosing the backend. */
        @AttributeDefinition(name = "Backend filter", description = "LDAP filter on the backend services, for example"
                + " (shm.backend.type=mmap). Among matching backends the highest service.ranking wins. The default"
                + " takes only backends with memory pools, descriptor tables and a directory (not the vendor backends"
                + " rtx and intime, which have none).")
        String backend_target() default CAPABLE_BACKENDS;

        /** Instance name shown to operators. */
        String webconsole_configurationFactory_nameHint() default "INtime process";
    }

    private final IntimePersonality personality;
    private final String keptState;
    private final BooleanSupplier bundleStopping;
    private final BooleanSupplier frameworkStopping;
    private final AtomicBoolean resumed = new AtomicBoolean();

    /**
     * Starts one INtime process; calls fail until a backend is bound. When an earlier revision of this instance left
     * its process in the store ({@link #deactivate(int)}), the first backend bound of that store brings it back.
     *
     * @throws IllegalArgumentException for a setting INtime would refuse
     */
    @Activate
    public IntimePersonalityComponent(Config config, BundleContext context, Map<String, Object> properties) {
        this(config, KeptState.name("intime", KeptState.instanceKey(properties)),
                () -> context.getBundle().getState() == Bundle.STOPPING,
                () -> context.getBundle(0).getState() == Bundle.STOPPING);
    }

    /** The component outside SCR: {@code keptState} names its state in the store across revisions. */
    IntimePersonalityComponent(Config config, String keptState, BooleanSupplier bundleStopping,
                          BooleanSupplier frameworkStopping) {
        personality = new IntimePersonality(new IntimeSettings(config.intime_gdtSlots(),
                config.intime_objectLimit(), config.intime_vsegSize(), config.intime_poolMax(),
                config.intime_iwin32SegSize(), config.intime_iwin32Handles()));
        this.keptState = keptState;
        this.bundleStopping = bundleStopping;
        this.frameworkStopping = frameworkStopping;
    }

    /** A backend was bound: the first one, or a better one (of the same store the process moves to it). */
    @Reference(name = "backend", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindBackend")
    void bindBackend(ShmBackend backend, Map<String, Object> properties) {
        Object namespace = properties.get(ShmBackend.NAMESPACE_PROPERTY);
        personality.useBackend(backend, namespace == null ? null : namespace.toString());
        if (resumed.compareAndSet(false, true)) {
            personality.resume(keptState);
        }
    }

    /** A backend went away: the process parks its holds and waits for the next backend of its store. */
    void unbindBackend(ShmBackend backend) {
        personality.backendGone(backend);
    }

    /**
     * The bundle is updated, stopped or refreshed, or the configuration changed, while the JVM lives: the process goes
     * on in the next revision (its holds parked, its part of the store left for it). Otherwise (the configuration was
     * deleted, the component disabled, the framework stops) the process ends: its handles, memory and catalog entries
     * are released.
     */
    @Deactivate
    void deactivate(int reason) {
        if (KeptState.processGoesOn(reason, bundleStopping.getAsBoolean(), frameworkStopping.getAsBoolean())) {
            personality.suspend(keptState);
        }
        personality.close();
    }

    /** The INtime process this component runs. */
    public IntimePersonality personality() {
        return personality;
    }

    /** The settings the configuration gave. */
    public IntimeSettings settings() {
        return personality.settings();
    }

    // ------------------------------------------------------------------ what an operator sees

    @Override
    public String personalityName() {
        return "INtime";
    }

    @Override
    public java.util.List<String> tables() {
        return IntimeTablesView.NAMES;
    }

    @Override
    public InspectionTable table(String name) {
        return personality.table(name);
    }

    // ------------------------------------------------------------------ the calls, answered by the personality


    @Override
    public Iwin32Result RtCreateSharedMemory(int flProtect, int maximumSizeHigh, int maximumSizeLow, String lpName) {
        return personality.RtCreateSharedMemory(flProtect, maximumSizeHigh, maximumSizeLow, lpName);
    }

    @Override
    public Iwin32Result RtOpenSharedMemory(int dwDesiredAccess, boolean bInheritHandle, String lpName) {
        return personality.RtOpenSharedMemory(dwDesiredAccess, bInheritHandle, lpName);
    }

    @Override
    public boolean CloseHandle(long hObject) {
        return personality.CloseHandle(hObject);
    }

    @Override
    public boolean RtCloseHandle(long hObject) {
        return personality.RtCloseHandle(hObject);
    }

    @Override
    public boolean RtUnmapSharedMemory(MemorySegment location) {
        return personality.RtUnmapSharedMemory(location);
    }

    @Override
    public int GetLastError() {
        return personality.GetLastError();
    }

    @Override
    public Optional<ShmException> lastFailure() {
        return personality.lastFailure();
    }

    @Override
    public Iwin32Result RtCreateEvent(boolean bManualReset, boolean bInitialState, String lpName) {
        return personality.RtCreateEvent(bManualReset, bInitialState, lpName);
    }

    @Override
    public Iwin32Result RtOpenEvent(int dwDesiredAccess, boolean bInheritHandle, String lpName) {
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
    public Iwin32Result RtCreateMutex(boolean bInitialOwner, String lpName) {
        return personality.RtCreateMutex(bInitialOwner, lpName);
    }

    @Override
    public Iwin32Result RtOpenMutex(int dwDesiredAccess, boolean bInheritHandle, String lpName) {
        return personality.RtOpenMutex(dwDesiredAccess, bInheritHandle, lpName);
    }

    @Override
    public boolean RtReleaseMutex(long hMutex) {
        return personality.RtReleaseMutex(hMutex);
    }

    @Override
    public Iwin32Result RtCreateSemaphore(int lInitialCount, int lMaximumCount, String lpName) {
        return personality.RtCreateSemaphore(lInitialCount, lMaximumCount, lpName);
    }

    @Override
    public Iwin32Result RtOpenSemaphore(int dwDesiredAccess, boolean bInheritHandle, String lpName) {
        return personality.RtOpenSemaphore(dwDesiredAccess, bInheritHandle, lpName);
    }

    @Override
    public long RtReleaseSemaphore(long hSemaphore, int lReleaseCount) {
        return personality.RtReleaseSemaphore(hSemaphore, lReleaseCount);
    }

    @Override
    public int WaitForSingleObject(long hHandle, int dwMilliseconds) {
        return personality.WaitForSingleObject(hHandle, dwMilliseconds);
    }

    @Override
    public int RtWaitForSingleObject(long hHandle, int dwMilliseconds) {
        return personality.RtWaitForSingleObject(hHandle, dwMilliseconds);
    }

    @Override
    public int WaitForMultipleObjects(int nCount, long[] lpHandles, boolean bWaitAll, int dwMilliseconds) {
        return personality.WaitForMultipleObjects(nCount, lpHandles, bWaitAll, dwMilliseconds);
    }

    @Override
    public int RtWaitForMultipleObjects(int nCount, long[] lpHandles, boolean bWaitAll, int dwMilliseconds) {
        return personality.RtWaitForMultipleObjects(nCount, lpHandles, bWaitAll, dwMilliseconds);
    }

    @Override
    public RtMemoryResult AllocateRtMemory(int cbSize) {
        return personality.AllocateRtMemory(cbSize);
    }

    @Override
    public long FreeRtMemory(MemorySegment pAddress) {
        return personality.FreeRtMemory(pAddress);
    }

    @Override
    public RtHandleResult CreateRtMemoryHandle(MemorySegment pOffset, int cbSize) {
        return personality.CreateRtMemoryHandle(pOffset, cbSize);
    }

    @Override
    public boolean DeleteRtMemoryHandle(int hSeg) {
        return personality.DeleteRtMemoryHandle(hSeg);
    }

    @Override
    public RtMemoryResult MapRtSharedMemory(int hSeg) {
        return personality.MapRtSharedMemory(hSeg);
    }

    @Override
    public RtHandleResult GetRtThreadHandles(int bySelection) {
        return personality.GetRtThreadHandles(bySelection);
    }

    @Override
    public boolean CatalogRtHandle(int hProcess, int hObject, String lpszName) {
        return personality.CatalogRtHandle(hProcess, hObject, lpszName);
    }

    @Override
    public RtHandleResult LookupRtHandle(int hProcess, String lpszName, int dwMilliseconds) {
        return personality.LookupRtHandle(hProcess, lpszName, dwMilliseconds);
    }

    @Override
    public boolean UncatalogRtHandle(int hProcess, String lpszName) {
        return personality.UncatalogRtHandle(hProcess, lpszName);
    }

    @Override
    public boolean CatalogRtHandleLong(int hProcess, int hObject, String lpszLongName) {
        return personality.CatalogRtHandleLong(hProcess, hObject, lpszLongName);
    }

    @Override
    public RtHandleResult LookupRtHandleLong(int hProcess, String lpszLongName, int dwMilliseconds) {
        return personality.LookupRtHandleLong(hProcess, lpszLongName, dwMilliseconds);
    }

    @Override
    public boolean UncatalogRtHandleLong(int hProcess, String lpszLongName) {
        return personality.UncatalogRtHandleLong(hProcess, lpszLongName);
    }

    @Override
    public int GetLastRtError() {
        return personality.GetLastRtError();
    }

    @Override
    public void SetLastRtError(int status) {
        personality.SetLastRtError(status);
    }
}
