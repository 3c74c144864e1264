package shm.provider.win32;

import java.util.List;

/**
 * The exported names of a vendor's Win32-style object functions, which {@link Win32ObjectApi} binds with the
 * documented C signatures. The wide-character ({@code ...W}) forms take {@code LPCWSTR} names.
 *
 * @param createSharedMemory {@code HANDLE (DWORD flProtect, DWORD sizeHigh, DWORD sizeLow, LPCWSTR, VOID **location)}
 * @param openSharedMemory   {@code HANDLE (DWORD access, BOOL inherit, LPCWSTR, VOID **location)}
 * @param closeHandle        {@code BOOL (HANDLE)}
 * @param createEvent        {@code HANDLE (LPSECURITY_ATTRIBUTES, BOOL manualReset, BOOL initialState, LPCWSTR)}
 * @param openEvent          {@code HANDLE (DWORD access, BOOL inherit, LPCWSTR)}
 * @param setEvent           {@code BOOL (HANDLE)}
 * @param resetEvent         {@code BOOL (HANDLE)}
 * @param pulseEvent         {@code BOOL (HANDLE)}
 * @param createMutex        {@code HANDLE (LPSECURITY_ATTRIBUTES, BOOL initialOwner, LPCWSTR)}
 * @param openMutex          {@code HANDLE (DWORD access, BOOL inherit, LPCWSTR)}
 * @param releaseMutex       {@code BOOL (HANDLE)}
 * @param createSemaphore    {@code HANDLE (LPSECURITY_ATTRIBUTES, LONG initial, LONG maximum, LPCWSTR)}
 * @param openSemaphore      {@code HANDLE (DWORD access, BOOL inherit, LPCWSTR)}
 * @param releaseSemaphore   {@code BOOL (HANDLE, LONG count, LPLONG previous)}
 * @param waitForSingleObject {@code DWORD (HANDLE, DWORD milliseconds)}
 */
public record EntryPoints(String createSharedMemory, String openSharedMemory, String closeHandle, String createEvent,
                          String openEvent, String setEvent, String resetEvent, String pulseEvent,
                          String createMutex, String openMutex, String releaseMutex, String createSemaphore,
                          String openSemaphore, String releaseSemaphore, String waitForSingleObject) {

    /** The RTAPI names (RtApi.h), which IntervalZero's RTX64 / wRTOS and TenAsys' iwin32x both use. */
    public static final EntryPoints RTAPI_WIDE = new EntryPoints("RtCreateSharedMemoryW", "RtOpenSharedMemoryW",
            "RtCloseHandle", "RtCreateEventW", "RtOpenEventW", "RtSetEvent", "RtResetEvent", "RtPulseEvent",
            "RtCreateMutexW", "RtOpenMutexW", "RtReleaseMutex", "RtCreateSemaphoreW", "RtOpenSemaphoreW",
            "RtReleaseSemaphore", "RtWaitForSingleObject");

    /** Every name, in declaration order. */
    public List<String> all() {
        return List.of(createSharedMemory, openSharedMemory, closeHandle, createEvent, openEvent, setEvent,
                resetEvent, pulseEvent, createMutex, openMutex, releaseMutex, createSemaphore, openSemaphore,
                releaseSemaphore, waitForSingleObject);
    }
}
