package shm.shell;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** A table in columns as wide as their widest cell, two spaces apart, without trailing spaces. */
final class TextTable {

    private TextTable() {
    }

    /** The headings and the rows (one cell per heading), one line each, joined by {@code \n}. */
    static String format(List<String> headings, List<List<String>> rows) {
        List<List<String>> all = new ArrayList<>(rows.size() + 1);
        all.add(headings);
        rows.forEach(row -> all.add(row.stream().map(OperatorText::printable).toList()));
        int[] widths = new int[headings.size()];
        for (List<String> row : all) {
            for (int column = 0; column < widths.length; column++) {
                widths[column] = Math.max(widths[column], row.get(column).length());
            }
        }
        return all.stream().map(row -> {
            StringBuilder line = new StringBuilder();
            for (int column = 0; column < row.size(); column++) {
                line.append(column == 0 ? "" : "  ").append(row.get(column))
                        .append(" ".repeat(widths[column] - row.get(column).length()));
            }
            return line.toString().stripTrailing();
        }).collect(Collectors.joining("\n"));
    }
}
