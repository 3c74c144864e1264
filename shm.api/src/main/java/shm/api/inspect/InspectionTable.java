package shm.api.inspect;

import java.util.List;
import java.util.Objects;

/**
 * A snapshot of one table of a personality instance, as an operator reads it: column headings and rows of cells in
 * the same order, already in words (handles in the vendor's hexadecimal, sizes in bytes).
 *
 * @param name    the table's name, as {@link PersonalityInspection#tables()} lists it
 * @param columns the headings
 * @param rows    the rows, each with one cell per column; empty when the table has none
 */
public record InspectionTable(String name, List<String> columns, List<List<String>> rows) {

    /** Copies the lists and checks that every row has one cell per column. */
    public InspectionTable {
        Objects.requireNonNull(name, "name");
        columns = List.copyOf(columns);
        rows = rows.stream().map(List::copyOf).toList();
        for (List<String> row : rows) {
            if (row.size() != columns.size()) {
                throw new IllegalArgumentException("a row of " + name + " has " + row.size() + " cells for "
                        + columns.size() + " columns: " + row);
            }
        }
    }
}
