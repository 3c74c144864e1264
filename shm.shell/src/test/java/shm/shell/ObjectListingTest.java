package shm.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

import shm.api.HolderInfo;
import shm.api.ObjectInfo;
import shm.api.ObjectType;

class ObjectListingTest {

    @Test
    void columnsAreAsWideAsTheirWidestCellAndNumbersAlignRight() {
        List<ObjectInfo> objects = List.of(
                new ObjectInfo("demo", ObjectType.SHARED_MEMORY, 4096, 4096, List.of(new HolderInfo(4711, 1))),
                new ObjectInfo("a-much-longer-name", ObjectType.SHARED_MEMORY, 1048576, 1000,
                        List.of(new HolderInfo(12, 2), new HolderInfo(345678, 1))),
                new ObjectInfo("lock", ObjectType.MUTEX, 0, 0, List.of()));
        String expected = String.join("\n",
                "NAME                TYPE              SIZE  LOGICAL  HOLDERS",
                "demo                SHARED_MEMORY     4096     4096  4711 (p) x1",
                "a-much-longer-name  SHARED_MEMORY  1048576     1000  12 (p) x2, 345678 (p) x1",
                "lock                MUTEX                0        0  -");
        assertEquals(expected, ObjectListing.format(objects, pid -> "p"));
    }

    @Test
    void noObjectsSaysSo() {
        assertEquals("no objects", ObjectListing.format(List.of(), pid -> "p"));
    }

    @Test
    void controlCharactersInNamesCannotBreakTheTable() {
        String table = ObjectListing.format(
                List.of(new ObjectInfo("bad\nname", ObjectType.EVENT, 1, 1, List.of(new HolderInfo(1, 1)))), pid -> "p");
        assertEquals(2, table.lines().count());
        assertEquals("bad\\u000Aname  EVENT     1        1  1 (p) x1", table.lines().toList().get(1));
    }

    @Test
    void unnamedObjectsAreMarked() {
        String table = ObjectListing.format(List.of(new ObjectInfo(null, ObjectType.SHARED_MEMORY, 8, 8, List.of())), pid -> "p");
        assertEquals("(unnamed)  SHARED_MEMORY     8        8  -", table.lines().toList().get(1));
    }

    @Test
    void holdersAreWrittenPidTimesHandles() {
        assertEquals("7 (p) x3, 9 (p) x1", ObjectListing.holders(List.of(new HolderInfo(7, 3), new HolderInfo(9, 1)), pid -> "p"));
        assertEquals("-", ObjectListing.holders(List.of(), pid -> "p"));
    }

    @Test
    void eventsMutexesAndSemaphoresAddAStateColumn() {
        String table = ObjectListing.format(java.util.List.of(
                new shm.api.ObjectInfo("data", shm.api.ObjectType.SHARED_MEMORY, 4096, 4096, java.util.List.of()),
                new shm.api.ObjectInfo("go", shm.api.ObjectType.EVENT, 32, 32,
                        java.util.List.of(new shm.api.HolderInfo(7, 1)), "signaled, manual reset, 0 waiting")), pid -> "p");
        org.junit.jupiter.api.Assertions.assertEquals(String.join("\n",
                "NAME  TYPE           SIZE  LOGICAL  HOLDERS   STATE",
                "data  SHARED_MEMORY  4096     4096  -",
                "go    EVENT            32       32  7 (p) x1  signaled, manual reset, 0 waiting"), table);
    }
}
