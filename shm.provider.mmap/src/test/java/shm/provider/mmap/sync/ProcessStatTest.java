package shm.provider.mmap.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Test;

/** Reading a process's state and start time from {@code /proc/<pid>/stat}. */
class ProcessStatTest {

    @Test
    void fieldsAreCountedAfterTheLastParenthesis() {
        String line = "4242 (a) b (c)) S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 10";
        assertEquals(Optional.of(new ProcessStat('S', 987654)), ProcessStat.parse(line));
    }

    @Test
    void zombiesAndDeadProcessesDoNotRun() {
        String zombie = "77 (java) Z 1 77 77 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 555 0 0";
        ProcessStat stat = ProcessStat.parse(zombie).orElseThrow();
        assertEquals('Z', stat.state());
        assertFalse(stat.running());
        assertFalse(new ProcessStat('X', 1).running());
        assertTrue(new ProcessStat('D', 1).running());
    }

    @Test
    void malformedLinesGiveNothing() {
        assertEquals(Optional.empty(), ProcessStat.parse("no parenthesis at all"));
        assertEquals(Optional.empty(), ProcessStat.parse("1 (x) S 1 2"));
        assertEquals(Optional.empty(), ProcessStat.parse("1 (x) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 x"));
    }

    @Test
    void thisProcessRunsAndAbsentPidsGiveNothing() {
        ProcessStat self = ProcessStat.self();
        assertTrue(self.running());
        assertTrue(self.startTime() > 0);
        assertEquals(Optional.of(self.startTime()),
                ProcessStat.of(ProcessHandle.current().pid()).map(ProcessStat::startTime));
        assertEquals(Optional.empty(), ProcessStat.of(0));
        assertEquals(Optional.empty(), ProcessStat.of(-3));
        assertEquals(Optional.empty(), ProcessStat.of(Integer.MAX_VALUE));
    }
}
