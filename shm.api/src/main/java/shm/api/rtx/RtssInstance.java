package shm.api.rtx;

import shm.api.ShmException;

/**
 * What {@code RtkRtssAttach} returned: the RTSSINST value (0 when the attach failed) and the error code (legacy
 * {@code *pErrorCode}, or the NTSTATUS of RTX64 / wRTOS).
 *
 * @param value     the RTSSINST, non-zero on success
 * @param errorCode the vendor's code
 * @param failure   on failure, the exception naming the rule and the vendor number; else {@code null}
 */
public record RtssInstance(long value, int errorCode, ShmException failure) {

    /** Whether the attach succeeded. */
    public boolean succeeded() {
        return value != 0;
    }
}
