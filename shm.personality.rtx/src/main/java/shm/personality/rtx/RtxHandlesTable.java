package shm.personality.rtx;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;

import shm.api.NamedEvent;
import shm.api.NamedMutex;
import shm.api.NamedSemaphore;
import shm.api.inspect.InspectionTable;
import shm.api.spi.BackendHandle;

/** The operator's view of an RTX "process"'s handle table: one row per open handle. */
final class RtxHandlesTable {

    /** The table's name. */
    static final String NAME = "handles";
    private static final List<String> COLUMNS = List.of("HANDLE", "API", "TYPE", "NAME", "SIZE", "BACKEND");

    private RtxHandlesTable() {
    }

    /** The rows of {@code handles}, by handle value. */
    static InspectionTable of(SortedMap<Long, HandleTable.OpenHandle> handles) {
        List<List<String>> rows = new ArrayList<>();
        handles.forEach((value, open) -> {
            String type;
            String name;
            String size;
            switch (open.resource()) {
                case BackendHandle memory -> {
                    type = "SHARED_MEMORY";
                    name = memory.name();
                    size = Long.toString(open.location().byteSize());
                }
                case NamedEvent event -> {
                    type = "EVENT";
                    name = event.name().orElse(null);
                    size = "-";
                }
                case NamedMutex mutex -> {
                    type = "MUTEX";
                    name = mutex.name().orElse(null);
                    size = "-";
                }
                case NamedSemaphore semaphore -> {
                    type = "SEMAPHORE";
                    name = semaphore.name().orElse(null);
                    size = "-";
                }
                default -> {
                    type = open.resource().getClass().getSimpleName();
                    name = null;
                    size = "-";
                }
            }
            rows.add(List.of("0x" + Long.toHexString(value), open.family().name(), type,
                    name == null ? "(unnamed)" : name, size,
                    open.isParked() ? "(parked: waits for a backend)" : open.owner().type()));
        });
        return new InspectionTable(NAME, COLUMNS, rows);
    }
}
