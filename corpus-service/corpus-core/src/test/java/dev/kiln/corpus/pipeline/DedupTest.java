package dev.kiln.corpus.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.corpus.pipeline.dedup.ExactDeduplicator;
import dev.kiln.corpus.pipeline.dedup.MinHashDeduplicator;
import dev.kiln.testing.Europarl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DedupTest {
    static final PipelineConfig.Dedup CFG = PipelineConfig.Dedup.defaults();

    static PipelineDocument doc(String id, String text) {
        return PipelineDocument.ofText(id, null, text);
    }

    static String changeWords(String text, int every) {
        String[] w = text.split(" ");
        for (int i = every; i < w.length; i += every) w[i] = "changed" + i;
        return String.join(" ", w);
    }

    @Test
    void exactDuplicatesAfterNormalisationAreDropped() {
        ExactDeduplicator d = new ExactDeduplicator(null);
        String t = Europarl.bodies().get(10);
        assertThat(d.apply(doc("a", t)).kept()).isTrue();
        // case, whitespace, punctuation, digits and accents do not make a new document
        String variant = "  " + t.toUpperCase(Locale.ROOT).replace(" ", "   \n").replace(",", "") + "!!";
        assertThat(d.apply(doc("b", variant)).reason()).isEqualTo("exact_duplicate");
        assertThat(d.apply(doc("c", t + " and one more sentence.")).kept()).isTrue();
    }

    @Test
    void nearDuplicatesWithAFewWordsChangedAreDropped() {
        MinHashDeduplicator d = new MinHashDeduplicator(CFG);
        List<String> docs = Europarl.bodies();
        int originals = 0, nearKept = 0, near = 0;
        for (int i = 0; i < 400; i++) {
            String t = docs.get(i);
            if (t.split(" ").length < 150) continue;
            originals++;
            assertThat(d.apply(doc("o" + i, t)).kept()).as("original %d", i).isTrue();
            // ~1% of the words changed (Jaccard of 5-gram shingles ≈ 0.9: FineWeb's bands catch it with p ≈ 0.999)
            String v = changeWords(t, 100);
            assertThat(d.estimateSimilarity(t, v)).isGreaterThan(0.7);
            near++;
            if (d.apply(doc("v" + i, v)).kept()) nearKept++;
        }
        System.out.printf(
                Locale.ROOT,
                "[dedup] %d originals kept, %d of %d near duplicates slipped through%n",
                originals,
                nearKept,
                near);
        assertThat(originals).isGreaterThan(50);
        assertThat(nearKept).isLessThanOrEqualTo(2);
        // a genuinely different document is not a duplicate
        assertThat(d.apply(doc("new", "A brand new text about something entirely different, " + docs.get(1000)))
                        .kept())
                .isTrue();
    }

    @Test
    void inspectionChecksWithoutRemembering() {
        MinHashDeduplicator d = new MinHashDeduplicator(CFG);
        String t = Europarl.bodies().get(5);
        assertThat(d.check(doc("x", t)).kept()).isTrue();
        assertThat(d.check(doc("x", t)).kept()).isTrue();
        assertThat(d.documents()).isZero();
        assertThat(d.apply(doc("x", t)).kept()).isTrue();
        assertThat(d.check(doc("y", t)).reason()).isEqualTo("near_duplicate");
        assertThat(d.documents()).isEqualTo(1);
    }

    @Test
    void seenSetsSurviveARestart(@TempDir Path dir) throws Exception {
        PipelineConfig.Dedup cfg = CFG.withDirectory(dir);
        List<String> docs = Europarl.bodies().subList(0, 200);
        try (MinHashDeduplicator m = new MinHashDeduplicator(cfg);
                ExactDeduplicator e = new ExactDeduplicator(dir)) {
            for (int i = 0; i < docs.size(); i++) {
                e.apply(doc("e" + i, docs.get(i)));
                m.apply(doc("m" + i, docs.get(i)));
            }
        }
        assertThat(Files.size(dir.resolve("exact-hashes.log"))).isEqualTo(8L * new java.util.HashSet<>(docs).size());
        // a torn record at the end (crash mid-write) is ignored
        Files.write(dir.resolve("minhash-bands.log"), new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
        try (MinHashDeduplicator m = new MinHashDeduplicator(cfg);
                ExactDeduplicator e = new ExactDeduplicator(dir)) {
            long kept = m.documents();
            assertThat(kept).isGreaterThan(150);
            int nearDropped = 0;
            for (int i = 0; i < docs.size(); i++) {
                assertThat(e.apply(doc("again" + i, docs.get(i))).reason()).isEqualTo("exact_duplicate");
                if (!m.apply(doc("again" + i, changeWords(docs.get(i), 100))).kept()) nearDropped++;
            }
            assertThat(nearDropped).isGreaterThanOrEqualTo(docs.size() - 3);
            assertThat(m.apply(doc("fresh", Europarl.bodies().get(5000))).kept())
                    .isTrue();
            assertThat(m.documents()).isEqualTo(kept + 1 + (docs.size() - nearDropped));
        }
        assertThat(Files.size(dir.resolve("minhash-bands.log")) % 112).isZero();
    }

    @Test
    void pipelineWithADedupDirectoryRemembersAcrossRestarts(@TempDir Path dir) throws Exception {
        PipelineConfig cfg = PipelineConfig.defaults()
                .withSteps(List.of("exact_dedup", "minhash_dedup"))
                .withDedup(CFG.withDirectory(dir));
        String t = Europarl.bodies().get(42);
        try (Pipeline p = Pipelines.build(cfg)) {
            assertThat(p.process(doc("a", t)).kept()).isTrue();
            p.sync();
        }
        try (Pipeline p = Pipelines.build(cfg)) {
            assertThat(p.inspect(doc("b", t)).droppedBy()).isEqualTo("exact_dedup");
            assertThat(p.process(doc("c", changeWords(t, 100))).reason()).isEqualTo("near_duplicate");
        }
    }

    @Test
    void indexMemoryPerDocumentIsMeasured() {
        MinHashDeduplicator m = new MinHashDeduplicator(CFG);
        ExactDeduplicator e = new ExactDeduplicator(null);
        List<String> docs = Europarl.bodies();
        int n = 0;
        for (int i = 0; i < docs.size(); i += 2) {
            String t = docs.get(i) + " #" + i;
            if (m.apply(doc("d" + i, t)).kept()) n++;
            e.apply(doc("d" + i, t));
        }
        double perDoc = (double) m.memoryBytes() / m.documents();
        System.out.printf(
                Locale.ROOT,
                "[dedup] %d docs indexed: MinHash index %.0f bytes/doc (%.0f MB per million), exact %.1f bytes/doc%n",
                m.documents(),
                perDoc,
                perDoc,
                (double) e.memoryBytes() / e.size());
        assertThat(n).isGreaterThan(8000);
        assertThat(perDoc).isLessThan(14 * 8 / 0.375 + 1);
    }
}
