package shm.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

import shm.api.HolderInfo;
import shm.api.ObjectInfo;
import shm.api.ObjectType;

class ObjectDetailsTest {

    @Test
    void showsEveryFieldWithAlignedLabels() {
        ObjectInfo demo = new ObjectInfo("demo", ObjectType.SHARED_MEMORY, 8192, 4096,
                List.of(new HolderInfo(4711, 2), new HolderInfo(4712, 1)));
        String expected = String.join("\n",
                "name          demo",
                "type          SHARED_MEMORY",
                "size          8192 bytes",
                "logical size  4096 bytes",
                "holders       4711 (p) x2, 4712 (p) x1 (3 handles in all processes)",
                "this shell    1 handle");
        assertEquals(expected, ObjectDetails.format(demo, 1, pid -> "p"));
    }

    @Test
    void saysWhenNoHolderIsKnownAndTheShellHoldsNothing() {
        ObjectInfo lonely = new ObjectInfo("x", ObjectType.EVENT, 1, 1, List.of());
        List<String> lines = ObjectDetails.format(lonely, 0, pid -> "p").lines().toList();
        assertEquals("holders       -", lines.get(4));
        assertEquals("this shell    0 handles", lines.get(5));
    }
}
