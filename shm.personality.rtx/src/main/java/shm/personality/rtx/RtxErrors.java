package shm.personality.rtx;

import static shm.api.rtx.RtxConstants.*;

import shm.api.ErrorReason;
import shm.api.ShmException;
import shm.api.VendorError;
import shm.api.rtx.RtxResult;

/**
 * The RTX numbers for each neutral reason, in the two numberings RTX uses: Win32 codes ({@code GetLastError},
 * legacy {@code *pErrorCode}) and NTSTATUS (RTX64 / wRTOS Rtk*). The choices where RTX documents no number are
 * recorded in the project's behaviour table (docs/behaviour.md).
 */
final class RtxErrors {

    private RtxErrors() {
    }

    /** The Win32 code for a reason. */
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

    /** The NTSTATUS for a reason. */
    static VendorError ntStatus(ErrorReason reason) {
        return switch (reason) {
            case NAME_USED_BY_OTHER_TYPE, WRONG_TYPE -> VendorError.ntStatus(STATUS_INVALID_HANDLE & 0xFFFFFFFFL,
                    "STATUS_INVALID_HANDLE");
            case NO_MEMORY, LIMIT, NO_SLOT -> VendorError.ntStatus(STATUS_NO_MEMORY & 0xFFFFFFFFL, "STATUS_NO_MEMORY");
            case INVALID_NAME, INVALID_PARAMETER, ALIGNMENT, WRONG_STATE, LOCATION -> VendorError.ntStatus(
                    STATUS_INVALID_PARAMETER & 0xFFFFFFFFL, "STATUS_INVALID_PARAMETER");
            case ACCESS_DENIED -> VendorError.ntStatus(STATUS_ACCESS_DENIED & 0xFFFFFFFFL, "STATUS_ACCESS_DENIED");
            case NOT_FOUND, CLOSED, INCOMPATIBLE_STORE, INTERNAL -> VendorError.ntStatus(
                    STATUS_UNSUCCESSFUL & 0xFFFFFFFFL, "STATUS_UNSUCCESSFUL");
        };
    }

    /** A failure raised by the personality itself: neutral reason, object, rule, vendor number. */
    static ShmException failure(ErrorReason reason, String name, String rule, boolean ntStatus) {
        return new ShmException(reason, name, rule, ntStatus ? ntStatus(reason) : win32(reason), null);
    }

    /** A backend failure, translated: same reason, object and rule, with the vendor number added. */
    static ShmException translate(ShmException backendFailure, String name, boolean ntStatus) {
        ErrorReason reason = backendFailure.reason();
        return new ShmException(reason, name, backendFailure.rule(), ntStatus ? ntStatus(reason) : win32(reason),
                backendFailure);
    }

    /** The failed result of a rule the personality checks itself. */
    static RtxResult failed(ErrorReason reason, String name, String rule, boolean ntStatus) {
        return failed(failure(reason, name, rule, ntStatus));
    }

    /** The failed result carrying {@code failure} and its vendor number. */
    static RtxResult failed(ShmException failure) {
        int code = (int) failure.vendorError().orElseThrow().value();
        return new RtxResult(0, java.lang.foreign.MemorySegment.NULL, false, code, failure);
    }
}
