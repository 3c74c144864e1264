package shm.api;

import java.util.Objects;

/**
 * A vendor's exact error number, as the original API would have reported it.
 *
 * @param space  which numbering the value belongs to
 * @param value  the number itself, for example 183 for {@code ERROR_ALREADY_EXISTS}
 * @param symbol the vendor's symbolic name, for example {@code "ERROR_ALREADY_EXISTS"}
 */
public record VendorError(Space space, long value, String symbol) {

    /** The numbering a {@link VendorError} value belongs to. */
    public enum Space {
        /** Win32 error codes as returned by {@code GetLastError} (RTX Rt*, iwin32). */
        WIN32,
        /** NTSTATUS values (RTX64 / wRTOS Rtk* functions). */
        NTSTATUS,
        /** 16-bit INtime status codes ({@code GetLastRtError}, {@code ntxGetLastRtError}). */
        INTIME
    }

    /** Checks that space and symbol are present; the symbol must not be blank. */
    public VendorError {
        Objects.requireNonNull(space, "space");
        Objects.requireNonNull(symbol, "symbol");
        if (symbol.isBlank()) {
            throw new IllegalArgumentException("a vendor error needs its symbolic name");
        }
    }

    /** A Win32 error code such as {@code win32(6, "ERROR_INVALID_HANDLE")}. */
    public static VendorError win32(long value, String symbol) {
        return new VendorError(Space.WIN32, value, symbol);
    }

    /** An NTSTATUS value such as {@code ntStatus(0xC0000008L, "STATUS_INVALID_HANDLE")}. */
    public static VendorError ntStatus(long value, String symbol) {
        return new VendorError(Space.NTSTATUS, value, symbol);
    }

    /** An INtime status such as {@code intime(0x0C, "E_SLOT")}. */
    public static VendorError intime(long value, String symbol) {
        return new VendorError(Space.INTIME, value, symbol);
    }

    /** {@code SYMBOL (decimal, 0xHEX)}, the form every error message of the platform uses. */
    @Override
    public String toString() {
        return symbol + " (" + value + ", 0x" + Long.toHexString(value).toUpperCase(java.util.Locale.ROOT) + ")";
    }
}
