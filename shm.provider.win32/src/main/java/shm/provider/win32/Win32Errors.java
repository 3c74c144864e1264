package shm.provider.win32;

import shm.api.ErrorReason;

/**
 * What the Win32 error codes the vendor calls leave mean in the SPI's neutral terms. The backend never passes a
 * vendor number on as a {@link shm.api.VendorError} (that is the personalities' job); it names it in the message.
 */
public final class Win32Errors {

    /** ERROR_FILE_NOT_FOUND. */
    public static final long FILE_NOT_FOUND = 2;
    /** ERROR_PATH_NOT_FOUND. */
    public static final long PATH_NOT_FOUND = 3;
    /** ERROR_ACCESS_DENIED. */
    public static final long ACCESS_DENIED = 5;
    /** ERROR_INVALID_HANDLE: also "the name is held by another object type". */
    public static final long INVALID_HANDLE = 6;
    /** ERROR_NOT_ENOUGH_MEMORY. */
    public static final long NOT_ENOUGH_MEMORY = 8;
    /** ERROR_OUTOFMEMORY. */
    public static final long OUTOFMEMORY = 14;
    /** ERROR_INVALID_PARAMETER. */
    public static final long INVALID_PARAMETER = 87;
    /** ERROR_INVALID_NAME. */
    public static final long INVALID_NAME = 123;
    /** ERROR_ALREADY_EXISTS: a status on success. */
    public static final long ALREADY_EXISTS = 183;
    /** ERROR_FILENAME_EXCED_RANGE. */
    public static final long FILENAME_EXCED_RANGE = 206;
    /** ERROR_NOT_OWNER. */
    public static final long NOT_OWNER = 288;
    /** ERROR_TOO_MANY_POSTS. */
    public static final long TOO_MANY_POSTS = 298;

    /** WAIT_OBJECT_0. */
    public static final long WAIT_OBJECT_0 = 0;
    /** WAIT_ABANDONED. */
    public static final long WAIT_ABANDONED = 0x80;
    /** WAIT_TIMEOUT. */
    public static final long WAIT_TIMEOUT = 0x102;

    private Win32Errors() {
    }

    /** The neutral reason of a failed create or open that left {@code code}. */
    public static ErrorReason reason(long code) {
        return switch ((int) code) {
            case 2, 3 -> ErrorReason.NOT_FOUND;
            case 5 -> ErrorReason.ACCESS_DENIED;
            case 6 -> ErrorReason.NAME_USED_BY_OTHER_TYPE;
            case 8, 14 -> ErrorReason.NO_MEMORY;
            case 87 -> ErrorReason.INVALID_PARAMETER;
            case 123, 206 -> ErrorReason.INVALID_NAME;
            default -> ErrorReason.INTERNAL;
        };
    }

    /** {@code "GetLastError 2"}, or {@code "errno 2"} under a test double: how a message names a code. */
    public static String describe(long code) {
        return NativeLibrary.LAST_ERROR_STATE + " " + code;
    }
}
