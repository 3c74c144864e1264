package shm.personality.intime;

import static shm.api.intime.IntimeConstants.E_OK;
import static shm.api.intime.IntimeConstants.E_PARAM;
import static shm.api.intime.IntimeConstants.ROOT_PROCESS;
import static shm.api.intime.IntimeConstants.THIS_PROCESS;

import shm.api.ErrorReason;
import shm.api.intime.IntimeTables;
import shm.api.intime.RtHandleResult;

/**
 * The object-directory calls of one INtime process ({@link ObjectDirectories}): {@code GetRtThreadHandles}, which
 * answers the process handles that name directories, and {@code CatalogRtHandle}, {@code LookupRtHandle},
 * {@code UncatalogRtHandle} with short or long names. Each runs under the process's lock ({@link ProcessBinding#locked})
 * as a kernel call ({@link CallFrame#rtCall}), except the wait of a lookup, which runs without it; a failure answers
 * with INtime's status, stored for {@code GetLastRtError}.
 */
final class ObjectDirectoryCalls {

    private final ProcessBinding binding;
    private final CallFrame calls;

    ObjectDirectoryCalls(ProcessBinding binding, CallFrame calls) {
        this.binding = binding;
        this.calls = calls;
    }

    /** {@code GetRtThreadHandles}: THIS_PROCESS or ROOT_PROCESS; E_PARAM for anything else. */
    RtHandleResult getRtThreadHandles(int bySelection) {
        return calls.rtCall(null, () -> binding.locked(() -> switch (bySelection) {
            case THIS_PROCESS -> new RtHandleResult(process().processes.selfHandle(), E_OK, null);
            case ROOT_PROCESS -> new RtHandleResult(IntimeTables.ROOT_PROCESS_HANDLE, E_OK, null);
            default -> throw IntimeErrors.rt(ErrorReason.INVALID_PARAMETER, E_PARAM, null, "bySelection "
                    + bySelection + " is not THIS_PROCESS or ROOT_PROCESS (threads are not objects of this platform)");
        }), CallFrame::handleResult);
    }

    /** {@code CatalogRtHandle} ({@code longName}: {@code CatalogRtHandleLong}). */
    boolean catalog(int hProcess, int hObject, String name, boolean longName) {
        return calls.rtCall(name, () -> binding.locked(() -> {
            process().directories.catalog(process().directories.target(hProcess, name, longName), hObject);
            return true;
        }), failure -> false);
    }

    /**
     * {@code LookupRtHandle} ({@code longName}: {@code LookupRtHandleLong}): the name is resolved under the lock, the
     * wait for it ({@link ObjectDirectories#await}) runs without it until the process ends.
     */
    RtHandleResult lookup(int hProcess, String name, int milliseconds, boolean longName) {
        return calls.rtCall(name, () -> {
            ObjectDirectories directories = binding.locked(() -> process().directories);
            ObjectDirectories.Target target = binding.locked(() -> directories.target(hProcess, name, longName));
            return new RtHandleResult(directories.await(target, milliseconds, binding::ended) & 0xFFFF, E_OK, null);
        }, CallFrame::handleResult);
    }

    /** {@code UncatalogRtHandle} ({@code longName}: {@code UncatalogRtHandleLong}). */
    boolean uncatalog(int hProcess, String name, boolean longName) {
        return calls.rtCall(name, () -> binding.locked(() -> {
            process().directories.uncatalog(process().directories.target(hProcess, name, longName));
            return true;
        }), failure -> false);
    }

    /** The process's parts; only within {@link ProcessBinding#locked}. */
    private IntimeProcess process() {
        return binding.process();
    }
}
