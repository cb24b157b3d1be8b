package dev.kiln.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Left-aligned columns, two spaces apart; numbers right-aligned so they line up. */
final class Table {

    private final List<String[]> rows = new ArrayList<>();

    Table(String... header) {
        rows.add(header);
    }

    void row(Object... cells) {
        String[] row = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            row[i] = String.valueOf(cells[i]);
        }
        rows.add(row);
    }

    void print(PrintWriter out) {
        int columns = rows.get(0).length;
        int[] width = new int[columns];
        boolean[] numeric = new boolean[columns];
        Arrays.fill(numeric, true);
        for (int r = 0; r < rows.size(); r++) {
            for (int c = 0; c < columns; c++) {
                width[c] = Math.max(width[c], rows.get(r)[c].length());
                if (r > 0 && !rows.get(r)[c].matches("-?[0-9.,]+%?|-")) {
                    numeric[c] = false;
                }
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < columns; c++) {
                String format = numeric[c] ? "%" + width[c] + "s" : "%-" + width[c] + "s";
                line.append(c == 0 ? "" : "  ").append(String.format(format, row[c]));
            }
            out.println(line.toString().stripTrailing());
        }
        out.flush();
    }
}
