package shm.personality.rtx;

import java.util.Objects;

/**
 * One RTX "process" as configured.
 *
 * @param callerContext RTSS or Windows process
 * @param flavour       legacy RTX or RTX64 / wRTOS, for the Rtk* calls
 * @param maxNameLength   the longest name in characters ({@code RTX_MAX_PATH}, 260 by default)
 * @param protectEncoding how a Windows process's {@code flProtect} is read ({@link ProtectEncoding#SHM_MAP} by
 *                        default)
 */
public record RtxSettings(CallerContext callerContext, Flavour flavour, int maxNameLength,
                          ProtectEncoding protectEncoding) {

    /** Checks that every field is present and the name limit is positive. */
    public RtxSettings {
        Objects.requireNonNull(callerContext, "callerContext");
        Objects.requireNonNull(flavour, "flavour");
        Objects.requireNonNull(protectEncoding, "protectEncoding");
        if (maxNameLength < 1) {
            throw new IllegalArgumentException("maxNameLength must be at least 1: " + maxNameLength);
        }
    }

    /** Settings with the default {@code flProtect} encoding, {@link ProtectEncoding#SHM_MAP}. */
    public RtxSettings(CallerContext callerContext, Flavour flavour, int maxNameLength) {
        this(callerContext, flavour, maxNameLength, ProtectEncoding.SHM_MAP);
    }

    /** These settings with another {@code flProtect} encoding. */
    public RtxSettings withProtectEncoding(ProtectEncoding encoding) {
        return new RtxSettings(callerContext, flavour, maxNameLength, encoding);
    }

    /**
     * The defaults the seed documents point to: an RTSS process (the wRTOS page, seed 002, describes both contexts;
     * RTSS is where ported real-time code runs) and the legacy Rtk flavour (seed 000 is the legacy RTX page), with
     * {@code RTX_MAX_PATH} = 260.
     */
    public static RtxSettings defaults() {
        return new RtxSettings(CallerContext.RTSS_PROCESS, Flavour.LEGACY_RTX, shm.api.rtx.RtxConstants.RTX_MAX_PATH);
    }
}
