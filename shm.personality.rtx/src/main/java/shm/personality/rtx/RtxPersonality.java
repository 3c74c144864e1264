package shm.personality.rtx;

import static shm.api.rtx.RtxConstants.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import shm.api.NamedEvent;
import shm.api.rtx.RtssInstance;
import shm.api.rtx.RtxResult;
import shm.api.rtx.RtxSharedMemory;
import shm.api.rtx.RtxSync;
import shm.api.spi.ShmBackend;

/**
 * One RTX "process" over any {@link ShmBackend}: a facade over its collaborators, the handle table
 * ({@link HandleTable}), the shared-memory rules ({@link SharedMemoryRules}), the events, mutexes and semaphores
 * ({@link SyncObjects}) and the waits on them ({@link SyncWaits}), the Rtk instances ({@link RtkInstances}) and the
 * per-thread last error ({@link LastError}).
 * It owns no memory: every object lives in the backend, which also provides the lifetime rules (the last close
 * anywhere destroys; a dead process's handles are closed). Usable as a plain library:
 * {@code new RtxPersonality(backend, RtxSettings.defaults())}.
 */
public class RtxPersonality implements RtxSharedMemory, RtxSync, AutoCloseable {

    private final RtxSettings settings;
    private final BackendBinding binding = new BackendBinding();
    private final HandleTable handles = new HandleTable();
    private final LastError lastError = new LastError();
    private final RtkInstances rtk;
    private final SharedMemoryRules memory;
    private final SyncObjects sync;
    private final SyncWaits waits;

    /** A personality over {@code backend}. */
    public RtxPersonality(ShmBackend backend, RtxSettings settings) {
        this(settings);
        binding.use(Objects.requireNonNull(backend, "backend"));
    }

    /**
     * A personality waiting for a backend ({@link #useBackend}); until then calls fail with
     * {@code ERROR_GEN_FAILURE}.
     */
    public RtxPersonality(RtxSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        NameRules names = new NameRules(settings.maxNameLength(), binding);
        memory = new SharedMemoryRules(settings, binding, handles, names);
        rtk = new RtkInstances(memory.ntStatus(ApiFamily.RTK));
        sync = new SyncObjects(binding, handles, names, lastError);
        waits = new SyncWaits(handles, lastError);
    }

    /** The handle table of this RTX "process" now: every open handle, what it holds and on which backend. */
    public shm.api.inspect.InspectionTable handleTable() {
        return RtxHandlesTable.of(handles.snapshot());
    }

    /** The settings this RTX "process" runs with. */
    public RtxSettings settings() {
        return settings;
    }

    // ------------------------------------------------------------------ Rt*

    @Override
    public RtxResult RtCreateSharedMemory(int flProtect, int maximumSizeHigh, int maximumSizeLow, String lpName) {
        return remember(memory.create(ApiFamily.RT, flProtect, maximumSizeHigh, maximumSizeLow, lpName));
    }

    @Override
    public RtxResult RtOpenSharedMemory(int dwDesiredAccess, boolean bInheritHandle, String lpName) {
        return remember(memory.open(ApiFamily.RT, dwDesiredAccess, lpName));
    }

    @Override
    public boolean RtCloseHandle(long hObject) {
        HandleTable.OpenHandle handle = handles.take(hObject, ApiFamily.RT);
        if (handle == null) {
            return lastError.fail(ERROR_INVALID_HANDLE);
        }
        handle.close();
        return true;   // a success leaves the last error as it was (R54)
    }

    @Override
    public int RtGetLastError() {
        return lastError.get();
    }

    // ------------------------------------------------------------------ Rtk*

    @Override
    public RtssInstance RtkRtssAttach(int maxWfso) {
        return rtk.attach(maxWfso);
    }

    @Override
    public RtxResult RtkCreateSharedMemory(long rtssInst, int flProtect, int maximumSizeHigh, int maximumSizeLow,
                                           String name) {
        RtxResult badInstance = rtk.check(rtssInst, name);
        return badInstance != null ? badInstance
                : memory.create(ApiFamily.RTK, flProtect, maximumSizeHigh, maximumSizeLow, name);
    }

    @Override
    public RtxResult RtkOpenSharedMemory(long rtssInst, int desiredAccess, boolean inheritHandle, String name) {
        RtxResult badInstance = rtk.check(rtssInst, name);
        return badInstance != null ? badInstance : memory.open(ApiFamily.RTK, desiredAccess, name);
    }

    @Override
    public int RtkCloseHandle(long rtssInst, long handle) {
        RtxResult badInstance = rtk.check(rtssInst, null);
        if (badInstance != null) {
            return badInstance.errorCode();
        }
        HandleTable.OpenHandle open = handles.take(handle, ApiFamily.RTK);
        if (open == null) {
            // RTX64 / wRTOS: "STATUS_UNSUCCESSFUL means the handle was already invalidated".
            return settings.flavour() == Flavour.RTX64 ? STATUS_UNSUCCESSFUL : ERROR_INVALID_HANDLE;
        }
        open.close();
        return ERROR_SUCCESS;
    }

    // ------------------------------------------------------------------ events, mutexes, semaphores

    @Override
    public RtxResult RtCreateEvent(boolean bManualReset, boolean bInitialState, String lpName) {
        return remember(sync.createEvent(bManualReset, bInitialState, lpName));
    }

    @Override
    public RtxResult RtOpenEvent(int dwDesiredAccess, boolean bInheritHandle, String lpName) {
        return remember(sync.openEvent(lpName));
    }

    @Override
    public boolean RtSetEvent(long hEvent) {
        return sync.onEvent(hEvent, NamedEvent::set);
    }

    @Override
    public boolean RtResetEvent(long hEvent) {
        return sync.onEvent(hEvent, NamedEvent::reset);
    }

    @Override
    public boolean RtPulseEvent(long hEvent) {
        return sync.onEvent(hEvent, NamedEvent::pulse);
    }

    @Override
    public RtxResult RtCreateMutex(boolean bInitialOwner, String lpName) {
        return remember(sync.createMutex(bInitialOwner, lpName));
    }

    @Override
    public RtxResult RtOpenMutex(int dwDesiredAccess, boolean bInheritHandle, String lpName) {
        return remember(sync.openMutex(lpName));
    }

    @Override
    public boolean RtReleaseMutex(long hMutex) {
        return sync.releaseMutex(hMutex);
    }

    @Override
    public RtxResult RtCreateSemaphore(int lInitialCount, int lMaximumCount, String lpName) {
        return remember(sync.createSemaphore(lInitialCount, lMaximumCount, lpName));
    }

    @Override
    public RtxResult RtOpenSemaphore(int dwDesiredAccess, boolean bInheritHandle, String lpName) {
        return remember(sync.openSemaphore(lpName));
    }

    @Override
    public long RtReleaseSemaphore(long hSemaphore, int lReleaseCount) {
        return sync.releaseSemaphore(hSemaphore, lReleaseCount);
    }

    @Override
    public int RtWaitForSingleObject(long hHandle, int dwMilliseconds) {
        return waits.waitForSingleObject(hHandle, dwMilliseconds);
    }

    @Override
    public int RtWaitForMultipleObjects(int nCount, long[] lpHandles, boolean bWaitAll, int dwMilliseconds) {
        return waits.waitForMultipleObjects(nCount, lpHandles, bWaitAll, dwMilliseconds);
    }

    // ------------------------------------------------------------------ backend and lifetime

    /** Makes {@code replacement} the backend for calls from now on; handles already open stay where they are. */
    public void useBackend(ShmBackend replacement) {
        useBackend(replacement, (String) null);
    }

    /**
     * Makes {@code replacement} the backend for calls from now on; when it serves the store the open handles live in
     * ({@code namespace}, the backend's {@link ShmBackend#NAMESPACE_PROPERTY}), every handle moves to it with its value
     * (parked ones take their parked holds over). A backend of another store gets new calls only: the handles stay on
     * their store, since a move would fork their objects.
     */
    public void useBackend(ShmBackend replacement, String namespace) {
        useBackend(replacement, namespace, Map.of());
    }

    /**
     * Makes {@code replacement} the backend for calls from now on, as {@link #useBackend(ShmBackend, String)} does with
     * the namespace its service publishes, and consults the capabilities it publishes ({@code properties}, the
     * service properties of {@link shm.api.spi.BackendCapabilities}): a name longer than its
     * {@code shm.backend.maxNameLength} is refused with the RTX error of a name too long.
     */
    public void useBackend(ShmBackend replacement, Map<String, ?> properties) {
        Object namespace = properties.get(ShmBackend.NAMESPACE_PROPERTY);
        useBackend(replacement, namespace == null ? null : namespace.toString(), properties);
    }

    private void useBackend(ShmBackend replacement, String namespace, Map<String, ?> properties) {
        binding.use(replacement, properties);
        String current = storeNamespace;
        if (namespace != null && namespace.equals(current)) {
            int moved = handles.reopenOn(replacement);
            if (moved > 0) {
                LOG.log(System.Logger.Level.INFO, "RTX " + settings + ": backend " + replacement.type() + " bound;"
                        + " handles moved " + moved);
            }
        } else if (current != null && handles.size() > 0) {
            LOG.log(System.Logger.Level.WARNING, "RTX " + settings + ": backend " + replacement.type() + " serves "
                    + namespace + ", not " + current + " where " + handles.size() + " handles live; they stay");
        } else {
            storeNamespace = namespace;
        }
    }

    /**
     * {@code gone} is going away: the handles that came from it park their holds and keep their values until a
     * backend of their store is bound ({@link #useBackend(ShmBackend, String)}); if it was the backend in use, calls
     * fail until another is bound.
     */
    public void backendGone(ShmBackend gone) {
        binding.forget(gone);
        int parked = handles.parkFrom(gone);
        if (parked > 0) {
            LOG.log(System.Logger.Level.INFO, "RTX " + settings + ": backend " + gone.type() + " left; handles parked "
                    + parked);
        }
    }

    /**
     * This "process" goes on in the next revision of its component (its bundle is updated, stopped or refreshed while
     * the JVM lives): every hold is parked in the store and the handle table and Rtk instances are left there under
     * {@code stateName} ({@link shm.util.KeptState}), for {@link #resume}; events, mutexes and semaphores, named or
     * not, keep their state and a mutex its owner. Calls fail from now on. What cannot be kept (no backend bound; a
     * backend that cannot park) is closed and logged in one line. Returns how many handles were kept.
     */
    public int suspend(String stateName) {
        binding.close();
        ShmBackend backend = binding.current();
        List<String> lost = new ArrayList<>();
        List<String> lines = handles.parkAll(lost);
        rtk.all().forEach(instance -> lines.add("rtk " + instance));
        int kept = lines.size() - 1 - rtk.all().size();
        if (kept + lost.size() == 0 && rtk.all().isEmpty()) {
            return 0;
        }
        if (backend == null || !shm.util.KeptState.leave(backend, stateName, lines)) {
            lost.add(kept + " parked handles: " + (backend == null ? "no backend is bound to keep the table in"
                    : "the backend " + backend.type() + " cannot keep the table") + " (their holds expire at the"
                    + " park deadline)");
            kept = 0;
        }
        LOG.log(lost.isEmpty() ? System.Logger.Level.INFO : System.Logger.Level.WARNING, "RTX " + settings
                + ": kept for the next revision " + kept + " handles" + (lost.isEmpty() ? "" : "; lost: "
                + String.join("; ", lost)));
        return kept;
    }

    /**
     * Takes over what an earlier revision of this "process" left under {@code stateName} in the store {@code backend}
     * serves ({@link #suspend}): its handles, under their old values, and its Rtk instances. Call it once, when the
     * first backend is bound ({@link #useBackend(ShmBackend, String)} first). Returns how many handles came back.
     */
    public int resume(ShmBackend backend, String stateName) {
        List<String> lines = shm.util.KeptState.take(backend, stateName).orElse(List.of());
        List<String> table = new ArrayList<>();
        for (String line : lines) {
            if (line.startsWith("rtk ")) {
                rtk.restore(Long.parseLong(line.substring(4)));
            } else {
                table.add(line);
            }
        }
        int restored = handles.restore(table, backend);
        if (!lines.isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "RTX " + settings + ": taken over from the previous revision "
                    + restored + " handles");
        }
        return restored;
    }

    /** How many handles are open (parked ones included). */
    public int openHandles() {
        return handles.size();
    }

    /** How many events, mutexes and semaphores a move replaced are still open in their grace period. */
    int retiredObjects() {
        return handles.retiredObjects();
    }

    /** Closes every handle of this "process", as RTX does when a process ends. Idempotent. */
    @Override
    public void close() {
        binding.close();
        handles.closeAll();
    }

    private static final System.Logger LOG = System.getLogger(RtxPersonality.class.getName());
    /** The store the handles live in; {@code null} until a backend with a namespace was bound. */
    private volatile String storeNamespace;

    private RtxResult remember(RtxResult result) {
        lastError.set(result.errorCode());
        return result;
    }
}
