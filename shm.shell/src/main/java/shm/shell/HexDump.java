package shm.shell;

/**
 * Formats bytes as a classic hex dump: per line of 16 bytes the offset in hex, the bytes in hex (a wider gap after
 * the eighth), and the bytes as ASCII between bars, with {@code .} for every byte that is not printable ASCII.
 *
 * <pre>
 * 00000000  68 65 6c 6c 6f 00 00 00  00 00 00 00 00 00 00 00  |hello...........|
 * </pre>
 *
 * Offsets have 8 hex digits, more when the last offset needs them. A last, partial line is padded so that its
 * ASCII column lines up with the others. As {@code hexdump -C} does, a run of full lines equal to the line before
 * them is shown as one line {@code *}, and the dump then ends with the offset just past its last byte, so a large
 * zeroed object takes three lines. Lines are separated by {@code \n}; there is no trailing line break.
 */
final class HexDump {

    /** How many bytes one line shows. */
    static final int BYTES_PER_LINE = 16;

    private static final char[] HEX_DIGITS = "0123456789abcdef".toCharArray();

    private HexDump() {
    }

    /**
     * Formats {@code bytes}, labelling the first byte with {@code firstOffset}.
     *
     * @param firstOffset the offset of {@code bytes[0]} in the object, at least 0
     * @param bytes       the bytes to show; an empty array gives an empty string
     */
    static String format(long firstOffset, byte[] bytes) {
        if (firstOffset < 0) {
            throw new IllegalArgumentException("offset must not be negative: " + firstOffset);
        }
        long lastOffset = firstOffset + Math.max(0, bytes.length - 1);
        int offsetDigits = Math.max(8, (64 - Long.numberOfLeadingZeros(lastOffset) + 3) / 4);
        StringBuilder out = new StringBuilder(Math.min(bytes.length / BYTES_PER_LINE * 80 + 80, 1 << 20));
        boolean collapsed = false;
        boolean anyCollapsed = false;
        for (int lineStart = 0; lineStart < bytes.length; lineStart += BYTES_PER_LINE) {
            int count = Math.min(BYTES_PER_LINE, bytes.length - lineStart);
            if (count == BYTES_PER_LINE && lineStart > 0 && sameAsLineBefore(bytes, lineStart)) {
                if (!collapsed) {
                    out.append("\n*");
                    collapsed = true;
                    anyCollapsed = true;
                }
                continue;
            }
            collapsed = false;
            if (lineStart > 0) {
                out.append('\n');
            }
            appendLine(out, firstOffset + lineStart, offsetDigits, bytes, lineStart, count);
        }
        if (anyCollapsed && collapsed) {
            String end = Long.toHexString(firstOffset + bytes.length);
            out.append('\n').append("0".repeat(Math.max(0, offsetDigits - end.length()))).append(end);
        }
        return out.toString();
    }

    private static boolean sameAsLineBefore(byte[] bytes, int lineStart) {
        return java.util.Arrays.equals(bytes, lineStart, lineStart + BYTES_PER_LINE,
                bytes, lineStart - BYTES_PER_LINE, lineStart);
    }

    private static void appendLine(StringBuilder out, long offset, int offsetDigits, byte[] bytes, int from,
            int count) {
        String hexOffset = Long.toHexString(offset);
        out.append("0".repeat(offsetDigits - hexOffset.length())).append(hexOffset).append(' ');
        for (int column = 0; column < BYTES_PER_LINE; column++) {
            out.append(column == BYTES_PER_LINE / 2 ? "  " : " ");
            if (column < count) {
                int value = bytes[from + column] & 0xff;
                out.append(HEX_DIGITS[value >>> 4]).append(HEX_DIGITS[value & 0xf]);
            } else {
                out.append("  ");
            }
        }
        out.append("  |");
        for (int column = 0; column < count; column++) {
            int value = bytes[from + column] & 0xff;
            out.append(value >= 0x20 && value < 0x7f ? (char) value : '.');
        }
        out.append('|');
    }
}
