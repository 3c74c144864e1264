package shm.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ByteCountsTest {

    @ParameterizedTest
    @CsvSource({
        "4096, 4096",
        "1, 1",
        "4k, 4096",
        "4K, 4096",
        "1M, 1048576",
        "1m, 1048576",
        "2G, 2147483648",
        "2g, 2147483648",
        "0x1000, 4096",
        "0X1f, 31",
        "' 64 ', 64"
    })
    void readsDecimalHexAndBinaryUnits(String text, long expected) {
        assertEquals(expected, ByteCounts.parseSize(text));
    }

    @Test
    void largestUnitValueThatFitsIsAcceptedAndOneMoreIsTooLarge() {
        assertEquals(8589934591L << 30, ByteCounts.parseSize("8589934591G"));
        IllegalArgumentException failure =
                assertThrows(IllegalArgumentException.class, () -> ByteCounts.parseSize("8589934592G"));
        assertEquals("'8589934592G' is too large for a byte count", failure.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "4q", "k", "4kb", "-1", "1.5M", "4 k", "0x", "0xg1", "four", "4T"})
    void rejectsWhatIsNotAByteCountAndSaysWhatToType(String text) {
        IllegalArgumentException failure =
                assertThrows(IllegalArgumentException.class, () -> ByteCounts.parseCount(text));
        assertTrue(failure.getMessage().contains("'" + text + "' is not a byte count"), failure.getMessage());
        assertTrue(failure.getMessage().contains(ByteCounts.ACCEPTED_FORMS), failure.getMessage());
        assertEquals(1, failure.getMessage().lines().count());
    }

    @Test
    void rejectsNumbersTooLargeForALong() {
        IllegalArgumentException decimal =
                assertThrows(IllegalArgumentException.class, () -> ByteCounts.parseCount("99999999999999999999"));
        assertEquals("'99999999999999999999' is too large for a byte count", decimal.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ByteCounts.parseCount("0x10000000000000000"));
    }

    @Test
    void sizeMustBeAtLeastOneByteButCountsMayBeZero() {
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class, () -> ByteCounts.parseSize("0"));
        assertEquals("a size must be at least 1 byte, not 0", zero.getMessage());
        assertEquals(0, ByteCounts.parseCount("0"));
        assertEquals(0, ByteCounts.parseCount("0k"));
    }

    @Test
    void nullIsRejectedAsNotAByteCount() {
        assertThrows(IllegalArgumentException.class, () -> ByteCounts.parseCount(null));
    }
}
