package shm.api.rtx;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The RTX shared-memory calls, one to one, with the rules of the configured caller context (an RTSS process or a
 * Windows process) and flavour (legacy RTX or RTX64 / wRTOS). Implemented by the RTX personality; each service is
 * one "process" with its own handle table. Calls never throw for vendor errors: they return the vendor's answer in
 * an {@link RtxResult}. Thread-safe; {@link #RtGetLastError()} is per calling thread, as in RTX.
 *
 * <p>Lifetime follows RTX: every handle counts; the last {@code RtCloseHandle} in any process destroys the object;
 * the end of a process closes its handles. When the personality is deactivated, its handles are closed.
 */
@ProviderType
public interface RtxSharedMemory {

    /**
     * {@code HANDLE RtCreateSharedMemory(DWORD flProtect, DWORD MaximumSizeHigh, DWORD MaximumSizeLow,
     * LPCTSTR lpName, VOID **location)}: creates the object, or opens it with {@code ERROR_ALREADY_EXISTS} (183).
     * With the same name and another size, an RTSS process shrinks the object to a smaller size (logically) and fails
     * with {@code ERROR_INVALID_PARAMETER} (87) on a larger one; a Windows process fails on any other size.
     *
     * @param flProtect       {@code PAGE_READONLY} / {@code PAGE_READWRITE} or {@code SHM_MAP_*}; ignored by RTSS
     * @param maximumSizeHigh must be 0
     * @param maximumSizeLow  the size in bytes, read as an unsigned DWORD, at least 1
     * @param lpName          the name, or {@code null} for an unnamed object
     */
    RtxResult RtCreateSharedMemory(int flProtect, int maximumSizeHigh, int maximumSizeLow, String lpName);

    /**
     * {@code HANDLE RtOpenSharedMemory(DWORD dwDesiredAccess, BOOL bInheritHandle, LPCTSTR lpName,
     * VOID **location)}: opens an existing object; fails when the name does not exist.
     *
     * @param dwDesiredAccess {@code SHM_MAP_READ}, {@code SHM_MAP_WRITE} or {@code SHM_MAP_ALL_ACCESS}; an RTSS process
     *                        always gets read/write access
     * @param bInheritHandle  ignored, as documented
     * @param lpName          the name
     */
    RtxResult RtOpenSharedMemory(int dwDesiredAccess, boolean bInheritHandle, String lpName);

    /**
     * {@code BOOL RtCloseHandle(HANDLE hObject)}: closes a handle of this process; the last handle in any process
     * destroys the object. Returns {@code false} with {@code ERROR_INVALID_HANDLE} for a handle that is not open.
     */
    boolean RtCloseHandle(long hObject);

    /**
     * The error code this thread's last failing call stored, or its last create or open ({@code ERROR_SUCCESS} or
     * {@code ERROR_ALREADY_EXISTS}) when that came later; any other successful call leaves it as it was, as Win32's
     * {@code GetLastError} does. A thread that has stored nothing reads {@code ERROR_SUCCESS}.
     */
    int RtGetLastError();

    /**
     * {@code RtkRtssAttach(MaxWFSO, ...)}: attaches a kernel-driver context whose RTSSINST the Rtk* calls take.
     *
     * @param maxWfso the number of wait-for-single-object slots, at least 1
     */
    RtssInstance RtkRtssAttach(int maxWfso);

    /**
     * {@code RtkCreateSharedMemory(RtssInst, ..., Protect, MaximumSizeHigh, MaximumSizeLow, Name, Location)}: as
     * {@link #RtCreateSharedMemory} from kernel mode. An existing name returns the existing object, whose size is never
     * changed; legacy RTX reports {@code ERROR_ALREADY_EXISTS} in {@code *pErrorCode}, RTX64 / wRTOS
     * {@code STATUS_OBJECT_NAME_EXISTS}.
     */
    RtxResult RtkCreateSharedMemory(long rtssInst, int flProtect, int maximumSizeHigh, int maximumSizeLow,
                                    String name);

    /** {@code RtkOpenSharedMemory(RtssInst, ..., DesiredAccess, InheritHandle, Name, Location)}. */
    RtxResult RtkOpenSharedMemory(long rtssInst, int desiredAccess, boolean inheritHandle, String name);

    /**
     * {@code RtkCloseHandle(RtssInst, ..., Handle)}: the error code is 0 on success; for a handle that is not open
     * it is {@code ERROR_INVALID_HANDLE} (legacy) or {@code STATUS_UNSUCCESSFUL} (RTX64 / wRTOS, as documented).
     */
    int RtkCloseHandle(long rtssInst, long handle);

    /**
     * {@code BOOLEAN RtkCloseHandle(RtssInst, pErrorCode, Handle)}, the legacy RTX form, read as C reads it:
     * {@code true} (TRUE) on success, {@code false} on failure, with the code of {@link #RtkCloseHandle(long, long)}
     * stored in {@code pErrorCode[0]} when {@code pErrorCode} is not {@code null} (0 on success). A literal port of
     * {@code if (!RtkCloseHandle(inst, &err, h))} keeps its meaning.
     *
     * @param pErrorCode {@code null}, or an array of at least one element that receives the error code
     * @since 1.1
     */
    default boolean RtkCloseHandle(long rtssInst, int[] pErrorCode, long handle) {
        int code = RtkCloseHandle(rtssInst, handle);
        if (pErrorCode != null) {
            pErrorCode[0] = code;
        }
        return code == 0;
    }
}
