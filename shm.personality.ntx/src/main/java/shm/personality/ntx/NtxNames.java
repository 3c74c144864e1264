package shm.personality.ntx;

import static shm.api.ntx.NtxConstants.*;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import shm.api.ErrorReason;
import shm.api.ShmException;
import shm.api.intime.IntimeConstants;
import shm.api.spi.Directory;

/**
 * NTX's object-directory calls ({@code ntxCatalogNtxHandle}, {@code ntxLookupNtxHandle},
 * {@code ntxUncatalogNtxHandle}) over the same directories the INtime side uses (layout in
 * {@link shm.api.intime.IntimeTables}): a short name (1 to 12 bytes, no NUL) is its own key, the binding's value is
 * the cataloged RTHANDLE. The entries this Windows process made are removed when it ends. Thread-safe.
 */
final class NtxNames {

    /** An entry this process made, in the directory of the backend it was made in. */
    private record Binding(Directory directory, String scope, String key, long value) {
    }

    private static final long FIRST_PAUSE = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long LONGEST_PAUSE = TimeUnit.MILLISECONDS.toNanos(50);

    private final RtKernelLink link;
    private final Set<Binding> mine = ConcurrentHashMap.newKeySet();

    NtxNames(RtKernelLink link) {
        this.link = link;
    }

    /**
     * {@code ntxCatalogNtxHandle}.
     *
     * @throws ShmException with the NTX status as its vendor error
     */
    void catalog(long hProcess, long hObject, String name) {
        checkName(name);
        RtObjects rt = link.objects(name);
        String scope = scope(rt, hProcess, name);
        if (!isNtxHandle(hObject) || rt.kindOf(exportRtHandle(hObject)) == RtObjects.Kind.NONE) {
            throw NtxErrors.failure(E_EXIST, name, "hObject, " + NtxErrors.describe(hObject) + ", names no object");
        }
        int rtHandle = exportRtHandle(hObject);
        Directory directory = rt.backend().directory();
        try {
            directory.bind(scope, name, rtHandle);
        } catch (ShmException e) {
            throw switch (e.reason()) {
                case WRONG_STATE -> NtxErrors.failure(E_CONTEXT, name, "the directory already holds this name; one"
                        + " name names one object per directory");
                case LIMIT -> NtxErrors.failure(E_LIMIT, name, "the object directory is full");
                default -> NtxErrors.translate(e, name);
            };
        }
        mine.add(new Binding(directory, scope, name, rtHandle));
    }

    /**
     * {@code ntxLookupNtxHandle}: the RTHANDLE cataloged under the name, waiting for it by polling the shared
     * directory with growing pauses (1 to 50 ms).
     *
     * @throws ShmException E_TIME when the name was not cataloged in time or the wait was interrupted (the thread
     *                      keeps its interrupt), E_NTX_INTERNAL_ERROR when this process ended meanwhile
     */
    int lookup(long hProcess, String name, int milliseconds) {
        checkName(name);
        RtObjects rt = link.objects(name);
        String scope = scope(rt, hProcess, name);
        Directory directory = rt.backend().directory();
        boolean forever = milliseconds == WAIT_FOREVER;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Integer.toUnsignedLong(milliseconds));
        long pause = FIRST_PAUSE;
        while (true) {
            OptionalLong value = directory.lookup(scope, name);
            if (value.isPresent()) {
                return (int) value.getAsLong();
            }
            long left = deadline - System.nanoTime();
            if (!forever && left <= 0) {
                throw NtxErrors.failure(E_TIME, name, milliseconds == NO_WAIT
                        ? "the name is not cataloged and the call does not wait"
                        : "the name was not cataloged within " + Integer.toUnsignedLong(milliseconds) + " ms");
            }
            if (Thread.currentThread().isInterrupted()) {
                throw NtxErrors.failure(E_TIME, name, "the wait for the name was interrupted");
            }
            if (link.closed()) {
                throw RtKernelLink.closedFailure(name);
            }
            LockSupport.parkNanos(forever ? pause : Math.min(pause, left));
            pause = Math.min(pause * 2, LONGEST_PAUSE);
        }
    }

    /**
     * {@code ntxUncatalogNtxHandle}: removes the name, whoever cataloged it.
     *
     * @throws ShmException E_CONTEXT when the directory does not hold the name
     */
    void uncatalog(long hProcess, String name) {
        checkName(name);
        RtObjects rt = link.objects(name);
        String scope = scope(rt, hProcess, name);
        Directory directory = rt.backend().directory();
        if (!directory.unbind(scope, name)) {
            throw NtxErrors.failure(E_CONTEXT, name, "the directory does not hold this name");
        }
        mine.removeIf(b -> b.directory() == directory && b.scope().equals(scope) && b.key().equals(name));
    }

    /**
     * Forgets the entries this process made without removing them: the process goes on in the next revision of its
     * component, and they stay until it ends (the backend removes them when the operating-system process dies).
     */
    void keepMine() {
        mine.clear();
    }

    /** Removes the entries this process made that are still as it made them (the process ends). */
    void removeMine() {
        for (Binding binding : List.copyOf(mine)) {
            try {
                OptionalLong now = binding.directory().lookup(binding.scope(), binding.key());
                if (now.isPresent() && now.getAsLong() == binding.value()) {
                    binding.directory().unbind(binding.scope(), binding.key());
                }
            } catch (ShmException e) {
                // The backend is closed: its directory went with it, and with it the entry.
            }
            mine.remove(binding);
        }
    }

    /** The directory scope of {@code hProcess}. */
    private static String scope(RtObjects rt, long hProcess, String name) {
        if (!isNtxHandle(hProcess)) {
            throw NtxErrors.failure(E_EXIST, name, "hProcess, " + NtxErrors.describe(hProcess) + ", is not an"
                    + " NTXHANDLE");
        }
        int rtHandle = exportRtHandle(hProcess);
        return rt.directoryOf(rtHandle).orElseThrow(() -> rt.kindOf(rtHandle) == RtObjects.Kind.MEMORY
                ? NtxErrors.failure(E_TYPE, name, "hProcess, " + NtxErrors.describe(hProcess) + ", is a memory"
                + " handle, not a process")
                : NtxErrors.failure(E_EXIST, name, "hProcess, " + NtxErrors.describe(hProcess) + ", names no"
                + " process"));
    }

    private static void checkName(String name) {
        String rule = null;
        if (name == null) {
            rule = "the name pointer is NULL";
        } else if (name.isEmpty()) {
            rule = "a catalog name has 1 to 12 bytes; this one is empty";
        } else if (name.indexOf('\0') >= 0) {
            rule = "a catalog name may hold any byte except NUL";
        } else if (name.getBytes(StandardCharsets.UTF_8).length > IntimeConstants.CATALOG_NAME_MAX) {
            rule = "a catalog name is at most 12 bytes; this one has " + name.getBytes(StandardCharsets.UTF_8).length;
        }
        if (rule != null) {
            throw NtxErrors.failure(E_PARAM, ErrorReason.INVALID_NAME, name, rule, null);
        }
    }
}
