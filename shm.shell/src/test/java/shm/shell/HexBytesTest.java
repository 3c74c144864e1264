package shm.shell;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HexBytesTest {

    private static final byte[] HELLO = {0x48, 0x65, 0x6c, 0x6c, 0x6f};

    @ParameterizedTest
    @ValueSource(strings = {"48656c6c6f", "48 65 6c 6c 6f", "0x48656C6C6F", "48:65:6c:6c:6f", "48-65-6c-6c-6f",
        " 4865 6c6c6f "})
    void readsPairsOfHexDigitsWithOptionalSeparators(String text) {
        assertArrayEquals(HELLO, HexBytes.parse(text));
    }

    @Test
    void readsHighBytes() {
        assertArrayEquals(new byte[] {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef}, HexBytes.parse("DEADBEEF"));
    }

    @Test
    void rejectsOddDigitCount() {
        IllegalArgumentException failure = assertThrows(IllegalArgumentException.class, () -> HexBytes.parse("abc"));
        assertEquals("'abc' is not hex bytes: it has an odd number of hex digits", failure.getMessage());
    }

    @Test
    void rejectsNonHexCharacters() {
        IllegalArgumentException failure = assertThrows(IllegalArgumentException.class, () -> HexBytes.parse("4g"));
        assertEquals("'4g' is not hex bytes: 'g' is not a hex digit", failure.getMessage());
    }

    @Test
    void rejectsNothing() {
        assertEquals("no hex bytes given",
                assertThrows(IllegalArgumentException.class, () -> HexBytes.parse(" 0x ")).getMessage());
    }
}
