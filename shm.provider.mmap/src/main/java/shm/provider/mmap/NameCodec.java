package shm.provider.mmap;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

import shm.api.ErrorReason;
import shm.api.ShmException;

/**
 * Turns object names into file names that cannot leave the root directory, and back.
 *
 * <p><b>Encoding.</b> The name's UTF-8 bytes; the bytes {@code A-Z a-z 0-9 - _ .} stay as they are, every other byte
 * becomes {@code %XX} (two upper-case hex digits). The file name is {@code "n."} followed by that text. The prefix
 * means a file name is never {@code .} or {@code ..}, and {@code /} and NUL are always escaped, so no name can reach
 * outside the root. Decoding reverses it; a file name that is not exactly what encoding produces is not ours.
 *
 * <p><b>Long names.</b> When the encoded file name would exceed {@link #MAX_FILE_NAME} bytes (Linux allows 255), the
 * file is named {@code "h."} followed by the SHA-256 of the UTF-8 name in lower-case hex; the name itself is in the
 * object's header, which an open compares with the name asked for.
 *
 * <p><b>Names refused</b> with {@link ErrorReason#INVALID_NAME}: the empty name, a name containing NUL (C peers and the
 * vendor APIs end names there), a name that is not valid Unicode (an unpaired surrogate), and a name longer than
 * {@link ObjectHeader#MAX_NAME_BYTES} UTF-8 bytes. Everything else, including {@code ..}, {@code /}, {@code \},
 * control characters and any script, is a valid name.
 */
final class NameCodec {

    /** The longest file name produced for a directly encoded name. */
    static final int MAX_FILE_NAME = 255;
    static final String NAMED_PREFIX = "n.";
    static final String HASHED_PREFIX = "h.";
    static final String UNNAMED_PREFIX = "u.";
    /** Files being created start with a dot, which no encoded name does. */
    static final String TEMPORARY_PREFIX = ".t.";

    private static final HexFormat HEX_UPPER = HexFormat.of().withUpperCase();

    private NameCodec() {
    }

    /** The file name for a valid object name. */
    static String fileName(String name) {
        if (isPlainName(name)) {
            return NAMED_PREFIX.concat(name);   // its own encoding: no bytes or builder on every open's path
        }
        byte[] utf8 = validUtf8(name);
        StringBuilder out = new StringBuilder(NAMED_PREFIX.length() + utf8.length * 3).append(NAMED_PREFIX);
        for (byte b : utf8) {
            if (isPlain(b)) {
                out.append((char) b);
            } else {
                out.append('%').append(HEX_UPPER.toHexDigits(b));
            }
        }
        return out.length() <= MAX_FILE_NAME ? out.toString() : HASHED_PREFIX + sha256(utf8);
    }

    /** Whether a file name is a hashed one, whose object name must be read from the header. */
    static boolean isHashed(String fileName) {
        return fileName.startsWith(HASHED_PREFIX) && fileName.length() == HASHED_PREFIX.length() + 64;
    }

    /**
     * The object name a directly encoded file name stands for; empty when the file name is not one this codec
     * produces (hashed, unnamed, temporary or foreign files).
     */
    static Optional<String> nameOf(String fileName) {
        if (!fileName.startsWith(NAMED_PREFIX)) {
            return Optional.empty();
        }
        byte[] bytes = new byte[fileName.length()];
        int length = 0;
        for (int i = NAMED_PREFIX.length(); i < fileName.length(); i++) {
            char c = fileName.charAt(i);
            if (c == '%' && i + 2 < fileName.length() && isUpperHex(fileName.charAt(i + 1))
                    && isUpperHex(fileName.charAt(i + 2))) {
                bytes[length++] = (byte) HexFormat.fromHexDigits(fileName, i + 1, i + 3);
                i += 2;
            } else if (c < 0x80 && isPlain((byte) c)) {
                bytes[length++] = (byte) c;
            } else {
                return Optional.empty();
            }
        }
        String name;
        try {
            name = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes, 0, length)).toString();
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
        try {
            return fileName.equals(fileName(name)) ? Optional.of(name) : Optional.empty();
        } catch (ShmException e) {
            return Optional.empty();
        }
    }

    /**
     * Whether a file name read from the table or the root is exactly one this codec (or the backend, for unnamed
     * objects: {@code u.<pid>.<16 lower-case hex digits>}) writes for an object. Every name taken from the table is
     * checked with this before any file call, so a crafted table can never name {@code ../x} or {@code /x}.
     */
    static boolean isObjectFileName(String fileName) {
        if (fileName.startsWith(NAMED_PREFIX)) {
            return nameOf(fileName).isPresent();
        }
        if (fileName.startsWith(HASHED_PREFIX)) {
            return isHashed(fileName) && isLowerHex(fileName, HASHED_PREFIX.length(), fileName.length());
        }
        if (fileName.startsWith(UNNAMED_PREFIX)) {
            int dot = fileName.indexOf('.', UNNAMED_PREFIX.length());
            return dot > UNNAMED_PREFIX.length() && dot <= UNNAMED_PREFIX.length() + 19
                    && isDigits(fileName, UNNAMED_PREFIX.length(), dot) && fileName.charAt(UNNAMED_PREFIX.length()) != '0'
                    && fileName.length() == dot + 17 && isLowerHex(fileName, dot + 1, fileName.length());
        }
        return false;
    }

    /**
     * The pid of the process that wrote a temporary file {@code .t.<pid>.<anything without '/'>}; -1 when the name
     * is not of that form.
     */
    static long temporaryOwner(String fileName) {
        if (!fileName.startsWith(TEMPORARY_PREFIX)) {
            return -1;
        }
        int dot = fileName.indexOf('.', TEMPORARY_PREFIX.length());
        if (dot <= TEMPORARY_PREFIX.length() || dot > TEMPORARY_PREFIX.length() + 10 || dot == fileName.length() - 1
                || !isDigits(fileName, TEMPORARY_PREFIX.length(), dot)
                || fileName.charAt(TEMPORARY_PREFIX.length()) == '0') {
            return -1;
        }
        return Long.parseLong(fileName, TEMPORARY_PREFIX.length(), dot, 10);
    }

    private static boolean isDigits(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return to > from;
    }

    private static boolean isLowerHex(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return to > from;
    }

    /** Checks a name against the rules above and returns its UTF-8 bytes. */
    static byte[] validUtf8(String name) {
        if (name == null || name.isEmpty()) {
            throw invalid(name, "a name must not be empty (create an unnamed object instead)");
        }
        if (name.indexOf('\0') >= 0) {
            throw invalid(name, "a name must not contain NUL (U+0000): C peers and vendor APIs end a name there");
        }
        byte[] utf8 = hasSurrogate(name) ? strictUtf8(name) : name.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > ObjectHeader.MAX_NAME_BYTES) {
            throw invalid(name, "a name must be at most " + ObjectHeader.MAX_NAME_BYTES
                    + " bytes in UTF-8, this one is " + utf8.length);
        }
        return utf8;
    }

    /** Whether a name holds a surrogate char: only then can its UTF-8 encoding fail (an unpaired one). */
    private static boolean hasSurrogate(String name) {
        for (int i = 0; i < name.length(); i++) {
            if (Character.isSurrogate(name.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /** UTF-8 that refuses an unpaired surrogate, where {@link String#getBytes} would write '?' for it. */
    private static byte[] strictUtf8(String name) {
        java.nio.ByteBuffer encoded;
        try {
            encoded = StandardCharsets.UTF_8.newEncoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).encode(java.nio.CharBuffer.wrap(name));
        } catch (CharacterCodingException e) {
            throw invalid(name, "a name must be valid Unicode (it holds an unpaired surrogate)");
        }
        byte[] utf8 = new byte[encoded.remaining()];
        encoded.get(utf8);
        return utf8;
    }

    private static ShmException invalid(String name, String rule) {
        return new ShmException(ErrorReason.INVALID_NAME, name, rule);
    }

    /** Whether {@code name} is valid, short enough to be encoded directly, and made of plain characters only. */
    private static boolean isPlainName(String name) {
        if (name == null || name.isEmpty() || NAMED_PREFIX.length() + name.length() > MAX_FILE_NAME
                || name.length() > ObjectHeader.MAX_NAME_BYTES) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c >= 0x80 || !isPlain((byte) c)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isPlain(byte b) {
        return (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '-' || b == '_'
                || b == '.';
    }

    private static boolean isUpperHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
