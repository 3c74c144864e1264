package shm.personality.rtx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static shm.api.rtx.RtxConstants.PAGE_READWRITE;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import shm.api.inspect.InspectionTable;
import shm.api.rtx.RtxResult;

/** The operator's view of an RTX process's handle table: one row per open handle, gone with its close. */
class RtxHandlesTableTest {

    @RegisterExtension
    final RtxFixture store = new RtxFixture();

    @Test
    void listsEachOpenHandleWithWhatItHolds() {
        RtxPersonality rtx = store.rtss();
        assertEquals(List.of(), rtx.handleTable().rows());
        RtxResult memory = rtx.RtCreateSharedMemory(PAGE_READWRITE, 0, 4096, "table.image");
        RtxResult event = rtx.RtCreateEvent(false, false, "table.ready");
        assertTrue(memory.succeeded() && event.succeeded());

        InspectionTable table = rtx.handleTable();
        assertEquals(List.of("HANDLE", "API", "TYPE", "NAME", "SIZE", "BACKEND"), table.columns());
        assertEquals(2, table.rows().size(), table.toString());
        assertEquals(List.of("0x" + Long.toHexString(memory.handle()), "RT", "SHARED_MEMORY", "table.image", "4096"),
                table.rows().get(0).subList(0, 5));
        assertEquals(List.of("0x" + Long.toHexString(event.handle()), "RT", "EVENT", "table.ready", "-"),
                table.rows().get(1).subList(0, 5));

        assertTrue(rtx.RtCloseHandle(memory.handle()));
        assertEquals(List.of("table.ready"), rtx.handleTable().rows().stream().map(row -> row.get(3)).toList());
        assertTrue(rtx.RtCloseHandle(event.handle()));
        assertEquals(List.of(), rtx.handleTable().rows());
    }
}
