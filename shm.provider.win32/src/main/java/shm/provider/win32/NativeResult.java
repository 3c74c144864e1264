package shm.provider.win32;

import java.lang.foreign.MemorySegment;

/**
 * What one vendor call returned.
 *
 * @param value     the return value: a handle or pointer address, or a DWORD / BOOL widened without sign
 * @param out       the value the call wrote through its out-pointer ({@code *location}, {@code *lpPreviousCount}),
 *                  as an address or a widened integer; 0 when it has none
 * @param lastError the last error the call left ({@code GetLastError}, or {@code errno} under a test double)
 */
public record NativeResult(long value, long out, long lastError) {

    /** Whether the call returned NULL / FALSE / 0. */
    public boolean failed() {
        return value == 0;
    }

    /** The out-pointer's value as an address. */
    public MemorySegment outAddress() {
        return MemorySegment.ofAddress(out);
    }
}
