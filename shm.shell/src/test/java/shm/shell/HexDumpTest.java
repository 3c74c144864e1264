package shm.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class HexDumpTest {

    @Test
    void fullLineShowsOffsetHexWithMiddleGapAndAscii() {
        byte[] bytes = "hello, shared mem".substring(0, 16).getBytes(StandardCharsets.US_ASCII);
        assertEquals("00000000  68 65 6c 6c 6f 2c 20 73  68 61 72 65 64 20 6d 65  |hello, shared me|",
                HexDump.format(0, bytes));
    }

    @Test
    void partialLastLineIsPaddedSoTheAsciiColumnLinesUp() {
        byte[] bytes = new byte[20];
        System.arraycopy("hello".getBytes(StandardCharsets.US_ASCII), 0, bytes, 0, 5);
        bytes[16] = 'x';
        bytes[17] = 0x7f;
        bytes[18] = (byte) 0xff;
        bytes[19] = ' ';
        String expected = String.join("\n",
                "00000000  68 65 6c 6c 6f 00 00 00  00 00 00 00 00 00 00 00  |hello...........|",
                "00000010  78 7f ff 20                                       |x.. |");
        assertEquals(expected, HexDump.format(0, bytes));
        String[] lines = HexDump.format(0, bytes).split("\n");
        assertEquals(lines[0].indexOf('|'), lines[1].indexOf('|'));
    }

    @Test
    void offsetsStartAtTheGivenOffset() {
        byte[] bytes = new byte[17];
        String[] lines = HexDump.format(0x100, bytes).split("\n");
        assertEquals(2, lines.length);
        assertEquals("00000100", lines[0].substring(0, 8));
        assertEquals("00000110", lines[1].substring(0, 8));
    }

    @Test
    void offsetsGrowBeyondEightDigitsWhenNeeded() {
        assertEquals("100000000  41", HexDump.format(0x1_0000_0000L, new byte[] {'A'}).substring(0, 13));
        assertEquals("ffffffff  42", HexDump.format(0xffff_ffffL, new byte[] {'B'}).substring(0, 12));
    }

    @Test
    void nothingToShowGivesEmptyText() {
        assertEquals("", HexDump.format(12, new byte[0]));
    }

    @Test
    void negativeOffsetIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> HexDump.format(-1, new byte[1]));
    }
}
