package shm.api.rtx;

import shm.api.win32.Win32Constants;

/**
 * The numbers of the RTX headers and of Win32 that the RTX shared-memory calls take and return. Values from
 * {@code RtApi.h}, {@code RtkApi.h}, {@code winerror.h} and {@code ntstatus.h}. The Win32 codes and wait results are
 * declared once in {@link Win32Constants} and inherited, so this class and {@code IntimeConstants} can be imported
 * together ({@code import static ...RtxConstants.*;}).
 */
public final class RtxConstants implements Win32Constants {



    /** {@code STATUS_SUCCESS}. */
    public static final int STATUS_SUCCESS = 0x00000000;
    /** {@code STATUS_OBJECT_NAME_EXISTS}: an informational (successful) status. */
    public static final int STATUS_OBJECT_NAME_EXISTS = 0x40000000;
    /** {@code STATUS_UNSUCCESSFUL}. */
    public static final int STATUS_UNSUCCESSFUL = 0xC0000001;
    /** {@code STATUS_INVALID_HANDLE}. */
    public static final int STATUS_INVALID_HANDLE = 0xC0000008;
    /** {@code STATUS_INVALID_PARAMETER}. */
    public static final int STATUS_INVALID_PARAMETER = 0xC000000D;
    /** {@code STATUS_ACCESS_DENIED}. */
    public static final int STATUS_ACCESS_DENIED = 0xC0000022;
    /** {@code STATUS_NO_MEMORY}. */
    public static final int STATUS_NO_MEMORY = 0xC0000017;

    /** {@code SHM_MAP_READ}: a read-only view. */
    public static final int SHM_MAP_READ = 1;
    /** {@code SHM_MAP_WRITE}: a read/write view. */
    public static final int SHM_MAP_WRITE = 2;
    /** {@code SHM_MAP_ALL_ACCESS} ({@code SHM_MAP_READ | SHM_MAP_WRITE}). */
    public static final int SHM_MAP_ALL_ACCESS = 3;
    /** {@code PAGE_READONLY} (equal to {@code SHM_MAP_WRITE}: a documented collision). */
    public static final int PAGE_READONLY = 0x02;
    /** {@code PAGE_READWRITE}. */
    public static final int PAGE_READWRITE = 0x04;

    /** The longest object name, in characters, that the platform accepts by default ({@code RTX_MAX_PATH}). */
    public static final int RTX_MAX_PATH = 260;

    private RtxConstants() {
    }

    /**
     * {@code NT_SUCCESS(Status)} of {@code ntdef.h}: whether an NTSTATUS is a success or an informational status
     * (0x00000000 to 0x7FFFFFFF), for example {@link #STATUS_SUCCESS} and {@link #STATUS_OBJECT_NAME_EXISTS}, which
     * RTX64 / wRTOS {@code RtkCreateSharedMemory} returns when it found the object. Warnings and errors (bit 31 set)
     * are not.
     */
    public static boolean NT_SUCCESS(int status) {
        return status >= 0;
    }
}
