package shm.personality.intime;

import static shm.api.intime.IntimeConstants.CATALOG_NAME_MAX;
import static shm.api.intime.IntimeConstants.E_PARAM;
import static shm.api.intime.IntimeConstants.MAX_PATH;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

import shm.api.ErrorReason;

/**
 * The key an object-directory name is stored under. A short name ({@code CatalogRtHandle}) is its own key: 1 to 12
 * bytes, any byte but NUL, case-sensitive. A long name ({@code CatalogRtHandleLong}) of up to {@code MAX_PATH} bytes
 * including the NUL is hashed to a 12-byte key, as INtime stores "a short name based on a unique key": {@code '~'} and
 * the first 11 characters of the URL-safe Base64 of the name's SHA-256 (66 bits). Lengths are counted in UTF-8 bytes,
 * the bytes a C caller would pass.
 */
final class CatalogName {

    private static final int LONG_KEY_CHARS = 11;

    private CatalogName() {
    }

    /**
     * The directory key of {@code name}.
     *
     * @param longName whether the name came through a {@code ...Long} call
     * @throws shm.api.ShmException E_PARAM for a missing, empty, too long or NUL-containing name
     */
    static String key(String name, boolean longName) {
        if (name == null) {
            throw bad(null, "the name pointer is NULL");
        }
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        int max = longName ? MAX_PATH - 1 : CATALOG_NAME_MAX;
        if (bytes.length == 0) {
            throw bad(name, "a catalog name has 1 to " + max + " bytes; this one is empty");
        }
        if (name.indexOf('\0') >= 0) {
            throw bad(name, "a catalog name may hold any byte except NUL");
        }
        if (bytes.length > max) {
            throw bad(name, longName
                    ? "a long catalog name is limited to MAX_PATH (" + MAX_PATH + ") bytes including the NUL; this one"
                    + " has " + bytes.length + " bytes"
                    : "a catalog name is at most " + CATALOG_NAME_MAX + " bytes; this one has " + bytes.length
                    + " (use the ...Long calls for longer names)");
        }
        return longName ? hashed(bytes) : name;
    }

    private static String hashed(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return "~" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, LONG_KEY_CHARS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static shm.api.ShmException bad(String name, String rule) {
        return IntimeErrors.rt(ErrorReason.INVALID_NAME, E_PARAM, name, rule);
    }
}
