package shm.provider.mmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

class ProcessIdentityTest {

    @Test
    void thisProcessIsAliveAndAReusedPidWithAnotherStartTimeIsNot() {
        ProcessIdentity self = ProcessIdentity.current();
        assertTrue(self.isAlive());
        assertFalse(new ProcessIdentity(self.pid(), self.startTime() + 1).isAlive(),
                "same pid, other start time: a different process");
        assertFalse(new ProcessIdentity(Integer.MAX_VALUE, 1).isAlive());
    }

    @Test
    void startTimeIsField22CountedAfterTheLastParenthesis() {
        String stat = "4242 (a) b (c)) S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 10";
        assertEquals(OptionalLong.of(987654), ProcessIdentity.parseStartTime(stat));
        assertEquals(OptionalLong.empty(), ProcessIdentity.parseStartTime("garbage"));
        assertEquals(OptionalLong.empty(), ProcessIdentity.parseStartTime("1 (x) S 1 2"));
        assertEquals(OptionalLong.empty(), ProcessIdentity.parseStartTime(stat.replace(")) S ", ")) Z ")),
                "a zombie holds nothing any more");
    }
}
