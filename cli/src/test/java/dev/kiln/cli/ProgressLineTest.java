package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The live line's terminal output: redrawn in place on a terminal, absent when piped. */
class ProgressLineTest {

    @Test
    void redrawsInPlaceAndPadsOverALongerLine() {
        StringWriter screen = new StringWriter();
        ProgressLine line = new ProgressLine(new PrintWriter(screen), true);
        line.update("step 1/8  loss 10.1");
        line.update("step 2/8");
        line.println("sample: The cat");
        assertThat(screen.toString())
                .isEqualTo("\rstep 1/8  loss 10.1" + "\rstep 2/8" + " ".repeat(11) + "\r" + " ".repeat(8) + "\r"
                        + "sample: The cat\n");
    }

    @Test
    void drawsNothingWhenNotATerminal() {
        StringWriter piped = new StringWriter();
        ProgressLine line = new ProgressLine(new PrintWriter(piped), false);
        line.update("step 1/8");
        line.clear();
        line.println("done");
        assertThat(piped.toString()).isEqualTo("done\n");
    }

    @Test
    void barShowsTheShareDone() {
        assertThat(ProgressLine.bar(1, 4, 8)).isEqualTo("[##      ]  25%");
        assertThat(ProgressLine.bar(5, 0, 8)).as("unknown total").isEmpty();
    }
}
