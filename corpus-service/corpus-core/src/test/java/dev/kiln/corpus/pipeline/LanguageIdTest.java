package dev.kiln.corpus.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.corpus.pipeline.lang.LanguageIdentifier;
import dev.kiln.corpus.pipeline.lang.NgramLanguageIdentifier;
import dev.kiln.testing.Europarl;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Accuracy of the language identifier on Europarl (never used to build it: its profiles come from
 * Wikipedia), and that its score behaves as a probability.
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
        assertThat(mixed.score()).isLessThan(0.8);
        assertThat(mixed.scoreOf("en")).isLessThan(0.65);
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
    void memoryIsSmall() {
        Runtime rt = Runtime.getRuntime();
        System.gc();
        long before = rt.totalMemory() - rt.freeMemory();
        NgramLanguageIdentifier fresh = new NgramLanguageIdentifier(10_000, NgramLanguageIdentifier.DEFAULT_SHARPNESS);
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
        assertThat(after - before).isLessThan(40L << 20);
    }
}
