package shm.personality.intime;

import static shm.api.intime.IntimeConstants.*;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.IntSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

import shm.api.ErrorReason;
import shm.api.ShmException;
import shm.api.intime.IntimeKernelMemory;
import shm.api.intime.IntimeTables;
import shm.api.intime.Iwin32Result;
import shm.api.intime.Iwin32SharedMemory;
import shm.api.intime.Iwin32Sync;
import shm.api.intime.RtHandleResult;
import shm.api.intime.RtMemoryResult;
import shm.api.spi.Descriptor;
import shm.api.spi.ShmBackend;

/**
 * One INtime process over any {@link ShmBackend}: the iwin32 calls (shared memory, events, mutexes, semaphores) and
 * the kernel calls with INtime's argument, name and size rules, its status numbers and its limits. It owns no memory:
 * objects, the system-wide tables (GDT, process table, iwin32 handle table), the object directories and the iwin32
 * pool all live in the backend, which also provides the lifetime rules (the last close anywhere destroys; a dead
 * process's handles, slots and catalog entries go). Calls are serialized per process, except the wait of a lookup and
 * of {@code WaitForSingleObject}. Usable as a plain library:
 * {@code new IntimePersonality(backend, IntimeSettings.defaults())}; {@link #close()} ends the process().
 */
public class IntimePersonality implements Iwin32SharedMemory, Iwin32Sync, IntimeKernelMemory, AutoCloseable {

    private final IntimeSettings settings;
    private final LastError lastError = new LastError();
    /** The backend, the revision and the lock: where the process's parts are found, under the lock. */
    private final ProcessBinding binding;
    /** How each call runs: under the lock, a failure turned into the vendor's status. */
    private final CallFrame calls;

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
    }

    /** The settings of this process(). */
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
        Iwin32Result result = calls.win32Call(lpName,
                () -> CallFrame.opened(process().iwin32.create(maximumSizeHigh, maximumSizeLow, lpName)),
                CallFrame::failedIwin32);
        if (result.succeeded()) {
            lastError.set(result.errorCode()); // like Win32: 0 or ERROR_ALREADY_EXISTS, also on success
        }
        return result;
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
        return calls.syncCall(hEvent, (process, h) -> process.sync.event(h).set());
    }

    @Override
    public boolean RtResetEvent(long hEvent) {
        return calls.syncCall(hEvent, (process, h) -> process.sync.event(h).reset());
    }

    @Override
    public boolean RtPulseEvent(long hEvent) {
        return calls.syncCall(hEvent, (process, h) -> process.sync.event(h).pulse());
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
        return calls.syncCall(hMutex, (process, h) -> process.sync.releaseMutex(h));
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
        return calls.win32Call(null, () -> process().sync.releaseSemaphore(hSemaphore, lReleaseCount), failure -> -1L);
    }

    @Override
    public int WaitForSingleObject(long hHandle, int dwMilliseconds) {
        Iwin32SyncObjects.Waitable target = calls.handleCall(hHandle, (process, h) -> process.sync.waitable(h));
        if (target == null) {
            return WAIT_FAILED;
        }
        return calls.waited(new Pending(target, dwMilliseconds, binding));
    }

    @Override
    public int RtWaitForSingleObject(long hHandle, int dwMilliseconds) {
        return WaitForSingleObject(hHandle, dwMilliseconds);
    }

    @Override
    public int WaitForMultipleObjects(int nCount, long[] lpHandles, boolean bWaitAll, int dwMilliseconds) {
        if (nCount < 1 || nCount > MAXIMUM_WAIT_OBJECTS || lpHandles == null || lpHandles.length < nCount) {
            lastError.fail(IntimeErrors.win32(ErrorReason.INVALID_PARAMETER, null, "nCount must be 1 to "
                    + MAXIMUM_WAIT_OBJECTS + " with as many handles in lpHandles, got " + nCount + " and "
                    + (lpHandles == null ? "NULL" : lpHandles.length + " handles")));
            return WAIT_FAILED;
        }
        PendingAll pending = calls.win32Call(null, () -> {
            List<Iwin32SyncObjects.Waitable> resolved = new ArrayList<>(nCount);
            for (int i = 0; i < nCount; i++) {
                resolved.add(process().sync.waitable(lpHandles[i]));
            }
            return new PendingAll(resolved, process().sync, process().iwin32Handles);
        }, failure -> null);
        if (pending == null) {
            return WAIT_FAILED;
        }
        return calls.waited(() -> Iwin32Wait.awaitMultiple(pending.sync().backend(), pending.targets(), bWaitAll,
                dwMilliseconds, slot -> !binding.ended() && pending.handles().stillNamed(slot)));
    }

    @Override
    public int RtWaitForMultipleObjects(int nCount, long[] lpHandles, boolean bWaitAll, int dwMilliseconds) {
        return WaitForMultipleObjects(nCount, lpHandles, bWaitAll, dwMilliseconds);
    }

    // ------------------------------------------------------------------ kernel memory

    @Override
    public RtMemoryResult AllocateRtMemory(int cbSize) {
        return calls.rtCall(null,
                () -> CallFrame.memoryResult(locked(() -> process().memory.allocate(Integer.toUnsignedLong(cbSize)))),
                CallFrame::memoryFailure);
    }

    @Override
    public long FreeRtMemory(MemorySegment pAddress) {
        return calls.rtCall(null, () -> locked(() -> process().memory.free(pAddress)),
                failure -> FREE_RT_MEMORY_FAILED);
    }

    @Override
    public RtHandleResult CreateRtMemoryHandle(MemorySegment pOffset, int cbSize) {
        return calls.rtCall(null, () -> locked(() -> {
            long size = Integer.toUnsignedLong(cbSize);
            KernelMemory.Region region = process().memory.regionOf(pOffset, size);
            return new RtHandleResult(process().handles.create(region.object(), region.offset(), size), E_OK, null);
        }), CallFrame::handleResult);
    }

    @Override
    public boolean DeleteRtMemoryHandle(int hSeg) {
        return calls.rtCall(null, () -> locked(() -> {
            process().handles.delete(memoryHandle(hSeg));
            return true;
        }), failure -> false);
    }

    @Override
    public RtMemoryResult MapRtSharedMemory(int hSeg) {
        return calls.rtCall(null, () -> CallFrame.memoryResult(locked(() -> process().memory.map(memoryHandle(hSeg)))),
                CallFrame::memoryFailure);
    }

    @Override
    public RtHandleResult GetRtThreadHandles(int bySelection) {
        return calls.rtCall(null, () -> locked(() -> switch (bySelection) {
            case THIS_PROCESS -> new RtHandleResult(process().processes.selfHandle(), E_OK, null);
            case ROOT_PROCESS -> new RtHandleResult(IntimeTables.ROOT_PROCESS_HANDLE, E_OK, null);
            default -> throw IntimeErrors.rt(ErrorReason.INVALID_PARAMETER, E_PARAM, null, "bySelection "
                    + bySelection + " is not THIS_PROCESS or ROOT_PROCESS (threads are not objects of this platform)");
        }), CallFrame::handleResult);
    }

    // ------------------------------------------------------------------ object directories

    @Override
    public boolean CatalogRtHandle(int hProcess, int hObject, String lpszName) {
        return catalog(hProcess, hObject, lpszName, false);
    }

    @Override
    public RtHandleResult LookupRtHandle(int hProcess, String lpszName, int dwMilliseconds) {
        return lookup(hProcess, lpszName, dwMilliseconds, false);
    }

    @Override
    public boolean UncatalogRtHandle(int hProcess, String lpszName) {
        return uncatalog(hProcess, lpszName, false);
    }

    @Override
    public boolean CatalogRtHandleLong(int hProcess, int hObject, String lpszLongName) {
        return catalog(hProcess, hObject, lpszLongName, true);
    }

    @Override
    public RtHandleResult LookupRtHandleLong(int hProcess, String lpszLongName, int dwMilliseconds) {
        return lookup(hProcess, lpszLongName, dwMilliseconds, true);
    }

    @Override
    public boolean UncatalogRtHandleLong(int hProcess, String lpszLongName) {
        return uncatalog(hProcess, lpszLongName, true);
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

    // ------------------------------------------------------------------ the call frame

    /**
     * A wait on one object, resolved under the lock, that runs without it ({@link CallFrame#waited}) for at most
     * {@code dwMilliseconds}: it goes on while the process lives and the handle's slot still names the object. One
     * record for both roles, so that a wait allocates no lambda.
     */
    record Pending(Iwin32SyncObjects.Waitable target, int dwMilliseconds, ProcessBinding binding)
            implements IntSupplier, Predicate<Descriptor> {

        /** Waits ({@link Iwin32Wait#await}). */
        @Override
        public int getAsInt() {
            return Iwin32Wait.await(target, dwMilliseconds, this);
        }

        /** Whether the slot still names what it named while the process lives (the wait goes on). */
        @Override
        public boolean test(Descriptor slot) {
            return !binding.ended() && target.handles().stillNamed(slot);
        }
    }

    /** The objects of a wait on several, resolved under the lock, and the process parts the wait runs against. */
    private record PendingAll(List<Iwin32SyncObjects.Waitable> targets, Iwin32SyncObjects sync, Iwin32Handles handles) {
    }

    private boolean catalog(int hProcess, int hObject, String name, boolean longName) {
        return calls.rtCall(name, () -> locked(() -> {
            process().directories.catalog(process().directories.target(hProcess, name, longName), hObject);
            return true;
        }), failure -> false);
    }

    private RtHandleResult lookup(int hProcess, String name, int milliseconds, boolean longName) {
        return calls.rtCall(name, () -> {
            ObjectDirectories directories = locked(() -> process().directories);
            ObjectDirectories.Target target = locked(() -> directories.target(hProcess, name, longName));
            return new RtHandleResult(directories.await(target, milliseconds, binding::ended) & 0xFFFF, E_OK, null);
        }, CallFrame::handleResult);
    }

    private boolean uncatalog(int hProcess, String name, boolean longName) {
        return calls.rtCall(name, () -> locked(() -> {
            process().directories.uncatalog(process().directories.target(hProcess, name, longName));
            return true;
        }), failure -> false);
    }

    /** The slot a memory handle names: E_TYPE for a live handle of another kind, E_EXIST for anything else. */
    private Descriptor memoryHandle(int hSeg) {
        Optional<Descriptor> slot = process().handles.find(hSeg);
        if (slot.isPresent()) {
            return slot.get();
        }
        if (process().processes.exists(hSeg)) {
            throw IntimeErrors.rt(ErrorReason.WRONG_TYPE, E_TYPE, null, "0x" + Integer.toHexString(hSeg)
                    + " is a process handle, not a memory handle");
        }
        throw IntimeErrors.rt(ErrorReason.NOT_FOUND, E_EXIST, null, "0x" + Integer.toHexString(hSeg)
                + " names no RT handle");
    }

    /** Runs {@code call} under this process's lock ({@link ProcessBinding#locked}). */
    private <T> T locked(Supplier<T> call) {
        return binding.locked(call);
    }

    /** The process's parts; only within {@link #locked}. */
    private IntimeProcess process() {
        return binding.process();
    }


}
