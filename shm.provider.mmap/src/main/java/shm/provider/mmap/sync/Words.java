package shm.provider.mmap.sync;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Atomic access to the 32-bit and 64-bit little-endian words of a state block, and the checks every primitive makes
 * before it writes or attaches: a native, live, 8-byte-aligned segment large enough for the layout, on a
 * little-endian machine; a header of magic and version.
 *
 * <p>Every state block starts with the same two words: offset 0 the magic (four ASCII characters that name the
 * kind of primitive), offset 4 the layout version. {@link #publish} writes the magic last, with release
 * semantics, so a participant that sees the magic sees the complete initial state.
 */
final class Words {

    /** Offset of the 32-bit magic word in every state block. */
    static final long MAGIC_OFFSET = 0;
    /** Offset of the 32-bit layout version in every state block. */
    static final long VERSION_OFFSET = 4;
    /** Alignment every state block needs: the widest word is 64 bits. */
    static final long ALIGNMENT = 8;

    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    private Words() {
    }

    /** Volatile read of the 32-bit word at {@code offset}. */
    static int getInt(MemorySegment segment, long offset) {
        return (int) INT.getVolatile(segment, offset);
    }

    /** Release write of the 32-bit word at {@code offset}. */
    static void setInt(MemorySegment segment, long offset, int value) {
        INT.setRelease(segment, offset, value);
    }

    /** Volatile write of the 32-bit word at {@code offset}: ordered before the volatile reads that follow. */
    static void setIntVolatile(MemorySegment segment, long offset, int value) {
        INT.setVolatile(segment, offset, value);
    }

    /** Atomic compare-and-set of the 32-bit word at {@code offset}. */
    static boolean casInt(MemorySegment segment, long offset, int expected, int value) {
        return INT.compareAndSet(segment, offset, expected, value);
    }

    /** Atomic add to the 32-bit word at {@code offset}; returns the value before. */
    static int addInt(MemorySegment segment, long offset, int delta) {
        return (int) INT.getAndAdd(segment, offset, delta);
    }

    /** Volatile read of the 64-bit word at {@code offset}. */
    static long getLong(MemorySegment segment, long offset) {
        return (long) LONG.getVolatile(segment, offset);
    }

    /** Release write of the 64-bit word at {@code offset}. */
    static void setLong(MemorySegment segment, long offset, long value) {
        LONG.setRelease(segment, offset, value);
    }

    /** Atomic add to the 64-bit word at {@code offset}; returns the value before. */
    static long addLong(MemorySegment segment, long offset, long delta) {
        return (long) LONG.getAndAdd(segment, offset, delta);
    }

    /** Atomic compare-and-set of the 64-bit word at {@code offset}. */
    static boolean casLong(MemorySegment segment, long offset, long expected, long value) {
        return LONG.compareAndSet(segment, offset, expected, value);
    }

    /** Atomic exchange of the 64-bit word at {@code offset}; returns the value before. */
    static long swapLong(MemorySegment segment, long offset, long value) {
        return (long) LONG.getAndSet(segment, offset, value);
    }

    /**
     * Checks that {@code segment} can hold a state block of {@code size} bytes and that those bytes are all zero,
     * as a freshly created object's data is; fails with a message naming {@code kind} otherwise.
     *
     * @throws IllegalArgumentException when the segment is unusable (heap, misaligned, too small) or not zero
     */
    static void checkZeroed(MemorySegment segment, long size, String kind) {
        checkShape(segment, size, kind);
        for (long offset = 0; offset < size; offset += Long.BYTES) {
            if (getLong(segment, offset) != 0) {
                throw new IllegalArgumentException("cannot initialize a " + kind + " over bytes that are not zero"
                        + " (offset " + offset + " of its " + size + "-byte state is already written): a state block"
                        + " is initialized once, in a zero-filled segment");
            }
        }
    }

    /** Writes the header's version, then its magic with release semantics, which publishes the state block. */
    static void publish(MemorySegment segment, int magic, int version) {
        setInt(segment, VERSION_OFFSET, version);
        setInt(segment, MAGIC_OFFSET, magic);
    }

    /**
     * Checks that {@code segment} holds an initialized state block of this kind, layout version and size.
     *
     * @throws IllegalArgumentException when the segment is unusable, not initialized, another kind, or another
     *                                  version
     */
    static void checkAttach(MemorySegment segment, long size, int magic, int version, String kind) {
        checkShape(segment, size, kind);
        int found = getInt(segment, MAGIC_OFFSET);
        if (found == 0) {
            throw new IllegalArgumentException("the segment holds no " + kind + ": its magic word is 0 (not"
                    + " initialized yet; the creator must call initialize before others attach)");
        }
        if (found != magic) {
            throw new IllegalArgumentException("the segment holds no " + kind + ": magic " + describeMagic(found)
                    + " where " + describeMagic(magic) + " was expected (a foreign or different object)");
        }
        int foundVersion = getInt(segment, VERSION_OFFSET);
        if (foundVersion != version) {
            throw new IllegalArgumentException("the " + kind + " has layout version " + foundVersion
                    + "; this code reads version " + version + " only");
        }
    }

    private static void checkShape(MemorySegment segment, long size, String kind) {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new UnsupportedOperationException("a " + kind + " state block is little-endian; this machine is "
                    + ByteOrder.nativeOrder());
        }
        if (!segment.isNative()) {
            throw new IllegalArgumentException("a " + kind + " needs a native (mapped) segment, not a heap segment");
        }
        if (segment.address() % ALIGNMENT != 0) {
            throw new IllegalArgumentException("a " + kind + " needs an " + ALIGNMENT + "-byte aligned segment; address 0x"
                    + Long.toHexString(segment.address()) + " is not");
        }
        if (segment.byteSize() < size) {
            throw new IllegalArgumentException("a " + kind + " needs " + size + " bytes; the segment has "
                    + segment.byteSize());
        }
    }

    /** The magic as its four ASCII characters when printable, always with its hexadecimal value. */
    static String describeMagic(int magic) {
        StringBuilder text = new StringBuilder();
        for (int shift = 0; shift < 32; shift += 8) {
            int c = (magic >>> shift) & 0xFF;
            if (c < 0x20 || c > 0x7E) {
                return String.format("0x%08X", magic);
            }
            text.append((char) c);
        }
        return String.format("'%s' (0x%08X)", text, magic);
    }

    /** The magic word whose little-endian bytes are the four ASCII characters of {@code tag}. */
    static int magic(String tag) {
        if (tag.length() != 4) {
            throw new IllegalArgumentException("a magic tag has four characters: " + tag);
        }
        return tag.charAt(0) | tag.charAt(1) << 8 | tag.charAt(2) << 16 | tag.charAt(3) << 24;
    }
}
