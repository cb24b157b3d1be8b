package dev.kiln.corpus.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** Extraction quality on the hand-checked gold pages (see extraction-gold/README.md). */
class ExtractionGoldTest {
    @Test
    void precisionAndRecallOnGoldPages() {
        List<ExtractionGold.Score> scores = ExtractionGold.scoreAll();
        for (ExtractionGold.Score s : scores) {
            System.out.printf(
                    Locale.ROOT,
                    "[gold] %-12s precision %.3f recall %.3f f1 %.3f (%d gold words)%n",
                    s.page(),
                    s.precision(),
                    s.recall(),
                    s.f1(),
                    s.goldWords());
        }
        double[] m = ExtractionGold.micro(scores);
        System.out.printf(Locale.ROOT, "[gold] micro-average precision %.3f recall %.3f f1 %.3f%n", m[0], m[1], m[2]);
        assertThat(m[0]).isGreaterThan(0.85);
        assertThat(m[1]).isGreaterThan(0.85);
        for (ExtractionGold.Score s : scores) assertThat(s.f1()).as(s.page()).isGreaterThan(0.6);
    }
}
