package shm.personality.rtx;

/**
 * How a Windows-process caller's {@code flProtect} of {@code RtCreateSharedMemory} is read. The RTX documents disagree:
 * RTX64 3 / 4 name the Win32 {@code PAGE_*} values, wRTOS the {@code SHM_MAP_*} values, and 2 is both
 * {@code PAGE_READONLY} and {@code SHM_MAP_WRITE}. Ported code says which one it was written against.
 */
public enum ProtectEncoding {
    /**
     * The default, as the newest documents (wRTOS) define it: {@code SHM_MAP_READ} (1) read-only;
     * {@code SHM_MAP_WRITE} (2), {@code SHM_MAP_ALL_ACCESS} (3) read/write; {@code PAGE_READWRITE} (4) also read/write,
     * so that code passing it works. A 2 meant as {@code PAGE_READONLY} gives a writable view.
     */
    SHM_MAP,
    /**
     * The Win32 page protections of RTX64 3 / 4: {@code PAGE_READONLY} (2) read-only, {@code PAGE_READWRITE} (4)
     * read/write; any other value fails with {@code ERROR_INVALID_PARAMETER}.
     */
    PAGE
}
