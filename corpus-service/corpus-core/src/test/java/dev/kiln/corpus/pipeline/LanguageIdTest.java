package dev.kiln.corpus.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.kiln.corpus.pipeline.lang.LanguageIdentifier;
import dev.kiln.corpus.pipeline.lang.NgramLanguageIdentifier;
import dev.kiln.corpus.pipeline.lang.NgramModel;
import dev.kiln.testing.Europarl;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Accuracy of the language identifier on Europarl (its n-gram profiles and prior come from Wikipedia;
 * only the prior's weight and the score calibration saw Europarl, the sittings bench/langid.sh leaves out
 * of its evaluation), and that its score behaves as a probability.
 */
class LanguageIdTest {
    static final NgramLanguageIdentifier ID = NgramLanguageIdentifier.shared();

    @Test
    void europarlAccuracyAgainstFunctionWordLabels() {
        List<String> docs = Europarl.bodies();
        int labelled = 0, correct = 0;
        Map<String, int[]> perLang = new TreeMap<>();
        List<Double> enScores = new ArrayList<>();
        for (int i = 0; i < docs.size(); i += 3) {
            String d = docs.get(i);
            String ref = Europarl.referenceLanguage(d);
            if (ref.equals("other")) continue;
            LanguageIdentifier.Prediction p = ID.predict(d);
            labelled++;
            int[] c = perLang.computeIfAbsent(ref, k -> new int[2]);
            c[1]++;
            if (p.language().equals(ref)) {
                correct++;
                c[0]++;
            }
            if (ref.equals("en")) enScores.add(p.scoreOf("en"));
        }
        Collections.sort(enScores);
        double acc = (double) correct / labelled;
        StringBuilder sb = new StringBuilder();
        perLang.forEach((k, v) -> sb.append(String.format(Locale.ROOT, " %s=%d/%d", k, v[0], v[1])));
        System.out.printf(Locale.ROOT, "[langid] Europarl accuracy %.4f over %d labelled docs;%s%n", acc, labelled, sb);
        System.out.printf(
                Locale.ROOT,
                "[langid] English score p05=%.3f p50=%.3f%n",
                enScores.get(enScores.size() / 20),
                enScores.get(enScores.size() / 2));
        assertThat(acc).isGreaterThan(0.97);
        assertThat(enScores.get(enScores.size() / 2)).isGreaterThan(0.9);
        assertThat(enScores.get(enScores.size() / 20)).isGreaterThan(0.65);
    }

    /**
     * The goal on short text: Europarl paragraphs cut to their first 50 characters keep English
     * (score above 0.65) with recall ≥ 0.98 and precision ≥ 0.99, and the score is calibrated: texts
     * scored 0.6–0.9 are right about as often as their score says. (The full comparison with lingua and
     * optimaize, per language and on held-out sittings only, is bench/langid.sh.)
     */
    @Test
    void shortEnglishKeptAt50CharactersWithACalibratedScore() {
        int tp = 0, fp = 0, fn = 0, midTexts = 0, midRight = 0;
        double midScore = 0;
        List<String> docs = Europarl.bodies();
        for (int i = 0; i < docs.size(); i += 2) {
            String ref = Europarl.referenceLanguage(docs.get(i));
            if (ref.equals("other")) continue;
            for (String para : docs.get(i).split(" {3,}")) {
                if (para.strip().length() < 100) continue;
                LanguageIdentifier.Prediction p = ID.predict(para.strip().substring(0, 50));
                boolean keptEnglish = p.scoreOf("en") > 0.65;
                if (keptEnglish && ref.equals("en")) tp++;
                else if (keptEnglish) fp++;
                else if (ref.equals("en")) fn++;
                if (p.score() >= 0.6 && p.score() < 0.9) {
                    midTexts++;
                    midScore += p.score();
                    if (p.language().equals(ref)) midRight++;
                }
            }
        }
        double precision = (double) tp / (tp + fp), recall = (double) tp / (tp + fn);
        System.out.printf(
                Locale.ROOT,
                "[langid] 50 chars: English precision %.4f recall %.4f (%d English); scored 0.6-0.9: mean %.3f, right %.3f (%d)%n",
                precision,
                recall,
                tp + fn,
                midScore / midTexts,
                (double) midRight / midTexts,
                midTexts);
        assertThat(tp + fn).isGreaterThan(500);
        assertThat(recall).isGreaterThanOrEqualTo(0.98);
        assertThat(precision).isGreaterThanOrEqualTo(0.99);
        assertThat(midTexts).isGreaterThan(100);
        assertThat((double) midRight / midTexts).isCloseTo(midScore / midTexts, within(0.1));
    }

    @Test
    void scoreIsAProbabilityNotAlwaysOne() {
        LanguageIdentifier.Prediction en = ID.predict(
                "The committee agreed that the report should be published next week together with the figures.");
        assertThat(en.language()).isEqualTo("en");
        assertThat(en.score()).isBetween(0.65, 1.0);
        double sum =
                en.scores().values().stream().mapToDouble(Double::doubleValue).sum();
        assertThat(sum).isLessThanOrEqualTo(1.0 + 1e-9);
        // half English, half French: neither language above FineWeb's 0.65
        LanguageIdentifier.Prediction mixed = ID.predict("This is an English sentence about the weather today. "
                + "Ceci est une phrase française sur le temps qu'il fait aujourd'hui.");
        // the calibrated score is the probability that the best language is right for single-language
        // text; a half-and-half text scores its stronger half (French 0.87 here), never both halves
        assertThat(mixed.scoreOf("en")).isLessThan(0.65);
        assertThat(mixed.scoreOf("en") + mixed.scoreOf("fr")).isLessThanOrEqualTo(1.0 + 1e-9);
        // random letters: low confidence in anything
        assertThat(ID.predict("asdkj qwpoe zxmcn lkjasd").score()).isLessThan(0.65);
        assertThat(ID.predict("1234 5678 !!!").language()).isEqualTo("und");
        // other scripts
        assertThat(ID.predict("Москва является столицей Российской Федерации и крупнейшим городом страны.")
                        .language())
                .isEqualTo("ru");
        assertThat(ID.predict("これはとてもおいしいですね。わたしはすしがすきです。").language()).isEqualTo("ja");
        assertThat(ID.predict("东京是日本的首都，也是世界上最大的城市之一。北京是中国的首都。").language()).isEqualTo("zh");
        assertThat(ID.predict("東京は日本の首都であり、世界最大の都市圏の一つです。").language()).isEqualTo("ja");
    }

    @Test
    void modelResourceAndHeapAreSmall() throws Exception {
        try (var in = NgramModel.class.getResourceAsStream(NgramModel.RESOURCE)) {
            assertThat(in.readAllBytes().length).isLessThan(2 << 20);
        }
        Runtime rt = Runtime.getRuntime();
        System.gc();
        long before = rt.totalMemory() - rt.freeMemory();
        NgramLanguageIdentifier fresh = new NgramLanguageIdentifier(NgramModel.readDefault(), 10_000);
        System.gc();
        long after = rt.totalMemory() - rt.freeMemory();
        System.out.printf(
                Locale.ROOT,
                "[langid] model heap ≈ %.1f MB for %d languages%n",
                (after - before) / 1e6,
                fresh.languages().size());
        assertThat(fresh.predict("The weather is fine today and we are going out.")
                        .language())
                .isEqualTo("en");
        assertThat(fresh.languages()).hasSize(64).contains("en", "zh", "ja", "ru", "sl");
        assertThat(after - before).isLessThan(40L << 20);
    }
}
