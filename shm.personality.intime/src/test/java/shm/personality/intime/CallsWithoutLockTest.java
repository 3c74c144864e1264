package shm.personality.intime;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import shm.testkit.Await;

/**
 * The door of the calls made without the process's lock: a move or end of the process that shuts it waits for the
 * operation under way (so a set never meets its event closed half-way), and no operation starts once it is shut.
 */
class CallsWithoutLockTest {

    @RegisterExtension
    final IntimeFixture store = new IntimeFixture();

    @Test
    void shuttingTheDoorWaitsForTheOperationUnderWayAndLetsNoneStart() throws InterruptedException {
        IntimeProcess process = new IntimeProcess(store.backend, IntimeSettings.defaults());
        try {
            CallsWithoutLock door = new CallsWithoutLock();
            assertNull(door.enter(), "shut until a process serves");
            door.open(process);
            assertSame(process, door.serving());
            assertSame(process, door.enter(), "an operation starts");

            Thread mover = Thread.ofPlatform().start(door::stop);
            Await.until("the mover shut the door", () -> door.serving() == null);
            assertNull(door.enter(), "no operation starts once the door is shut");
            assertTrue(mover.isAlive(), "the mover waits for the operation under way");

            door.exit();
            mover.join(Await.DEADLINE);
            assertFalse(mover.isAlive(), "the operation ended: the mover goes on");
            assertNull(door.serving());
            door.open(process);
            assertNotNull(door.enter(), "open again for the next process");
            door.exit();
        } finally {
            process.close();
        }
    }
}
