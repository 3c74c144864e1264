package shm.personality.ntx;

import static shm.api.ntx.NtxConstants.*;

import shm.api.ErrorReason;
import shm.api.ShmException;
import shm.api.VendorError;

/**
 * The NTX statuses the personality answers with, their symbols and the neutral reason each one carries. The choices
 * where NTX documents no status are recorded in the project's behaviour table (docs/behaviour.md, NTX section).
 */
final class NtxErrors {

    private NtxErrors() {
    }

    /** The {@code ntx.h} symbol of a status this personality gives. */
    static String symbol(int status) {
        return switch (status) {
            case E_OK -> "E_OK";
            case E_TIME -> "E_TIME";
            case E_MEM -> "E_MEM";
            case E_LIMIT -> "E_LIMIT";
            case E_CONTEXT -> "E_CONTEXT";
            case E_SLOT -> "E_SLOT";
            case E_EXIST -> "E_EXIST";
            case E_STATE -> "E_STATE";
            case E_VMEM -> "E_VMEM";
            case E_TYPE -> "E_TYPE";
            case E_PARAM -> "E_PARAM";
            case E_ALIGNMENT -> "E_ALIGNMENT";
            case E_LOCATION -> "E_LOCATION";
            case E_NTX_INTERNAL_ERROR -> "E_NTX_INTERNAL_ERROR";
            default -> throw new IllegalArgumentException("not a status of the NTX personality: 0x"
                    + Integer.toHexString(status));
        };
    }

    /** The neutral reason a status stands for. */
    static ErrorReason reason(int status) {
        return switch (status) {
            case E_TIME -> ErrorReason.NOT_FOUND;
            case E_MEM -> ErrorReason.NO_MEMORY;
            case E_LIMIT -> ErrorReason.LIMIT;
            case E_CONTEXT -> ErrorReason.WRONG_STATE;
            case E_SLOT -> ErrorReason.NO_SLOT;
            case E_EXIST -> ErrorReason.NOT_FOUND;
            case E_STATE -> ErrorReason.WRONG_STATE;
            case E_VMEM -> ErrorReason.LIMIT;
            case E_TYPE -> ErrorReason.WRONG_TYPE;
            case E_PARAM -> ErrorReason.INVALID_PARAMETER;
            case E_ALIGNMENT -> ErrorReason.ALIGNMENT;
            case E_LOCATION -> ErrorReason.LOCATION;
            default -> ErrorReason.INTERNAL;
        };
    }

    /** A failure raised by the personality: status, the object concerned, the rule. */
    static ShmException failure(int status, String object, String rule) {
        return failure(status, reason(status), object, rule, null);
    }

    /** A failure with an explicit neutral reason (for example CLOSED behind {@code E_NTX_INTERNAL_ERROR}). */
    static ShmException failure(int status, ErrorReason reason, String object, String rule, Throwable cause) {
        return new ShmException(reason, object, rule, VendorError.intime(status, symbol(status)), cause);
    }

    /**
     * A backend failure, translated: an object that no longer exists is {@code E_EXIST} (the memory behind the
     * handle was freed); every other failure is {@code E_NTX_INTERNAL_ERROR} with the backend's reason and rule.
     */
    static ShmException translate(ShmException backendFailure, String object) {
        if (backendFailure.reason() == ErrorReason.NOT_FOUND) {
            return failure(E_EXIST, ErrorReason.NOT_FOUND, object, "the memory the handle names was freed: "
                    + backendFailure.rule(), backendFailure);
        }
        return failure(E_NTX_INTERNAL_ERROR, backendFailure.reason(), object, backendFailure.rule(), backendFailure);
    }

    /** How messages name a handle: the NTXHANDLE and the RTHANDLE it stands for. */
    static String describe(long ntxHandle) {
        if (isNtxHandle(ntxHandle)) {
            return String.format("NTXHANDLE 0x%X (RTHANDLE 0x%04X)", ntxHandle, exportRtHandle(ntxHandle));
        }
        return String.format("value 0x%X (not an NTXHANDLE)", ntxHandle);
    }
}
