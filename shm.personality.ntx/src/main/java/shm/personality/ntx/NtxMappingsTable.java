package shm.personality.ntx;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;

import shm.api.intime.IntimeTables;
import shm.api.inspect.InspectionTable;

/** The operator's view of an NTX process's mapping cache: one row per cached mapping. */
final class NtxMappingsTable {

    /** The table's name. */
    static final String NAME = "mappings";
    private static final List<String> COLUMNS = List.of("RTHANDLE", "GDT SLOT", "OBJECT", "OFFSET", "SIZE",
            "ACCESS", "ALIGNED", "BACKEND");

    private NtxMappingsTable() {
    }

    /** The rows of {@code cached}, by GDT slot. */
    static InspectionTable of(SortedMap<Integer, Mapping> cached) {
        List<List<String>> rows = new ArrayList<>();
        cached.forEach((slot, mapping) -> {
            String object = mapping.handle().name();
            rows.add(List.of(String.format("0x%04X", IntimeTables.memoryHandleOfSlot(slot)), Integer.toString(slot),
                    object == null ? "(unnamed)" : object, Long.toString(mapping.descriptor().offset()),
                    Long.toString(mapping.result().address().byteSize()), mapping.writable() ? "read/write" : "read",
                    mapping.aligned() ? "yes" : "no", mapping.owner().type()));
        });
        return new InspectionTable(NAME, COLUMNS, rows);
    }
}
