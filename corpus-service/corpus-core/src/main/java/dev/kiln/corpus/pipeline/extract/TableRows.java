package dev.kiln.corpus.pipeline.extract;

import dev.kiln.corpus.pipeline.extract.HtmlMainText.Block;
import java.util.Arrays;
import java.util.List;

/**
 * Layout tables versus data tables, decided row by row while the page streams past. The cells of a
 * row first make blocks as any other element would (a paragraph, a {@code <br>}-ended line, a nested
 * table's rows); when the row ends, a data row's blocks are joined into one block ("cell | cell | …")
 * and a layout row's blocks stay apart. Joining every row hid whole articles, their comment threads
 * and teaser columns in one block on pages laid out with tables, where no later rule could cut them.
 *
 * <p>The signals are those reader modes use for the same question (Readability's data-table test):
 * {@code role=presentation} and a table nested in the row mean layout; a caption, {@code th}, {@code
 * thead}, {@code tfoot}, {@code col} or {@code colgroup} declares data; otherwise a row whose only
 * cell holds several blocks is layout, and short cells (numbers, names, a schedule) are data. A cell
 * whose text runs to prose length makes its row layout even in a table that declares data: blog
 * themes lay out sidebar, post and sidebar as cells of a table with a {@code colgroup}, and joined they
 * were one block holding the post and the sidebar's "about me" together.
 */
final class TableRows {
    private TableRows() {}

    /** A cell with at least this many characters of text holds prose, not a datum. */
    static final int PROSE_CELL_CHARS = 200;

    /** What a table declared about itself so far. */
    static final class Table {
        final boolean presentation;
        boolean declaredData;

        Table(boolean presentation) {
            this.presentation = presentation;
        }
    }

    /** An open row: where its blocks start and where each of its cells started. */
    static final class Row {
        final int firstBlock;
        boolean nestedTable;
        private int[] cellStarts = new int[4];
        private int cells;

        Row(int firstBlock) {
            this.firstBlock = firstBlock;
        }

        void cellStarts(int block) {
            if (cells == cellStarts.length) cellStarts = Arrays.copyOf(cellStarts, cells * 2);
            cellStarts[cells++] = block;
        }
    }

    /**
     * The row's blocks (from {@code row.firstBlock} to the end of {@code blocks}) as one block if the row
     * is data; null if it is layout or has fewer than two blocks. Only text and link characters of the
     * result are meaningful; the caller gives it the row's context.
     */
    static Block joinedIfData(List<Block> blocks, Row row, Table table) {
        int from = row.firstBlock, to = blocks.size();
        if (to - from < 2) return null;
        if (row.nestedTable || table != null && table.presentation) return null;
        boolean declared = table != null && table.declaredData;
        if (!declared && row.cells <= 1) return null;
        StringBuilder text = new StringBuilder();
        int links = 0, cell = 0, cellChars = 0;
        for (int b = from; b < to; b++) {
            boolean newCell = false;
            while (cell < row.cells && row.cellStarts[cell] <= b) {
                cell++;
                newCell = true;
            }
            if (newCell) cellChars = 0;
            Block block = blocks.get(b);
            if (text.length() > 0) text.append(newCell ? " | " : " ");
            text.append(block.text());
            cellChars += block.length();
            links += block.linkChars();
            if (cellChars >= PROSE_CELL_CHARS) return null;
        }
        return new Block(text.toString(), links, false, false, false, 0, false, -1, -1);
    }
}
