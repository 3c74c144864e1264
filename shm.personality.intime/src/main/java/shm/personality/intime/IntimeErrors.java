package shm.personality.intime;

import static shm.api.intime.IntimeConstants.*;

import shm.api.ErrorReason;
import shm.api.ShmException;
import shm.api.VendorError;

/**
 * The INtime numbers for each failure, in the two numberings an INtime process uses: 16-bit INtime statuses
 * ({@code GetLastRtError}) for the kernel calls and Win32 codes ({@code GetLastError}) for the iwin32 calls. The
 * choices where INtime documents no number are recorded in the project's behaviour table (docs/behaviour.md).
 */
final class IntimeErrors {

    private IntimeErrors() {
    }

    /** A failure raised by the personality's kernel rules: neutral reason, INtime status, object, rule. */
    static ShmException rt(ErrorReason reason, int status, String name, String rule) {
        return new ShmException(reason, name, rule, intime(status), null);
    }

    /**
     * A failure seen by a kernel call: one that already carries an INtime status as it is; any other (a backend's) with
     * the same reason, object and rule and the INtime status of its reason.
     */
    static ShmException rt(ShmException failure, String name) {
        if (failure.vendorError().filter(v -> v.space() == VendorError.Space.INTIME).isPresent()) {
            return failure;
        }
        return new ShmException(failure.reason(), nameOf(failure, name), failure.rule(), intime(statusOf(failure.reason())), failure);
    }

    /** A failure raised by the personality's iwin32 rules, with the Win32 code of its reason. */
    static ShmException win32(ErrorReason reason, String name, String rule) {
        return new ShmException(reason, name, rule, win32(reason), null);
    }

    /**
     * A failure raised by the personality's iwin32 rules with a Win32 code more specific than its reason's (such as
     * {@code ERROR_NOT_OWNER} for WRONG_STATE).
     */
    static ShmException win32(ErrorReason reason, int code, String symbol, String name, String rule) {
        return new ShmException(reason, name, rule, VendorError.win32(code, symbol), null);
    }

    /**
     * A failure seen by an iwin32 call: one that already carries a Win32 code as it is; any other with the same reason,
     * object and rule and the Win32 code of its reason.
     */
    static ShmException win32(ShmException failure, String name) {
        if (failure.vendorError().filter(v -> v.space() == VendorError.Space.WIN32).isPresent()) {
            return failure;
        }
        return new ShmException(failure.reason(), nameOf(failure, name), failure.rule(), win32(failure.reason()), failure);
    }

    private static String nameOf(ShmException failure, String name) {
        return name != null ? name : failure.objectName().orElse(null);
    }

    /** The vendor number a failure carries (0 when it carries none, which the personality never returns). */
    static int code(ShmException failure) {
        return failure.vendorError().map(v -> (int) v.value()).orElse(0);
    }

    /** The INtime status a kernel call answers for a neutral reason that has no more specific status. */
    static int statusOf(ErrorReason reason) {
        return switch (reason) {
            case NOT_FOUND, CLOSED -> E_EXIST;
            case INVALID_NAME, INVALID_PARAMETER -> E_PARAM;
            case NO_MEMORY -> E_MEM;
            case NAME_USED_BY_OTHER_TYPE -> E_CONTEXT;
            case LIMIT -> E_LIMIT;
            case NO_SLOT -> E_SLOT;
            case WRONG_TYPE -> E_TYPE;
            case WRONG_STATE -> E_STATE;
            case ALIGNMENT -> E_ALIGNMENT;
            case LOCATION -> E_LOCATION;
            case ACCESS_DENIED -> E_PROTECTION;
            case INCOMPATIBLE_STORE, INTERNAL -> E_NOT_CONFIGURED;
        };
    }

    /** An INtime status with its symbol. */
    static VendorError intime(int status) {
        return VendorError.intime(status, symbol(status));
    }

    /** The Win32 code an iwin32 call answers for a neutral reason. */
    static VendorError win32(ErrorReason reason) {
        return switch (reason) {
            case NOT_FOUND -> VendorError.win32(ERROR_FILE_NOT_FOUND, "ERROR_FILE_NOT_FOUND");
            case NAME_USED_BY_OTHER_TYPE, WRONG_TYPE, CLOSED -> VendorError.win32(ERROR_INVALID_HANDLE,
                    "ERROR_INVALID_HANDLE");
            case NO_MEMORY, LIMIT, NO_SLOT -> VendorError.win32(ERROR_NOT_ENOUGH_MEMORY, "ERROR_NOT_ENOUGH_MEMORY");
            case INVALID_NAME, INVALID_PARAMETER, ALIGNMENT, WRONG_STATE, LOCATION -> VendorError.win32(
                    ERROR_INVALID_PARAMETER, "ERROR_INVALID_PARAMETER");
            case ACCESS_DENIED -> VendorError.win32(ERROR_ACCESS_DENIED, "ERROR_ACCESS_DENIED");
            case INCOMPATIBLE_STORE, INTERNAL -> VendorError.win32(ERROR_GEN_FAILURE, "ERROR_GEN_FAILURE");
        };
    }

    /** The symbol of an INtime status this personality returns. */
    static String symbol(int status) {
        return switch (status) {
            case E_OK -> "E_OK";
            case E_TIME -> "E_TIME";
            case E_MEM -> "E_MEM";
            case E_LIMIT -> "E_LIMIT";
            case E_CONTEXT -> "E_CONTEXT";
            case E_EXIST -> "E_EXIST";
            case E_STATE -> "E_STATE";
            case E_NOT_CONFIGURED -> "E_NOT_CONFIGURED";
            case E_SLOT -> "E_SLOT";
            case E_INVALID_ADDRESS -> "E_INVALID_ADDRESS";
            case E_VMEM -> "E_VMEM";
            case E_NOT_ALLOCATED -> "E_NOT_ALLOCATED";
            case E_TYPE -> "E_TYPE";
            case E_PARAM -> "E_PARAM";
            case E_PROTECTION -> "E_PROTECTION";
            case E_BAD_ADDR -> "E_BAD_ADDR";
            case E_ALIGNMENT -> "E_ALIGNMENT";
            case E_LOCATION -> "E_LOCATION";
            default -> "E_0x" + Integer.toHexString(status).toUpperCase(java.util.Locale.ROOT);
        };
    }
}
