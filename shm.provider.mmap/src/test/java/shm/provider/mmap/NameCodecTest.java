package shm.provider.mmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import shm.api.ErrorReason;
import shm.api.ShmException;

class NameCodecTest {

    @ParameterizedTest
    @ValueSource(strings = {"pump", "Pump", "a.b-c_d", ".", "..", "...", "../escape", "/etc/passwd", "a/../../b",
            "back\\slash", "Global\\name", "tab\there", "new\nline", "\u0001\u007f", "percent%41", "space name",
            "Grüße", "日本語の名前", "emoji \uD83D\uDE80", "%", "%%2F"})
    void everyValidNameRoundTripsToASafeFileName(String name) {
        String file = NameCodec.fileName(name);
        assertTrue(file.startsWith("n."), file);
        assertFalse(file.contains("/"), file);
        assertFalse(file.contains("\0"), file);
        assertNotEquals(".", file);
        assertNotEquals("..", file);
        assertTrue(file.chars().allMatch(c -> c > 0x20 && c < 0x7f), "printable ASCII only: " + file);
        assertTrue(file.length() <= NameCodec.MAX_FILE_NAME);
        assertEquals(Optional.of(name), NameCodec.nameOf(file));
    }

    @Test
    void encodingIsDocumentedPercentEscapingOfUtf8() {
        assertEquals("n.pump.1", NameCodec.fileName("pump.1"));
        assertEquals("n.%2E%2E%2Fx".replace("%2E", "."), NameCodec.fileName("../x"));
        assertEquals("n.a%2Fb", NameCodec.fileName("a/b"));
        assertEquals("n.%C3%BC", NameCodec.fileName("ü"));
        assertEquals("n.%25", NameCodec.fileName("%"));
    }

    @Test
    void caseIsKept() {
        assertNotEquals(NameCodec.fileName("Pump"), NameCodec.fileName("pump"));
    }

    @Test
    void longNamesGetAHashedFileNameOfFixedLength() {
        String ascii = "x".repeat(254);
        String hashed = NameCodec.fileName(ascii);
        assertTrue(NameCodec.isHashed(hashed), hashed);
        assertEquals(66, hashed.length());
        assertEquals(Optional.empty(), NameCodec.nameOf(hashed));
        assertNotEquals(hashed, NameCodec.fileName("x".repeat(255)));
        String justFits = "x".repeat(253);
        assertEquals("n." + justFits, NameCodec.fileName(justFits));
        String unicode = "ü".repeat(100);
        assertTrue(NameCodec.isHashed(NameCodec.fileName(unicode)));
        assertEquals(NameCodec.fileName(unicode), NameCodec.fileName(unicode));
    }

    @Test
    void namesUpToTheHeaderCapacityAreValidAndLongerOnesAreRefused() {
        NameCodec.fileName("y".repeat(ObjectHeader.MAX_NAME_BYTES));
        ShmException e = assertThrows(ShmException.class,
                () -> NameCodec.fileName("y".repeat(ObjectHeader.MAX_NAME_BYTES + 1)));
        assertEquals(ErrorReason.INVALID_NAME, e.reason());
        assertTrue(e.getMessage().contains("at most 4032 bytes"), e.getMessage());
    }

    @Test
    void emptyNulAndBrokenUnicodeAreRefusedWithTheRule() {
        assertRefused("", "must not be empty");
        assertRefused("a\0b", "must not contain NUL");
        assertRefused("\0", "must not contain NUL");
        assertRefused("bad \uD800 surrogate", "valid Unicode");
        assertThrows(ShmException.class, () -> NameCodec.fileName(null));
    }

    private static void assertRefused(String name, String rule) {
        ShmException e = assertThrows(ShmException.class, () -> NameCodec.fileName(name));
        assertEquals(ErrorReason.INVALID_NAME, e.reason());
        assertTrue(e.getMessage().contains(rule), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"foo", "n.%41", "n.%2f", "n.%2", "n.%", "n.a b", "n.\u00fc", "u.12.3", ".t.1.2", "h.abc",
            "n.%FF", "N.abc", "n.%C3"})
    void fileNamesThatEncodingDoesNotProduceAreNotOurs(String fileName) {
        assertEquals(Optional.empty(), NameCodec.nameOf(fileName));
    }
}
