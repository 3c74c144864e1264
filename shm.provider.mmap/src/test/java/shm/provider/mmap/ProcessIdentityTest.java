package shm.provider.mmap;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
}
