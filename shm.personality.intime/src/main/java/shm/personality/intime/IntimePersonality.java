package shm.personality.intime;

import static shm.api.intime.IntimeConstants.*;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
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
import shm.util.Failures;

/**
 * One INtime process over any {@link ShmBackend}: the iwin32 calls (shared memory, events, mutexes, semaphores) and
 * the kernel calls with INtime's argument, name and size rules, its status numbers and its limits. It owns no memory:
 * objects, the system-wide tables (GDT, process table, iwin32 handle table), the object directories and the iwin32
 * pool all live in the backend, which also provides the lifetime rules (the last close anywhere destroys; a dead
 * process's handles, slots and catalog entries go). Calls are serialized per process, except the wait of a lookup and
 * of {@code WaitForSingleObject}. Usable as a plain library:
 * {@code new IntimePersonality(backend, IntimeSettings.defaults())}; {@link #close()} ends the process.
 */
public class IntimePersonality implements Iwin32SharedMemory, Iwin32Sync, IntimeKernelMemory, AutoCloseable {

    private final IntimeSettings settings;
    private final ReentrantLock lock = new ReentrantLock();
    private final LastError lastError = new LastError();
    private final KernelMemory memory;
    private final MemoryHandles handles;
    private final ProcessHandles processes;
    private final ObjectDirectories directories;
    private final Iwin32Handles iwin32Handles;
    private final Iwin32Objects iwin32;
    private final Iwin32SyncObjects sync;
    private volatile boolean ended;
    private final ShmBackend backend;

    /**
     * Starts an INtime process over {@code backend}: opens the system-wide tables (the first process of the backend
     * fixes their sizes) and sets the iwin32 pool's limit to {@code SegSize} (the last process to start sets it).
     *
     * @throws ShmException when the backend cannot hold the tables or the pool
     */
    public IntimePersonality(ShmBackend backend, IntimeSettings settings) {
        this.backend = Objects.requireNonNull(backend, "backend");
        this.settings = Objects.requireNonNull(settings, "settings");
        backend.setPoolLimit(IntimeTables.IWIN32_POOL, settings.iwin32SegSize());
        memory = new KernelMemory(backend, settings.vsegSize(), settings.poolMax());
        handles = new MemoryHandles(backend.descriptors(IntimeTables.GDT_TABLE, settings.gdtSlots(),
                settings.gdtSlots()), settings.objectLimit());
        processes = new ProcessHandles(backend, backend.descriptors(IntimeTables.PROCESS_TABLE,
                IntimeTables.PROCESS_SLOTS, IntimeTables.PROCESS_SLOTS));
        directories = new ObjectDirectories(backend.directory(), processes, handles);
        iwin32Handles = new Iwin32Handles(backend.descriptors(IntimeTables.IWIN32_TABLE, settings.iwin32Handles(),
                settings.iwin32Handles()));
        iwin32 = new Iwin32Objects(backend, iwin32Handles);
        sync = new Iwin32SyncObjects(backend, iwin32Handles, processes);
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
        lock.lock();
        try {
            return new IntimeTablesView(backend, settings, memory, handles, directories, iwin32Handles).table(name);
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ iwin32

    @Override
    public Iwin32Result RtCreateSharedMemory(int flProtect, int maximumSizeHigh, int maximumSizeLow, String lpName) {
        // flProtect: "Ignored." (the iwin32 and iwin32x pages).
        Iwin32Result result = win32Call(lpName, () -> opened(iwin32.create(maximumSizeHigh, maximumSizeLow, lpName)),
                this::failedIwin32);
        if (result.succeeded()) {
            lastError.set(result.errorCode()); // like Win32: 0 or ERROR_ALREADY_EXISTS, also on success
        }
        return result;
    }

    @Override
    public Iwin32Result RtOpenSharedMemory(int dwDesiredAccess, boolean bInheritHandle, String lpName) {
        return win32Call(lpName, () -> {
            Iwin32Objects.Opened opened = iwin32.open(lpName);
            return new Iwin32Result(opened.handle(), opened.location(), true, ERROR_SUCCESS, null);
        }, this::failedIwin32);
    }

    @Override
    public boolean CloseHandle(long hObject) {
        return win32Call(null, () -> {
            iwin32Handles.close(hObject);
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
        return created(lpName, () -> sync.createEvent(bManualReset, bInitialState, lpName));
    }

    @Override
    public Iwin32Result RtOpenEvent(int dwDesiredAccess, boolean bInheritHandle, String lpName) {
        // dwDesiredAccess, bInheritHandle: "Ignored." (the iwin32x page).
        return win32Call(lpName, () -> opened(sync.openEvent(lpName)), this::failedIwin32);
    }

    @Override
    public boolean RtSetEvent(long hEvent) {
        return syncCall(() -> sync.event(hEvent).set());
    }

    @Override
    public boolean RtResetEvent(long hEvent) {
        return syncCall(() -> sync.event(hEvent).reset());
    }

    @Override
    public boolean RtPulseEvent(long hEvent) {
        return syncCall(() -> sync.event(hEvent).pulse());
    }

    @Override
    public Iwin32Result RtCreateMutex(boolean bInitialOwner, String lpName) {
        return created(lpName, () -> sync.createMutex(bInitialOwner, lpName));
    }

    @Override
    public Iwin32Result RtOpenMutex(int dwDesiredAccess, boolean bInheritHandle, String lpName) {
        return win32Call(lpName, () -> opened(sync.openMutex(lpName)), this::failedIwin32);
    }

    @Override
    public boolean RtReleaseMutex(long hMutex) {
        return syncCall(() -> sync.releaseMutex(hMutex));
    }

    @Override
    public Iwin32Result RtCreateSemaphore(int lInitialCount, int lMaximumCount, String lpName) {
        return created(lpName, () -> sync.createSemaphore(lInitialCount, lMaximumCount, lpName));
    }

    @Override
    public Iwin32Result RtOpenSemaphore(int dwDesiredAccess, boolean bInheritHandle, String lpName) {
        return win32Call(lpName, () -> opened(sync.openSemaphore(lpName)), this::failedIwin32);
    }

    @Override
    public long RtReleaseSemaphore(long hSemaphore, int lReleaseCount) {
        return win32Call(null, () -> sync.releaseSemaphore(hSemaphore, lReleaseCount), failure -> -1L);
    }

    @Override
    public int WaitForSingleObject(long hHandle, int dwMilliseconds) {
        Iwin32SyncObjects.Waitable target = win32Call(null, () -> sync.waitable(hHandle), failure -> null);
        if (target == null) {
            return WAIT_FAILED;
        }
        try {
            int result = Iwin32Wait.await(target, dwMilliseconds, slot -> !ended && iwin32Handles.stillNamed(slot));
            if (result == WAIT_FAILED) {
                lastError.set(ERROR_OPERATION_ABORTED);
            }
            return result;
        } catch (ShmException e) {
            lastError.fail(IntimeErrors.win32(e, null));
            return WAIT_FAILED;
        }
    }

    @Override
    public int RtWaitForSingleObject(long hHandle, int dwMilliseconds) {
        return WaitForSingleObject(hHandle, dwMilliseconds);
    }

    // ------------------------------------------------------------------ kernel memory

    @Override
    public RtMemoryResult AllocateRtMemory(int cbSize) {
        return rtCall(null, () -> memoryResult(locked(() -> memory.allocate(Integer.toUnsignedLong(cbSize)))),
                this::memoryFailure);
    }

    @Override
    public long FreeRtMemory(MemorySegment pAddress) {
        return rtCall(null, () -> locked(() -> memory.free(pAddress)), failure -> FREE_RT_MEMORY_FAILED);
    }

    @Override
    public RtHandleResult CreateRtMemoryHandle(MemorySegment pOffset, int cbSize) {
        return rtCall(null, () -> locked(() -> {
            long size = Integer.toUnsignedLong(cbSize);
            KernelMemory.Region region = memory.regionOf(pOffset, size);
            return new RtHandleResult(handles.create(region.object(), region.offset(), size), E_OK, null);
        }), this::handleResult);
    }

    @Override
    public boolean DeleteRtMemoryHandle(int hSeg) {
        return rtCall(null, () -> locked(() -> {
            handles.delete(memoryHandle(hSeg));
            return true;
        }), failure -> false);
    }

    @Override
    public RtMemoryResult MapRtSharedMemory(int hSeg) {
        return rtCall(null, () -> memoryResult(locked(() -> memory.map(memoryHandle(hSeg)))), this::memoryFailure);
    }

    @Override
    public RtHandleResult GetRtThreadHandles(int bySelection) {
        return rtCall(null, () -> locked(() -> switch (bySelection) {
            case THIS_PROCESS -> new RtHandleResult(processes.selfHandle(), E_OK, null);
            case ROOT_PROCESS -> new RtHandleResult(IntimeTables.ROOT_PROCESS_HANDLE, E_OK, null);
            default -> throw IntimeErrors.rt(ErrorReason.INVALID_PARAMETER, E_PARAM, null, "bySelection "
                    + bySelection + " is not THIS_PROCESS or ROOT_PROCESS (threads are not objects of this platform)");
        }), this::handleResult);
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
        lock.lock();
        try {
            if (ended) {
                return;
            }
            ended = true;
            // Every step runs (a backend that closed first fails them all); the first failure is reported.
            Failures.runAll(ShmException.class, List.<Runnable>of(iwin32Handles::closeAll, directories::removeMine,
                    handles::deleteAll, memory::freeAll, processes::close));
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ the call frame

    private boolean catalog(int hProcess, int hObject, String name, boolean longName) {
        return rtCall(name, () -> locked(() -> {
            directories.catalog(directories.target(hProcess, name, longName), hObject);
            return true;
        }), failure -> false);
    }

    private RtHandleResult lookup(int hProcess, String name, int milliseconds, boolean longName) {
        return rtCall(name, () -> {
            ObjectDirectories.Target target = locked(() -> directories.target(hProcess, name, longName));
            return new RtHandleResult(directories.await(target, milliseconds, () -> ended) & 0xFFFF, E_OK, null);
        }, this::handleResult);
    }

    private boolean uncatalog(int hProcess, String name, boolean longName) {
        return rtCall(name, () -> locked(() -> {
            directories.uncatalog(directories.target(hProcess, name, longName));
            return true;
        }), failure -> false);
    }

    /** The slot a memory handle names: E_TYPE for a live handle of another kind, E_EXIST for anything else. */
    private Descriptor memoryHandle(int hSeg) {
        Optional<Descriptor> slot = handles.find(hSeg);
        if (slot.isPresent()) {
            return slot.get();
        }
        if (processes.exists(hSeg)) {
            throw IntimeErrors.rt(ErrorReason.WRONG_TYPE, E_TYPE, null, "0x" + Integer.toHexString(hSeg)
                    + " is a process handle, not a memory handle");
        }
        throw IntimeErrors.rt(ErrorReason.NOT_FOUND, E_EXIST, null, "0x" + Integer.toHexString(hSeg)
                + " names no RT handle");
    }

    /** Runs {@code call} under this process's lock; fails with E_EXIST once the process has ended. */
    private <T> T locked(Supplier<T> call) {
        lock.lock();
        try {
            if (ended) {
                throw IntimeErrors.rt(ErrorReason.CLOSED, E_EXIST, null, "this INtime process has ended");
            }
            return call.get();
        } finally {
            lock.unlock();
        }
    }

    /** A kernel call: a failure becomes its INtime status, stored for {@code GetLastRtError}. */
    private <T> T rtCall(String name, Supplier<T> call, Function<ShmException, T> failed) {
        try {
            return call.get();
        } catch (ShmException e) {
            ShmException failure = IntimeErrors.rt(e, name);
            lastError.fail(failure);
            return failed.apply(failure);
        }
    }

    /** An iwin32 call: handles other processes closed are released first; a failure becomes its Win32 code. */
    private <T> T win32Call(String name, Supplier<T> call, Function<ShmException, T> failed) {
        try {
            return locked(() -> {
                iwin32Handles.reconcile();
                return call.get();
            });
        } catch (ShmException e) {
            ShmException failure = IntimeErrors.win32(e, name);
            lastError.fail(failure);
            return failed.apply(failure);
        }
    }

    /** A create of an event, mutex or semaphore: like Win32, it sets 0 or ERROR_ALREADY_EXISTS also on success. */
    private Iwin32Result created(String name, Supplier<Iwin32Objects.Opened> create) {
        Iwin32Result result = win32Call(name, () -> opened(create.get()), this::failedIwin32);
        if (result.succeeded()) {
            lastError.set(result.errorCode());
        }
        return result;
    }

    /** A BOOLEAN event, mutex or semaphore call: TRUE, or FALSE with the failure stored for GetLastError. */
    private boolean syncCall(Runnable call) {
        return win32Call(null, () -> {
            call.run();
            return true;
        }, failure -> false);
    }

    private Iwin32Result opened(Iwin32Objects.Opened opened) {
        return new Iwin32Result(opened.handle(), opened.location(), opened.alreadyExisted(),
                opened.alreadyExisted() ? ERROR_ALREADY_EXISTS : ERROR_SUCCESS, null);
    }

    private Iwin32Result failedIwin32(ShmException failure) {
        return new Iwin32Result(0, MemorySegment.NULL, false, IntimeErrors.code(failure), failure);
    }

    private RtMemoryResult memoryResult(MemorySegment segment) {
        return new RtMemoryResult(segment, E_OK, null);
    }

    private RtMemoryResult memoryFailure(ShmException failure) {
        return new RtMemoryResult(MemorySegment.NULL, IntimeErrors.code(failure), failure);
    }

    private RtHandleResult handleResult(ShmException failure) {
        return new RtHandleResult(BAD_RTHANDLE, IntimeErrors.code(failure), failure);
    }
}
