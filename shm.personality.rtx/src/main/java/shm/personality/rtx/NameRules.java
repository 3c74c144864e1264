package shm.personality.rtx;

import shm.api.ErrorReason;
import shm.api.rtx.RtxResult;
import shm.api.spi.BackendCapabilities;

/**
 * RTX's rules for an object name: any character but the backslash and NUL, at most {@code RTX_MAX_PATH}, and at most
 * what the bound backend takes ({@code shm.backend.maxNameLength}: RTX64's RTAPI takes 256), refused with the same
 * vendor number either way.
 */
final class NameRules {

    private final int maxNameLength;
    private final BackendBinding binding;

    /**
     * @param maxNameLength the configured {@code RTX_MAX_PATH}
     * @param binding       the backend binding whose {@link BackendBinding#maxNameLength()} is consulted at each call
     */
    NameRules(int maxNameLength, BackendBinding binding) {
        this.maxNameLength = maxNameLength;
        this.binding = binding;
    }

    /**
     * The failed result for a name RTX refuses, with a Win32 code or ({@code nt}) an NTSTATUS; {@code null} for a
     * good name or {@code null} (an unnamed object).
     */
    RtxResult check(String name, boolean nt) {
        if (name == null) {
            return null;
        }
        String rule = null;
        if (name.isEmpty()) {
            rule = "an empty name is not a name; pass NULL for an unnamed object";
        } else if (name.indexOf('\\') >= 0) {
            rule = "a name can contain any character except the backslash path-separator character (\\)";
        } else if (name.indexOf('\0') >= 0) {
            rule = "a name must not contain NUL: the C string would end there";
        } else if (name.length() > maxNameLength) {
            rule = "a name is limited to " + maxNameLength + " characters (RTX_MAX_PATH), this one has "
                    + name.length();
        } else if (name.length() > binding.maxNameLength()) {
            rule = "a name is limited to " + binding.maxNameLength() + " characters by the bound backend "
                    + binding.type() + " (" + BackendCapabilities.MAX_NAME_LENGTH + "), this one has " + name.length();
        }
        return rule == null ? null : RtxErrors.failed(ErrorReason.INVALID_NAME, name, rule, nt);
    }

    /** Like {@link #check}, but a missing name is refused too (an open needs one). */
    RtxResult checkForOpen(String name, boolean nt) {
        return name == null ? RtxErrors.failed(ErrorReason.INVALID_NAME, null, "an open needs a name", nt)
                : check(name, nt);
    }
}
