package shm.personality.intime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static shm.api.intime.IntimeConstants.NULL_RTHANDLE;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import shm.api.intime.Iwin32Result;
import shm.api.inspect.InspectionTable;

/** The operator's tables of an INtime process: its iwin32 handles, the GDT, its catalog and the pools. */
class IntimeTablesViewTest {

    @RegisterExtension
    final IntimeFixture store = new IntimeFixture();

    @Test
    void showsHandlesSlotsNamesAndPools() {
        IntimePersonality a = store.process();
        IntimePersonality b = store.process();
        Iwin32Result image = a.RtCreateSharedMemory(0, 0, 8192, "tables.image");
        assertTrue(image.succeeded());
        int memory = a.CreateRtMemoryHandle(a.AllocateRtMemory(4096).address(), 4096).handle();
        assertTrue(a.CatalogRtHandle(NULL_RTHANDLE, memory, "TBL"));

        InspectionTable handles = a.table("handles");
        assertEquals(List.of(List.of("0x" + Long.toHexString(image.handle()), "SHARED_MEMORY", "tables.image",
                "8192", "this process")), handles.rows());

        InspectionTable gdt = b.table("gdt");
        assertEquals(1, gdt.rows().size(), "the GDT is system-wide: b sees a's slot");
        assertEquals(String.format("0x%04X", memory), gdt.rows().get(0).get(0));
        assertEquals("4096", gdt.rows().get(0).get(4));
        assertEquals(Long.toString(ProcessHandle.current().pid()), gdt.rows().get(0).get(5));
        assertEquals("no", gdt.rows().get(0).get(6));
        assertEquals("yes", a.table("gdt").rows().get(0).get(6));

        assertEquals(List.of("TBL", String.format("0x%04X", memory)),
                a.table("catalog").rows().get(0).subList(1, 3));
        assertEquals(List.of(), b.table("catalog").rows(), "b catalogued nothing");

        List<List<String>> pools = a.table("pools").rows();
        assertEquals("iwin32 (SegSize)", pools.get(0).get(0));
        assertEquals("8192", pools.get(0).get(2), "the iwin32 object is charged to the pool");
        assertEquals("4096", pools.get(1).get(2), "the allocated kernel memory");

        assertThrows(IllegalArgumentException.class, () -> a.table("nothing"));
    }
}
