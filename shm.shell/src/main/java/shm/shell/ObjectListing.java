package shm.shell;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;
import java.util.stream.Collectors;

import shm.api.HolderInfo;
import shm.api.ObjectInfo;

/**
 * Formats the objects of the shared namespace as a table with the columns NAME, TYPE, SIZE, LOGICAL and HOLDERS,
 * and STATE when an event, mutex or semaphore is listed (its state in words).
 * Sizes are in bytes and right-aligned; holders are written {@code pid (process name) x handles}, comma-separated, or
 * {@code -} when the backend names none. Columns are as wide as their widest cell and separated by two spaces; lines are
 * separated by {@code \n} with no trailing spaces and no trailing line break.
 */
final class ObjectListing {

    /** What the table says when there are no objects. */
    static final String EMPTY = "no objects";

    private static final List<String> HEADINGS = List.of("NAME", "TYPE", "SIZE", "LOGICAL", "HOLDERS", "STATE");
    private static final boolean[] RIGHT_ALIGNED = {false, false, true, true, false, false};

    private ObjectListing() {
    }

    /** The table of {@code objects} in the given order, or {@link #EMPTY} when there are none. */
    static String format(List<ObjectInfo> objects) {
        Map<Long, String> names = new HashMap<>();   // once per process, not once per holder of 100,000 objects
        return format(objects, pid -> names.computeIfAbsent(pid, ProcessNames::of));
    }

    /** The table of {@code objects}, naming holder processes with {@code names}. */
    static String format(List<ObjectInfo> objects, LongFunction<String> names) {
        if (objects.isEmpty()) {
            return EMPTY;
        }
        boolean anyState = objects.stream().anyMatch(o -> !OperatorText.state(o.objectState()).isEmpty());
        int columns = anyState ? HEADINGS.size() : HEADINGS.size() - 1;
        List<List<String>> rows = new ArrayList<>(objects.size() + 1);
        rows.add(HEADINGS.subList(0, columns));
        for (ObjectInfo object : objects) {
            rows.add(List.of(
                    object.name() == null ? "(unnamed)" : OperatorText.printable(object.name()),
                    object.type().name(),
                    Long.toString(object.reservedSize()),
                    Long.toString(object.logicalSize()),
                    holders(object.holders(), names),
                    OperatorText.state(object.objectState())).subList(0, columns));
        }
        int[] widths = new int[columns];
        for (List<String> row : rows) {
            for (int column = 0; column < widths.length; column++) {
                widths[column] = Math.max(widths[column], row.get(column).length());
            }
        }
        return rows.stream().map(row -> line(row, widths)).collect(Collectors.joining("\n"));
    }

    /** The holders as {@code pid (name) x handles}, comma-separated; {@code -} for none. */
    static String holders(List<HolderInfo> holders) {
        return holders(holders, ProcessNames::of);
    }

    /** The holders as {@code pid (name) x handles} with names from {@code names}; {@code -} for none. */
    static String holders(List<HolderInfo> holders, LongFunction<String> names) {
        if (holders.isEmpty()) {
            return "-";
        }
        return holders.stream()
                .map(holder -> holder.pid() + " (" + names.apply(holder.pid()) + ") x" + holder.handles())
                .collect(Collectors.joining(", "));
    }

    private static String line(List<String> cells, int[] widths) {
        StringBuilder out = new StringBuilder();
        for (int column = 0; column < cells.size(); column++) {
            if (column > 0) {
                out.append("  ");
            }
            String cell = cells.get(column);
            String padding = " ".repeat(widths[column] - cell.length());
            out.append(RIGHT_ALIGNED[column] ? padding + cell : cell + padding);
        }
        return out.toString().stripTrailing();
    }
}
