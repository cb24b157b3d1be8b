package dev.kiln.cli;

import java.io.Console;
import java.io.PrintWriter;

/**
 * A status line redrawn in place on a terminal. When stdout is not a terminal (a pipe, a file,
 * a test) nothing is drawn: carriage returns would corrupt the output a script reads.
 */
final class ProgressLine {

    private final PrintWriter out;
    private final boolean live;
    private int shown;

    ProgressLine(PrintWriter out) {
        this(out, onTerminal());
    }

    ProgressLine(PrintWriter out, boolean live) {
        this.out = out;
        this.live = live;
    }

    static boolean onTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            // From JDK 22 a console exists even when output is piped; isTerminal() tells them apart.
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (NoSuchMethodException e) {
            return true; // Up to JDK 21 a console exists only when attached to a terminal.
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }

    boolean live() {
        return live;
    }

    void update(String line) {
        if (!live) {
            return;
        }
        // Pad over the previous line: a shorter line would leave its tail on screen.
        out.print("\r" + line + " ".repeat(Math.max(0, shown - line.length())));
        out.flush();
        shown = line.length();
    }

    /** Prints a whole line above the live one (e.g. a sample), then lets the live line redraw. */
    void println(String line) {
        clear();
        out.println(line);
        out.flush();
    }

    void clear() {
        if (live && shown > 0) {
            out.print("\r" + " ".repeat(shown) + "\r");
            out.flush();
            shown = 0;
        }
    }

    static String bar(long done, long total, int width) {
        if (total <= 0) {
            return "";
        }
        int filled = (int) Math.min(width, done * width / total);
        return "[" + "#".repeat(filled) + " ".repeat(width - filled) + "] "
                + String.format("%3d%%", Math.min(100, done * 100 / total));
    }
}
