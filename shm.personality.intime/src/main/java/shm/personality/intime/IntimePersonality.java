package shm.personality.intime;

import static shm.api.intime.IntimeConstants.*;

import java.lang.foreign.MemorySegment;
import java.util.Objects;
import java.util.Optional;

import shm.api.ShmException;
import shm.api.intime.IntimeKernelMemory;
import shm.api.intime.Iwin32Result;
import shm.api.intime.Iwin32SharedMemory;
import shm.api.intime.Iwin32Sync;
import shm.api.intime.RtHandleResult;
import shm.api.intime.RtMemoryResult;
import shm.api.spi.ShmBackend;

/**
 * One INtime process over any {@link ShmBackend}: the iwin32 calls (shared memory, events, mutexes, semaphores) and
 * the kernel calls with INtime's argument, name and size rules, its status numbers and its limits. It owns no memory:
 * objects, the system-wide tables (GDT, process table, iwin32 handle table), the object directories and the iwin32
 * pool all live in the backend, which also provides the lifetime rules (the last close anywhere destroys; a dead
 * process's handles, slots and catalog entries go). Calls are serialized per process, except the wait of a lookup and
 * of {@code WaitForSingleObject}, and the signalling calls on a handle of the process's own while nothing changed in
 * the store since its handles were last checked ({@code RtSetEvent}, {@code RtResetEvent}, {@code RtPulseEvent},
 * {@code RtReleaseMutex}, {@code RtReleaseSemaphore}, the handle lookup of {@code WaitForSingleObject}), which take no
 * lock. Usable as a plain library:
 * {@code new IntimePersonality(backend, IntimeSettings.defaults())}; {@link #close()} ends the process.
 */
public class IntimePersonality implements Iwin32SharedMemory, Iwin32Sync, IntimeKernelMemory, AutoCloseable {

    private final IntimeSettings settings;
    private final LastError lastError = new LastError();
    /** The backend, the revision and the lock: where the process's parts are found, under the lock. */
    private final ProcessBinding binding;
    /** How each call runs: under the lock, a failure turned into the vendor's status. */
    private final CallFrame calls;
    /** RtSetEvent, RtResetEvent, RtPulseEvent, RtReleaseMutex, RtReleaseSemaphore: without the lock when they can. */
    private final Iwin32SignalCalls signals;
    /** WaitForSingleObject and WaitForMultipleObjects: resolved (under the lock when needed), waited without it. */
    private final Iwin32WaitCalls waits;
    /** The kernel memory and memory-handle calls. */
    private final KernelMemoryCalls memoryCalls;
    /** GetRtThreadHandles and the catalog calls. */
    private final ObjectDirectoryCalls directoryCalls;

    /**
     * Starts an INtime process over {@code backend}: opens the system-wide tables (the first process of the backend
     * fixes their sizes) and sets the iwin32 pool's limit to {@code SegSize} (the last process to start sets it).
     *
     * @throws ShmException when the backend cannot hold the tables or the pool
     */
    public IntimePersonality(ShmBackend backend, IntimeSettings settings) {
        this(settings);
        binding.start(backend);
    }

    /**
     * An INtime process waiting for a backend ({@link #useBackend(ShmBackend, String)}); until then calls fail with
     * E_NOT_CONFIGURED (kernel calls) or ERROR_GEN_FAILURE (iwin32 calls).
     */
    public IntimePersonality(IntimeSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.binding = new ProcessBinding(settings);
        this.calls = new CallFrame(binding, lastError);
        this.signals = new Iwin32SignalCalls(calls);
        this.waits = new Iwin32WaitCalls(binding, calls, lastError);
        this.memoryCalls = new KernelMemoryCalls(binding, calls);
        this.directoryCalls = new ObjectDirectoryCalls(binding, calls);
    }

    /** The settings of this process. */
    public IntimeSettings settings() {
        return settings;
    }

    /**
     * One of the operator's tables of this process ({@link IntimeTablesView#NAMES}): its iwin32 handles, the GDT
     * slots, the names it catalogued, the pools. Taken under the personality's lock; changes nothing.
     */
    public shm.api.inspect.InspectionTable table(String name) {
        return binding.table(name);
    }

    // ------------------------------------------------------------------ iwin32

    @Override
    public Iwin32Result RtCreateSharedMemory(int flProtect, int maximumSizeHigh, int maximumSizeLow, String lpName) {
        // flProtect: "Ignored." (the iwin32 and iwin32x pages).
        return calls.created(lpName, () -> process().iwin32.create(maximumSizeHigh, maximumSizeLow, lpName));
    }

    @Override
    public Iwin32Result RtOpenSharedMemory(int dwDesiredAccess, boolean bInheritHandle, String lpName) {
        return calls.win32Call(lpName, () -> {
            Iwin32Objects.Opened opened = process().iwin32.open(lpName);
            return new Iwin32Result(opened.handle(), opened.location(), true, ERROR_SUCCESS, null);
        }, CallFrame::failedIwin32);
    }

    @Override
    public boolean CloseHandle(long hObject) {
        return calls.win32Call(null, () -> {
            process().iwin32Handles.close(hObject);
            return true;
        }, failure -> false);
    }

    @Override
    public boolean RtCloseHandle(long hObject) {
        return CloseHandle(hObject);
    }

    @Override
    public boolean RtUnmapSharedMemory(MemorySegment location) {
        return true; // "takes no action and always returns TRUE"
    }

    @Override
    public int GetLastError() {
        return lastError.win32();
    }

    @Override
    public Optional<ShmException> lastFailure() {
        return lastError.failure();
    }

    // ------------------------------------------------------------------ iwin32 events, mutexes, semaphores

    @Override
    public Iwin32Result RtCreateEvent(boolean bManualReset, boolean bInitialState, String lpName) {
        return calls.created(lpName, () -> process().sync.createEvent(bManualReset, bInitialState, lpName));
    }

    @Override
    public Iwin32Result RtOpenEvent(int dwDesiredAccess, boolean bInheritHandle, String lpName) {
        // dwDesiredAccess, bInheritHandle: "Ignored." (the iwin32x page).
        return calls.win32Call(lpName, () -> CallFrame.opened(process().sync.openEvent(lpName)),
                CallFrame::failedIwin32);
    }

    @Override
    public boolean RtSetEvent(long hEvent) {
        return signals.setEvent(hEvent);
    }

    @Override
    public boolean RtResetEvent(long hEvent) {
        return signals.resetEvent(hEvent);
    }

    @Override
    public boolean RtPulseEvent(long hEvent) {
        return signals.pulseEvent(hEvent);
    }

    @Override
    public Iwin32Result RtCreateMutex(boolean bInitialOwner, String lpName) {
        return calls.created(lpName, () -> process().sync.createMutex(bInitialOwner, lpName));
    }

    @Override
    public Iwin32Result RtOpenMutex(int dwDesiredAccess, boolean bInheritHandle, String lpName) {
        return calls.win32Call(lpName, () -> CallFrame.opened(process().sync.openMutex(lpName)),
                CallFrame::failedIwin32);
    }

    @Override
    public boolean RtReleaseMutex(long hMutex) {
        return signals.releaseMutex(hMutex);
    }

    @Override
    public Iwin32Result RtCreateSemaphore(int lInitialCount, int lMaximumCount, String lpName) {
        return calls.created(lpName, () -> process().sync.createSemaphore(lInitialCount, lMaximumCount, lpName));
    }

    @Override
    public Iwin32Result RtOpenSemaphore(int dwDesiredAccess, boolean bInheritHandle, String lpName) {
        return calls.win32Call(lpName, () -> CallFrame.opened(process().sync.openSemaphore(lpName)),
                CallFrame::failedIwin32);
    }

    @Override
    public long RtReleaseSemaphore(long hSemaphore, int lReleaseCount) {
        return signals.releaseSemaphore(hSemaphore, lReleaseCount);
    }

    @Override
    public int WaitForSingleObject(long hHandle, int dwMilliseconds) {
        return waits.waitForSingleObject(hHandle, dwMilliseconds);
    }

    @Override
    public int RtWaitForSingleObject(long hHandle, int dwMilliseconds) {
        return WaitForSingleObject(hHandle, dwMilliseconds);
    }

    @Override
    public int WaitForMultipleObjects(int nCount, long[] lpHandles, boolean bWaitAll, int dwMilliseconds) {
        return waits.waitForMultipleObjects(nCount, lpHandles, bWaitAll, dwMilliseconds);
    }

    @Override
    public int RtWaitForMultipleObjects(int nCount, long[] lpHandles, boolean bWaitAll, int dwMilliseconds) {
        return WaitForMultipleObjects(nCount, lpHandles, bWaitAll, dwMilliseconds);
    }

    // ------------------------------------------------------------------ kernel memory

    @Override
    public RtMemoryResult AllocateRtMemory(int cbSize) {
        return memoryCalls.allocateRtMemory(cbSize);
    }

    @Override
    public long FreeRtMemory(MemorySegment pAddress) {
        return memoryCalls.freeRtMemory(pAddress);
    }

    @Override
    public RtHandleResult CreateRtMemoryHandle(MemorySegment pOffset, int cbSize) {
        return memoryCalls.createRtMemoryHandle(pOffset, cbSize);
    }

    @Override
    public boolean DeleteRtMemoryHandle(int hSeg) {
        return memoryCalls.deleteRtMemoryHandle(hSeg);
    }

    @Override
    public RtMemoryResult MapRtSharedMemory(int hSeg) {
        return memoryCalls.mapRtSharedMemory(hSeg);
    }

    // ------------------------------------------------------------------ object directories

    @Override
    public RtHandleResult GetRtThreadHandles(int bySelection) {
        return directoryCalls.getRtThreadHandles(bySelection);
    }

    @Override
    public boolean CatalogRtHandle(int hProcess, int hObject, String lpszName) {
        return directoryCalls.catalog(hProcess, hObject, lpszName, false);
    }

    @Override
    public RtHandleResult LookupRtHandle(int hProcess, String lpszName, int dwMilliseconds) {
        return directoryCalls.lookup(hProcess, lpszName, dwMilliseconds, false);
    }

    @Override
    public boolean UncatalogRtHandle(int hProcess, String lpszName) {
        return directoryCalls.uncatalog(hProcess, lpszName, false);
    }

    @Override
    public boolean CatalogRtHandleLong(int hProcess, int hObject, String lpszLongName) {
        return directoryCalls.catalog(hProcess, hObject, lpszLongName, true);
    }

    @Override
    public RtHandleResult LookupRtHandleLong(int hProcess, String lpszLongName, int dwMilliseconds) {
        return directoryCalls.lookup(hProcess, lpszLongName, dwMilliseconds, true);
    }

    @Override
    public boolean UncatalogRtHandleLong(int hProcess, String lpszLongName) {
        return directoryCalls.uncatalog(hProcess, lpszLongName, true);
    }

    @Override
    public int GetLastRtError() {
        return lastError.rt();
    }

    @Override
    public void SetLastRtError(int status) {
        lastError.set(status & 0xFFFF);
    }

    // ------------------------------------------------------------------ lifetime

    /**
     * Ends this INtime process: its iwin32 handles are closed, its catalog entries removed, its memory handles and its
     * process handle deleted, its allocations freed and its mappings removed. Mappings other processes made of its
     * memory stay readable (they hold the memory) but its handles no longer name it. Idempotent.
     *
     * @throws ShmException the first failure of the backend while releasing (every step is still tried), for example
     *                      CLOSED when the backend was closed first (its handles are then released already)
     */
    @Override
    public void close() {
        binding.close();
    }

    // ------------------------------------------------------------------ backends and revisions

    /** Makes {@code replacement} the backend; see {@link #useBackend(ShmBackend, String)}. */
    public void useBackend(ShmBackend replacement) {
        useBackend(replacement, null);
    }

    /**
     * Binds {@code replacement} ({@code namespace}: its {@link ShmBackend#NAMESPACE_PROPERTY}). When it serves the
     * store this process lives in (the same namespace, or the same instance coming back), the process moves to it or
     * takes back what it parked when its backend left: its GDT slots, process handle, catalog entries, allocations,
     * mappings and iwin32 handles, under the same values (pointers given out before fail cleanly; an old pointer is
     * still accepted by {@code FreeRtMemory} and {@code CreateRtMemoryHandle}). A backend of another store does not
     * take a process that lives on (its objects would fork): a bound process stays where it is; a parked one starts
     * afresh there, and what it parked is released at the store's park deadline (logged).
     *
     * @throws ShmException when the backend cannot hold the INtime tables or the pool (the process then waits for
     *                      another backend)
     */
    public void useBackend(ShmBackend replacement, String namespace) {
        binding.useBackend(replacement, namespace);
    }

    /**
     * {@code gone} is going away while this process lives: every hold parks in the store and the process waits for a
     * backend of its store ({@link #useBackend(ShmBackend, String)}); its slots, catalog entries and allocations
     * stay in the store. Calls fail until then.
     */
    public void backendGone(ShmBackend gone) {
        binding.backendGone(gone);
    }

    /**
     * This process goes on in the next revision of its component (its bundle is updated, stopped or refreshed while
     * the JVM lives): every hold is parked and the process's part of the store is left there under
     * {@code stateName} ({@link shm.util.KeptState}) for {@link #resume}. The process then ends here without deleting
     * anything. Without a bound backend the parked items cannot be left (logged; they are released at the park
     * deadline). Returns how many items were kept.
     */
    public int suspend(String stateName) {
        return binding.suspend(stateName);
    }

    /**
     * Takes over what an earlier revision of this process left under {@code stateName} ({@link #suspend}) in the store
     * of the bound backend. Call it once, after the first {@link #useBackend(ShmBackend, String)}. Returns how many
     * items came back.
     */
    public int resume(String stateName) {
        return binding.resume(stateName);
    }

    /** The process's parts; only within a call of {@link #calls}. */
    private IntimeProcess process() {
        return binding.process();
    }
}
