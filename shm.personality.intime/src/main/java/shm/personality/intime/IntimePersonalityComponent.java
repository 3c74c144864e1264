package shm.personality.intime;

import java.lang.foreign.MemorySegment;
import java.util.Optional;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import shm.api.ShmException;
import shm.api.intime.IntimeConstants;
import shm.api.intime.IntimeKernelMemory;
import shm.api.intime.Iwin32Result;
import shm.api.intime.Iwin32SharedMemory;
import shm.api.intime.Iwin32Sync;
import shm.api.intime.RtHandleResult;
import shm.api.intime.RtMemoryResult;
import shm.api.spi.ShmBackend;

/**
 * The INtime personality as a DS component: one INtime process per factory configuration of PID {@value #FACTORY_PID},
 * registered as {@link Iwin32SharedMemory}, {@link Iwin32Sync} and {@link IntimeKernelMemory} (the three share the
 * process's handle table and status storage, as in INtime). Without any configuration, one process runs with
 * {@link IntimeSettings#defaults()}. The component composes an {@link IntimePersonality} and answers every call
 * through it.
 *
 * <p>Only a backend with the capabilities an INtime process needs is bound ({@link #CAPABLE_BACKENDS}, the default
 * target). The backend is bound statically and greedily: RTHANDLEs and iwin32 handles are slot numbers of one backend's
 * tables and cannot move, so a better backend (or the loss of this one) ends the process (its handles are released)
 * and starts a new one on the backend now in use. A configuration INtime would refuse (an iwin32 pool that is not a
 * multiple of 4 MiB, for example) fails the activation with a message naming the setting.
 */
@Component(service = {Iwin32SharedMemory.class, Iwin32Sync.class, IntimeKernelMemory.class},
        configurationPid = IntimePersonalityComponent.FACTORY_PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = IntimePersonalityComponent.Config.class, factory = true)
public final class IntimePersonalityComponent implements Iwin32SharedMemory, Iwin32Sync, IntimeKernelMemory {

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

    /**
     * Starts one INtime process over the bound backend.
     *
     * @throws IllegalArgumentException for a setting INtime would refuse
     */
    @Activate
    public IntimePersonalityComponent(Config config,
                                      @Reference(name = "backend", policyOption = ReferencePolicyOption.GREEDY)
                                      ShmBackend backend) {
        personality = new IntimePersonality(backend, new IntimeSettings(config.intime_gdtSlots(),
                config.intime_objectLimit(), config.intime_vsegSize(), config.intime_poolMax(),
                config.intime_iwin32SegSize(), config.intime_iwin32Handles()));
    }

    /** The process ends: its handles, memory and catalog entries are released. */
    @Deactivate
    void deactivate() {
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
