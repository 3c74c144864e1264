package shm.provider.win32;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * The Windows x64 C types of the vendor APIs, mapped explicitly (LLP64): {@code DWORD}, {@code BOOL} and {@code LONG}
 * are 32 bits, {@code WORD} 16 bits, {@code HANDLE} and every pointer 64 bits; {@code LPCWSTR} is a NUL-terminated
 * UTF-16LE string, {@code LPSTR} a NUL-terminated 8-bit one. Sizes above 32 bits travel as a High/Low pair of DWORDs.
 */
public final class WinTypes {

    /** {@code DWORD}: unsigned 32 bits, carried in a Java {@code int}. */
    public static final ValueLayout.OfInt DWORD = ValueLayout.JAVA_INT;
    /** {@code BOOL}: a 32-bit int, non-zero for TRUE. */
    public static final ValueLayout.OfInt BOOL = ValueLayout.JAVA_INT;
    /** {@code LONG}: signed 32 bits on Windows, also on x64. */
    public static final ValueLayout.OfInt LONG = ValueLayout.JAVA_INT;
    /** {@code WORD}: unsigned 16 bits ({@code RTHANDLE}, {@code NTXSTATUS}). */
    public static final ValueLayout.OfShort WORD = ValueLayout.JAVA_SHORT;
    /** {@code HANDLE}, {@code NTXHANDLE}, {@code LPVOID}, {@code VOID **}, {@code LPCWSTR}: a pointer. */
    public static final ValueLayout POINTER = ValueLayout.ADDRESS;
    /** {@code SIZE_T}: 64 bits on x64. */
    public static final ValueLayout.OfLong SIZE_T = ValueLayout.JAVA_LONG;

    /** The most a DWORD holds. */
    public static final long DWORD_MAX = 0xFFFF_FFFFL;
    /** {@code INFINITE} of the wait functions. */
    public static final int INFINITE = -1;

    private WinTypes() {
    }

    /** The high DWORD of a 64-bit size. */
    public static int high(long size) {
        return (int) (size >>> 32);
    }

    /** The low DWORD of a 64-bit size. */
    public static int low(long size) {
        return (int) size;
    }

    /** A DWORD as the unsigned value it is. */
    public static long unsigned(int dword) {
        return Integer.toUnsignedLong(dword);
    }

    /** A WORD as the unsigned value it is. */
    public static int unsigned(short word) {
        return Short.toUnsignedInt(word);
    }

    /**
     * A NUL-terminated UTF-16LE copy of {@code name} in {@code arena} ({@code LPCWSTR}), or {@link MemorySegment#NULL}
     * for {@code null} (an unnamed object).
     *
     * @throws IllegalArgumentException when the name holds a NUL, which would cut it short
     */
    public static MemorySegment wide(Arena arena, String name) {
        if (name == null) {
            return MemorySegment.NULL;
        }
        checkNoNul(name);
        return arena.allocateFrom(name, StandardCharsets.UTF_16LE);
    }

    /** A NUL-terminated copy of {@code name} in the 8-bit encoding NTX takes ({@code LPSTR}). */
    public static MemorySegment narrow(Arena arena, String name) {
        checkNoNul(name);
        return arena.allocateFrom(name, StandardCharsets.UTF_8);
    }

    private static void checkNoNul(String name) {
        if (name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a name passed to a C API cannot hold a NUL character");
        }
    }
}
