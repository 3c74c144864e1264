package shm.personality.rtx;

import static shm.api.rtx.RtxConstants.*;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import shm.api.Access;
import shm.api.ErrorReason;
import shm.api.MapOptions;
import shm.api.NamedEvent;
import shm.api.NamedMutex;
import shm.api.NamedSemaphore;
import shm.api.ObjectType;
import shm.api.WaitResult;
import shm.api.ShmException;
import shm.api.rtx.RtssInstance;
import shm.api.rtx.RtxResult;
import shm.api.rtx.RtxSharedMemory;
import shm.api.rtx.RtxSync;
import shm.api.spi.BackendHandle;
import shm.api.spi.ShmBackend;

/**
 * The RTX rules over any {@link ShmBackend}: argument, name and size validation, the vendor's error numbers, and a
 * handle table per instance (one instance is one RTX "process"). It owns no memory: every object lives in the
 * backend, which also provides the lifetime rules (the last close anywhere destroys; a dead process's handles are
 * closed). Usable as a plain library: {@code new RtxPersonality(backend, RtxSettings.defaults())}.
 */
public class RtxPersonality implements RtxSharedMemory, RtxSync, AutoCloseable {

    /** Which API family a call belongs to: Rt* (user mode) or Rtk* (kernel drivers). */
    private enum Family { RT, RTK }

    /**
     * One open handle: the backend's object (a {@link BackendHandle}, {@link NamedEvent}, {@link NamedMutex} or
     * {@link NamedSemaphore}) and, for shared memory, the view the caller was given.
     */
    private record OpenHandle(Object resource, MemorySegment location, Family family, ShmBackend owner) {

        /** Releases the backend's object. */
        void close() {
            switch (resource) {
                case BackendHandle h -> h.close();
                case NamedEvent e -> e.close();
                case NamedMutex m -> m.close();
                case NamedSemaphore s -> s.close();
                default -> throw new IllegalStateException("not an RTX object: " + resource);
            }
        }
    }

    private final RtxSettings settings;
    private final Map<Long, OpenHandle> handles = new ConcurrentHashMap<>();
    private final Set<Long> rtssInstances = ConcurrentHashMap.newKeySet();
    private final AtomicLong nextHandle = new AtomicLong(0x100);
    private final AtomicLong nextInstance = new AtomicLong(0x10);
    private final ThreadLocal<Integer> lastError = ThreadLocal.withInitial(() -> ERROR_SUCCESS);
    private volatile ShmBackend backend;
    private volatile boolean closed;

    /** A personality over {@code backend}. */
    public RtxPersonality(ShmBackend backend, RtxSettings settings) {
        this(settings);
        this.backend = Objects.requireNonNull(backend, "backend");
    }

    /** A personality waiting for a backend ({@link #useBackend}). */
    protected RtxPersonality(RtxSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** The settings of this instance. */
    public RtxSettings settings() {
        return settings;
    }

    // ------------------------------------------------------------------ Rt*

    @Override
    public RtxResult RtCreateSharedMemory(int flProtect, int maximumSizeHigh, int maximumSizeLow, String lpName) {
        return remember(create(Family.RT, flProtect, maximumSizeHigh, maximumSizeLow, lpName));
    }

    @Override
    public RtxResult RtOpenSharedMemory(int dwDesiredAccess, boolean bInheritHandle, String lpName) {
        return remember(open(Family.RT, dwDesiredAccess, lpName));
    }

    @Override
    public boolean RtCloseHandle(long hObject) {
        OpenHandle handle = take(hObject, Family.RT);
        if (handle == null) {
            lastError.set(ERROR_INVALID_HANDLE);
            return false;
        }
        handle.close();
        lastError.set(ERROR_SUCCESS);
        return true;
    }

    @Override
    public int RtGetLastError() {
        return lastError.get();
    }

    // ------------------------------------------------------------------ Rtk*

    @Override
    public RtssInstance RtkRtssAttach(int maxWfso) {
        if (maxWfso < 1) {
            ShmException failure = RtxErrors.failure(ErrorReason.INVALID_PARAMETER, null,
                    "RtkRtssAttach needs MaxWFSO of at least 1, got " + maxWfso, ntStatus(Family.RTK));
            return new RtssInstance(0, (int) failure.vendorError().orElseThrow().value(), failure);
        }
        long instance = nextInstance.getAndIncrement();
        rtssInstances.add(instance);
        return new RtssInstance(instance, ERROR_SUCCESS, null);
    }

    @Override
    public RtxResult RtkCreateSharedMemory(long rtssInst, int flProtect, int maximumSizeHigh, int maximumSizeLow,
                                           String name) {
        RtxResult badInstance = checkInstance(rtssInst, name);
        return badInstance != null ? badInstance
                : create(Family.RTK, flProtect, maximumSizeHigh, maximumSizeLow, name);
    }

    @Override
    public RtxResult RtkOpenSharedMemory(long rtssInst, int desiredAccess, boolean inheritHandle, String name) {
        RtxResult badInstance = checkInstance(rtssInst, name);
        return badInstance != null ? badInstance : open(Family.RTK, desiredAccess, name);
    }

    @Override
    public int RtkCloseHandle(long rtssInst, long handle) {
        RtxResult badInstance = checkInstance(rtssInst, null);
        if (badInstance != null) {
            return badInstance.errorCode();
        }
        OpenHandle open = take(handle, Family.RTK);
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
        return remember(createSync(lpName, backend -> backend.createOrOpenEvent(lpName, bManualReset,
                bInitialState), NamedEvent::alreadyExisted));
    }

    @Override
    public RtxResult RtOpenEvent(int dwDesiredAccess, boolean bInheritHandle, String lpName) {
        return remember(openSync(lpName, backend -> backend.openEvent(lpName)));
    }

    @Override
    public boolean RtSetEvent(long hEvent) {
        return onEvent(hEvent, NamedEvent::set);
    }

    @Override
    public boolean RtResetEvent(long hEvent) {
        return onEvent(hEvent, NamedEvent::reset);
    }

    @Override
    public boolean RtPulseEvent(long hEvent) {
        return onEvent(hEvent, NamedEvent::pulse);
    }

    @Override
    public RtxResult RtCreateMutex(boolean bInitialOwner, String lpName) {
        return remember(createSync(lpName, backend -> backend.createOrOpenMutex(lpName, bInitialOwner),
                NamedMutex::alreadyExisted));
    }

    @Override
    public RtxResult RtOpenMutex(int dwDesiredAccess, boolean bInheritHandle, String lpName) {
        return remember(openSync(lpName, backend -> backend.openMutex(lpName)));
    }

    @Override
    public boolean RtReleaseMutex(long hMutex) {
        if (!(resource(hMutex) instanceof NamedMutex mutex)) {
            return fail(ERROR_INVALID_HANDLE);
        }
        if (!mutex.heldByCurrentThread()) {
            return fail(ERROR_NOT_OWNER);
        }
        mutex.release();
        lastError.set(ERROR_SUCCESS);
        return true;
    }

    @Override
    public RtxResult RtCreateSemaphore(int lInitialCount, int lMaximumCount, String lpName) {
        if (lMaximumCount < 1 || lInitialCount < 0 || lInitialCount > lMaximumCount) {
            return remember(failed(ErrorReason.INVALID_PARAMETER, lpName, "a semaphore needs 0 <= lInitialCount <="
                    + " lMaximumCount and lMaximumCount >= 1, got " + lInitialCount + " and " + lMaximumCount, false));
        }
        return remember(createSync(lpName, backend -> backend.createOrOpenSemaphore(lpName, lInitialCount,
                lMaximumCount), NamedSemaphore::alreadyExisted));
    }

    @Override
    public RtxResult RtOpenSemaphore(int dwDesiredAccess, boolean bInheritHandle, String lpName) {
        return remember(openSync(lpName, backend -> backend.openSemaphore(lpName)));
    }

    @Override
    public long RtReleaseSemaphore(long hSemaphore, int lReleaseCount) {
        if (!(resource(hSemaphore) instanceof NamedSemaphore semaphore)) {
            fail(ERROR_INVALID_HANDLE);
            return -1;
        }
        if (lReleaseCount < 1) {
            fail(ERROR_INVALID_PARAMETER);
            return -1;
        }
        try {
            long previous = semaphore.release(lReleaseCount);
            lastError.set(ERROR_SUCCESS);
            return previous;
        } catch (ShmException e) {
            fail(e.reason() == ErrorReason.INVALID_PARAMETER ? ERROR_TOO_MANY_POSTS
                    : (int) RtxErrors.win32(e.reason()).value());
            return -1;
        }
    }

    @Override
    public int RtWaitForSingleObject(long hHandle, int dwMilliseconds) {
        Object resource = resource(hHandle);
        java.util.function.Function<java.time.Duration, WaitResult> wait = switch (resource) {
            case NamedEvent event -> event::await;
            case NamedMutex mutex -> mutex::acquire;
            case NamedSemaphore semaphore -> semaphore::acquire;
            case null, default -> null;
        };
        if (wait == null) {
            fail(ERROR_INVALID_HANDLE);
            return WAIT_FAILED;
        }
        try {
            WaitResult result;
            if (dwMilliseconds == INFINITE) {
                do {
                    result = wait.apply(java.time.Duration.ofDays(1));
                } while (result == WaitResult.TIMEOUT);
            } else {
                result = wait.apply(java.time.Duration.ofMillis(Integer.toUnsignedLong(dwMilliseconds)));
            }
            lastError.set(ERROR_SUCCESS);
            return switch (result) {
                case SIGNALED -> WAIT_OBJECT_0;
                case ABANDONED -> WAIT_ABANDONED;
                case TIMEOUT -> WAIT_TIMEOUT;
            };
        } catch (ShmException e) {
            fail((int) RtxErrors.win32(e.reason()).value());
            return WAIT_FAILED;
        }
    }

    private <T> RtxResult createSync(String name, java.util.function.Function<ShmBackend, T> create,
                                     java.util.function.Predicate<T> existed) {
        RtxResult badName = checkName(name, false);
        if (badName != null) {
            return badName;
        }
        try {
            ShmBackend current = bound(name);
            T object = create.apply(current);
            boolean found = existed.test(object);
            return register(object, MemorySegment.NULL, Family.RT, current, found,
                    found ? ERROR_ALREADY_EXISTS : ERROR_SUCCESS, name);
        } catch (ShmException e) {
            return failed(RtxErrors.translate(e, name, false));
        }
    }

    private <T> RtxResult openSync(String name, java.util.function.Function<ShmBackend, T> open) {
        if (name == null) {
            return failed(ErrorReason.INVALID_NAME, null, "an open needs a name", false);
        }
        RtxResult badName = checkName(name, false);
        if (badName != null) {
            return badName;
        }
        try {
            ShmBackend current = bound(name);
            return register(open.apply(current), MemorySegment.NULL, Family.RT, current, true, ERROR_SUCCESS, name);
        } catch (ShmException e) {
            return failed(RtxErrors.translate(e, name, false));
        }
    }

    private boolean onEvent(long hEvent, java.util.function.Consumer<NamedEvent> action) {
        if (!(resource(hEvent) instanceof NamedEvent event)) {
            return fail(ERROR_INVALID_HANDLE);
        }
        action.accept(event);
        lastError.set(ERROR_SUCCESS);
        return true;
    }

    private Object resource(long handle) {
        OpenHandle open = handles.get(handle);
        return open == null || open.family() != Family.RT ? null : open.resource();
    }

    private boolean fail(int code) {
        lastError.set(code);
        return false;
    }

    // ------------------------------------------------------------------ backend and lifetime

    /** Makes {@code replacement} the backend for calls from now on; handles already open stay where they are. */
    public void useBackend(ShmBackend replacement) {
        backend = Objects.requireNonNull(replacement, "replacement");
    }

    /**
     * {@code gone} is going away: the handles that came from it are closed (later calls with them fail with an
     * invalid handle), and if it was the backend in use, calls fail until another is bound.
     */
    public void backendGone(ShmBackend gone) {
        if (backend == gone) {
            backend = null;
        }
        for (Map.Entry<Long, OpenHandle> entry : List.copyOf(handles.entrySet())) {
            if (entry.getValue().owner() == gone && handles.remove(entry.getKey(), entry.getValue())) {
                entry.getValue().close();
            }
        }
    }

    /** Closes every handle of this "process", as RTX does when a process ends. Idempotent. */
    @Override
    public void close() {
        closed = true;
        for (Long handle : List.copyOf(handles.keySet())) {
            OpenHandle open = handles.remove(handle);
            if (open != null) {
                open.close();
            }
        }
    }

    // ------------------------------------------------------------------ the rules

    private RtxResult create(Family family, int flProtect, int maximumSizeHigh, int maximumSizeLow, String name) {
        boolean nt = ntStatus(family);
        if (maximumSizeHigh != 0) {
            return failed(ErrorReason.INVALID_PARAMETER, name, "MaximumSizeHigh must be 0 (sizes are 32-bit), got 0x"
                    + Integer.toHexString(maximumSizeHigh), nt);
        }
        long size = Integer.toUnsignedLong(maximumSizeLow);
        if (size == 0) {
            return failed(ErrorReason.INVALID_PARAMETER, name, "MaximumSizeLow must be at least 1 byte", nt);
        }
        RtxResult badName = checkName(name, nt);
        if (badName != null) {
            return badName;
        }
        Access access;
        if (family == Family.RT && settings.callerContext() == CallerContext.WINDOWS_PROCESS) {
            access = protectionOf(flProtect);
            if (access == null) {
                return failed(ErrorReason.INVALID_PARAMETER, name, "flProtect 0x" + Integer.toHexString(flProtect)
                        + " is none of PAGE_READONLY, PAGE_READWRITE, SHM_MAP_READ, SHM_MAP_WRITE, SHM_MAP_ALL_ACCESS",
                        nt);
            }
        } else {
            access = Access.READ_WRITE; // "flProtect (ignored by RTSS)"; Rtk64: "Protect is ignored"
        }
        BackendHandle handle;
        try {
            ShmBackend current = bound(name);
            MapOptions options = MapOptions.DEFAULT.withAccess(access);
            handle = name == null ? current.createUnnamed(ObjectType.SHARED_MEMORY, size, options)
                    : current.createOrOpen(ObjectType.SHARED_MEMORY, name, size, options);
            if (!handle.alreadyExisted()) {
                return opened(handle, handle.segment(), family, current, false, ERROR_SUCCESS);
            }
            return existing(handle, family, size, name, current);
        } catch (ShmException e) {
            return failed(RtxErrors.translate(e, name, nt));
        }
    }

    /** The documented answers to a create that found the object, by family and caller context. */
    private RtxResult existing(BackendHandle handle, Family family, long size, String name, ShmBackend owner) {
        long current = handle.byteSize();
        if (family == Family.RTK) {
            // Seed 000: "the size of the existing memory object is not changed".
            int code = settings.flavour() == Flavour.RTX64 ? STATUS_OBJECT_NAME_EXISTS : ERROR_ALREADY_EXISTS;
            return opened(handle, handle.segment(), family, owner, true, code);
        }
        if (size == current) {
            return opened(handle, handle.segment(), family, owner, true, ERROR_ALREADY_EXISTS);
        }
        if (settings.callerContext() == CallerContext.RTSS_PROCESS && size < current) {
            // Seed 002: "the object's size is decreased to the requested size, and that amount of memory is returned".
            try {
                handle.shrinkLogicalSize(size);
            } catch (ShmException e) {
                handle.close();
                return failed(RtxErrors.translate(e, name, false));
            }
            return opened(handle, handle.segment().asSlice(0, size), family, owner, true, ERROR_ALREADY_EXISTS);
        }
        handle.close();
        String rule = settings.callerContext() == CallerContext.RTSS_PROCESS
                ? "the object exists with " + current + " bytes and does not expand to " + size
                + " from an RTSS process"
                : "the object exists with " + current + " bytes; from a Windows process a create must ask for"
                + " exactly that size, not " + size;
        return failed(ErrorReason.INVALID_PARAMETER, name, rule, false);
    }

    private RtxResult open(Family family, int desiredAccess, String name) {
        boolean nt = ntStatus(family);
        if (name == null) {
            return failed(ErrorReason.INVALID_NAME, null, "an open needs a name", nt);
        }
        RtxResult badName = checkName(name, nt);
        if (badName != null) {
            return badName;
        }
        Access access = Access.READ_WRITE; // "The RTSS environment always grants read and write access"
        if (family == Family.RT && settings.callerContext() == CallerContext.WINDOWS_PROCESS) {
            access = accessOf(desiredAccess);
            if (access == null) {
                return failed(ErrorReason.INVALID_PARAMETER, name, "dwDesiredAccess 0x"
                        + Integer.toHexString(desiredAccess) + " is none of SHM_MAP_READ, SHM_MAP_WRITE,"
                        + " SHM_MAP_ALL_ACCESS", nt);
            }
        }
        try {
            ShmBackend current = bound(name);
            BackendHandle handle = current.open(ObjectType.SHARED_MEMORY, name, MapOptions.DEFAULT.withAccess(access));
            return opened(handle, handle.segment(), family, current, true, ERROR_SUCCESS);
        } catch (ShmException e) {
            return failed(RtxErrors.translate(e, name, nt));
        }
    }

    private RtxResult checkName(String name, boolean nt) {
        if (name == null) {
            return null;
        }
        String rule = null;
        if (name.isEmpty()) {
            rule = "an empty name is not a name; pass NULL for an unnamed object";
        } else if (name.indexOf('\\') >= 0) {
            rule = "a name can contain any character except the backslash path-separator character (\\)";
        } else if (name.indexOf('\0') >= 0) {
            rule = "a name must not contain NUL: the C string would end there";
        } else if (name.length() > settings.maxNameLength()) {
            rule = "a name is limited to " + settings.maxNameLength() + " characters (RTX_MAX_PATH), this one has "
                    + name.length();
        }
        return rule == null ? null : failed(ErrorReason.INVALID_NAME, name, rule, nt);
    }

    /** {@code flProtect} of a Windows process; {@code null} for a value of neither encoding. */
    private static Access protectionOf(int flProtect) {
        return switch (flProtect) {
            case SHM_MAP_READ -> Access.READ_ONLY;
            // 2 is both SHM_MAP_WRITE (wRTOS) and PAGE_READONLY (RTX64 3/4): read/write, as the newest documents say.
            case SHM_MAP_WRITE, SHM_MAP_ALL_ACCESS, PAGE_READWRITE -> Access.READ_WRITE;
            default -> null;
        };
    }

    /** {@code dwDesiredAccess} of a Windows process; {@code PAGE_READWRITE} is accepted as public RTX code passes it. */
    private static Access accessOf(int desiredAccess) {
        return switch (desiredAccess) {
            case SHM_MAP_READ -> Access.READ_ONLY;
            case SHM_MAP_WRITE, SHM_MAP_ALL_ACCESS, PAGE_READWRITE -> Access.READ_WRITE;
            default -> null;
        };
    }

    private RtxResult checkInstance(long rtssInst, String name) {
        if (rtssInstances.contains(rtssInst)) {
            return null;
        }
        return failed(ErrorReason.INVALID_PARAMETER, name, "RtssInst 0x" + Long.toHexString(rtssInst)
                + " was not returned by RtkRtssAttach", ntStatus(Family.RTK));
    }

    private boolean ntStatus(Family family) {
        return family == Family.RTK && settings.flavour() == Flavour.RTX64;
    }

    private ShmBackend bound(String name) {
        ShmBackend current = backend;
        if (closed) {
            throw new ShmException(ErrorReason.CLOSED, name, "the RTX personality is closed");
        }
        if (current == null) {
            throw new ShmException(ErrorReason.INTERNAL, name, "no shared memory backend is bound");
        }
        return current;
    }

    private RtxResult opened(BackendHandle backendHandle, MemorySegment location, Family family, ShmBackend owner,
                             boolean existed, int code) {
        return register(backendHandle, location, family, owner, existed, code, backendHandle.name());
    }

    /** Puts an object into this process's handle table and answers its new handle. */
    private RtxResult register(Object resource, MemorySegment location, Family family, ShmBackend owner,
                               boolean existed, int code, String name) {
        long value = nextHandle.getAndAdd(4);
        handles.put(value, new OpenHandle(resource, location, family, owner));
        if (closed) {
            // Closed while this call ran: hand nothing out, keep nothing open.
            OpenHandle open = handles.remove(value);
            if (open != null) {
                open.close();
            }
            return failed(ErrorReason.CLOSED, name, "the RTX personality is closed", ntStatus(family));
        }
        return new RtxResult(value, location, existed, code, null);
    }

    private OpenHandle take(long handle, Family family) {
        OpenHandle open = handles.get(handle);
        if (open == null || open.family() != family || !handles.remove(handle, open)) {
            return null;
        }
        return open;
    }

    private static RtxResult failed(ErrorReason reason, String name, String rule, boolean nt) {
        return failed(RtxErrors.failure(reason, name, rule, nt));
    }

    private static RtxResult failed(ShmException failure) {
        int code = (int) failure.vendorError().orElseThrow().value();
        return new RtxResult(0, MemorySegment.NULL, false, code, failure);
    }

    private RtxResult remember(RtxResult result) {
        lastError.set(result.errorCode());
        return result;
    }
}
