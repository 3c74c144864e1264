package shm.shell;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the byte counts an operator types: decimal bytes ({@code 4096}), hexadecimal bytes ({@code 0x1000}) or a
 * decimal number with a binary unit ({@code 4k} = 4096, {@code 1M} = 1048576, {@code 2G} = 2147483648; the unit's
 * case does not matter).
 */
final class ByteCounts {

    /** What every error message tells the operator to type instead. */
    static final String ACCEPTED_FORMS = "use bytes (4096, 0x1000) or a number with k, M or G (4k, 1M, 2G)";

    private static final Pattern DECIMAL_WITH_UNIT = Pattern.compile("([0-9]+)([kKmMgG]?)");
    private static final Pattern HEXADECIMAL = Pattern.compile("0[xX]([0-9a-fA-F]+)");

    private ByteCounts() {
    }

    /**
     * Reads the size of a new object: at least one byte.
     *
     * @throws IllegalArgumentException with a one-line message when {@code text} is not a byte count or is zero
     */
    static long parseSize(String text) {
        long size = parse(text);
        if (size < 1) {
            throw new IllegalArgumentException("a size must be at least 1 byte, not " + text);
        }
        return size;
    }

    /**
     * Reads an offset or a length: zero or more bytes.
     *
     * @throws IllegalArgumentException with a one-line message when {@code text} is not a byte count
     */
    static long parseCount(String text) {
        return parse(text);
    }

    private static long parse(String text) {
        String trimmed = text == null ? "" : text.strip();
        Matcher hex = HEXADECIMAL.matcher(trimmed);
        if (hex.matches()) {
            return checked(text, () -> Long.parseLong(hex.group(1), 16));
        }
        Matcher decimal = DECIMAL_WITH_UNIT.matcher(trimmed);
        if (!decimal.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a byte count: " + ACCEPTED_FORMS);
        }
        long number = checked(text, () -> Long.parseLong(decimal.group(1)));
        int shift = switch (decimal.group(2).toLowerCase(Locale.ROOT)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            default -> 0;
        };
        if (number > (Long.MAX_VALUE >> shift)) {
            throw tooLarge(text);
        }
        return number << shift;
    }

    private static long checked(String text, java.util.function.LongSupplier parser) {
        try {
            return parser.getAsLong();
        } catch (NumberFormatException overflow) {
            throw tooLarge(text);
        }
    }

    private static IllegalArgumentException tooLarge(String text) {
        return new IllegalArgumentException("'" + text + "' is too large for a byte count");
    }
}
