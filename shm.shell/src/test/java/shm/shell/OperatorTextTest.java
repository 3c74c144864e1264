package shm.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

import shm.api.HolderInfo;
import shm.api.ObjectInfo;
import shm.api.ObjectState;
import shm.api.ObjectType;

/** The shell renders the typed state of events, mutexes and semaphores in words; the backend gives data only. */
class OperatorTextTest {

    @Test
    void eachStateReadsAsBefore() {
        assertEquals("", OperatorText.state(ObjectState.NONE));
        assertEquals("signaled, manual reset, 0 waiting", OperatorText.state(new ObjectState.Event(true, true, 0)));
        assertEquals("not signaled, auto reset, 2 waiting", OperatorText.state(new ObjectState.Event(false, false, 2)));
        assertEquals("free", OperatorText.state(ObjectState.Mutex.FREE));
        assertEquals("owned by pid 4711 thread 9 (1 level)", OperatorText.state(new ObjectState.Mutex(4711, 9, 1)));
        assertEquals("owned by pid 4711 thread 9 (3 levels)", OperatorText.state(new ObjectState.Mutex(4711, 9, 3)));
        assertEquals("count 1 of 2", OperatorText.state(new ObjectState.Semaphore(1, 2)));
        assertEquals("unreadable (gone)", OperatorText.state(new ObjectState.Unreadable("gone")));
        assertEquals("as a 1.0 backend said it", OperatorText.state(new ObjectState.Text("as a 1.0 backend said it")));
    }

    @Test
    void theListingShowsTheStateColumnOnlyWhenAnObjectHasState() {
        String table = ObjectListing.format(List.of(
                new ObjectInfo("mem", ObjectType.SHARED_MEMORY, 4096, 4096, List.of(new HolderInfo(1, 1))),
                new ObjectInfo("sem", ObjectType.SEMAPHORE, 64, 64, List.of(new HolderInfo(1, 1)),
                        new ObjectState.Semaphore(0, 5))));
        assertEquals("""
                NAME  TYPE           SIZE  LOGICAL  HOLDERS  STATE
                mem   SHARED_MEMORY  4096     4096  1x1
                sem   SEMAPHORE        64       64  1x1      count 0 of 5""", table);
    }
}
