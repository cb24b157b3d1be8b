package dev.kiln.corpus.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.testing.Europarl;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Europarl (17k real parliamentary texts in ~20 languages) through the default FineWeb pipeline:
 * English is kept, every other language is dropped at language ID, and every step's numbers are
 * printed like datatrove's stats. (Lines are turned into documents by {@link Europarl#asDocument}.)
 */
class EuroparlPipelineTest {

    @Test
    void englishKeptOtherLanguagesDroppedAtLanguageId() throws Exception {
        List<String> docs = Europarl.bodies();
        int enIn = 0, enKept = 0, enPassedLang = 0, otherIn = 0, otherDroppedAtLang = 0, otherKept = 0;
        try (Pipeline p = Pipelines.build(PipelineConfig.defaults())) {
            for (int i = 0; i < docs.size(); i++) {
                String text = Europarl.asDocument(docs.get(i));
                String ref = Europarl.referenceLanguage(text);
                Pipeline.Result r =
                        p.process(PipelineDocument.ofText("europarl-" + i, "https://europarl.example/doc/" + i, text));
                boolean passedLang = r.kept()
                        || !List.of("url_filter", "html_extract", "language").contains(r.droppedBy());
                if (ref.equals("en")) {
                    enIn++;
                    if (r.kept()) enKept++;
                    if (passedLang) enPassedLang++;
                } else if (!ref.equals("other")) {
                    otherIn++;
                    if ("language".equals(r.droppedBy())) otherDroppedAtLang++;
                    if (r.kept()) otherKept++;
                }
            }
            System.out.println("[europarl] per-step stats over " + docs.size() + " documents:");
            System.out.print(p.stats().format());
            System.out.printf(
                    Locale.ROOT,
                    "[europarl] English (by function words): %d in, %d passed language ID (%.1f%%), %d kept at the end (%.1f%%)%n",
                    enIn,
                    enPassedLang,
                    100.0 * enPassedLang / enIn,
                    enKept,
                    100.0 * enKept / enIn);
            System.out.printf(
                    Locale.ROOT,
                    "[europarl] other languages: %d in, %d dropped at language ID (%.2f%%), %d kept%n",
                    otherIn,
                    otherDroppedAtLang,
                    100.0 * otherDroppedAtLang / otherIn,
                    otherKept);
            StepStats.Snapshot lang = p.stats().snapshot().get(PipelineConfig.DEFAULT_STEPS.indexOf("language"));
            Map<String, Long> reasons = lang.droppedByReason();
            assertThat(reasons.getOrDefault("language", 0L)).isGreaterThan(10_000);
            assertThat((double) otherDroppedAtLang / otherIn).isGreaterThanOrEqualTo(0.99);
            assertThat(otherKept).isLessThanOrEqualTo(otherIn / 200);
            assertThat((double) enPassedLang / enIn).isGreaterThanOrEqualTo(0.97);
            // the quality filters then remove short speeches (Gopher: < 50 words etc.); most English survives
            assertThat((double) enKept / enIn).isGreaterThan(0.5);
            assertThat(p.stats().documentsIn()).isEqualTo(docs.size());
        }
    }
}
