package shm.shell;

import java.util.HexFormat;

/**
 * Reads bytes an operator types in hexadecimal: pairs of hex digits, optionally separated by spaces, colons or
 * dashes, optionally starting with {@code 0x}. {@code "48656c6c6f"}, {@code "48 65 6c 6c 6f"} and
 * {@code "0x48:65:6C"} are all accepted.
 */
final class HexBytes {

    private HexBytes() {
    }

    /**
     * Reads the bytes {@code text} spells.
     *
     * @throws IllegalArgumentException with a one-line message when {@code text} holds no bytes, a character that is
     *                                  not a hex digit or separator, or an odd number of hex digits
     */
    static byte[] parse(String text) {
        String digits = text.strip();
        if (digits.startsWith("0x") || digits.startsWith("0X")) {
            digits = digits.substring(2);
        }
        digits = digits.replaceAll("[\\s:-]", "");
        if (digits.isEmpty()) {
            throw new IllegalArgumentException("no hex bytes given");
        }
        for (int i = 0; i < digits.length(); i++) {
            if (Character.digit(digits.charAt(i), 16) < 0) {
                throw new IllegalArgumentException(
                        "'" + text + "' is not hex bytes: '" + digits.charAt(i) + "' is not a hex digit");
            }
        }
        if (digits.length() % 2 != 0) {
            throw new IllegalArgumentException(
                    "'" + text + "' is not hex bytes: it has an odd number of hex digits");
        }
        return HexFormat.of().parseHex(digits);
    }
}
