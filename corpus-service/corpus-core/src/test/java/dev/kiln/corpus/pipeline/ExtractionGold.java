package dev.kiln.corpus.pipeline;

import dev.kiln.corpus.pipeline.extract.HtmlTextExtractor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Scores the HTML extractor against the hand-checked gold texts in {@code extraction-gold/}. */
public final class ExtractionGold {
    public static final List<String> PAGES = List.of(
            "01-news",
            "02-blog",
            "03-forum",
            "04-docs",
            "05-product",
            "06-recipe",
            "07-wiki",
            "08-faq",
            "09-press",
            "10-tutorial");

    public record Score(String page, int goldWords, int extractedWords, int common, String extracted) {
        public double precision() {
            return extractedWords == 0 ? 0 : (double) common / extractedWords;
        }

        public double recall() {
            return goldWords == 0 ? 0 : (double) common / goldWords;
        }

        public double f1() {
            double p = precision(), r = recall();
            return p + r == 0 ? 0 : 2 * p * r / (p + r);
        }
    }

    private ExtractionGold() {}

    public static byte[] resource(String name) {
        try (InputStream in = ExtractionGold.class.getResourceAsStream("/extraction-gold/" + name)) {
            if (in == null) throw new IllegalStateException("missing /extraction-gold/" + name);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        for (String w : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{Nd}]+")) if (!w.isEmpty()) out.add(w);
        return out;
    }

    public static Score score(String page, String extracted) {
        String gold = new String(resource(page + ".txt"), StandardCharsets.UTF_8);
        List<String> g = words(gold), e = words(extracted);
        Map<String, Integer> bag = new HashMap<>();
        for (String w : g) bag.merge(w, 1, Integer::sum);
        int common = 0;
        for (String w : e) {
            Integer c = bag.get(w);
            if (c != null && c > 0) {
                common++;
                bag.put(w, c - 1);
            }
        }
        return new Score(page, g.size(), e.size(), common, extracted);
    }

    public static List<Score> scoreAll() {
        HtmlTextExtractor x = new HtmlTextExtractor(PipelineConfig.Extraction.defaults());
        List<Score> out = new ArrayList<>();
        for (String p : PAGES) {
            PipelineDocument d =
                    PipelineDocument.ofBytes(p, "https://gold.example/" + p, resource(p + ".html"), "text/html");
            StepResult r = x.apply(d);
            out.add(score(p, r.kept() ? d.text() : ""));
        }
        return out;
    }

    /** Micro-averaged precision, recall (over all words of all pages). */
    public static double[] micro(List<Score> scores) {
        long gold = 0, ext = 0, common = 0;
        for (Score s : scores) {
            gold += s.goldWords();
            ext += s.extractedWords();
            common += s.common();
        }
        double p = (double) common / ext, r = (double) common / gold;
        return new double[] {p, r, 2 * p * r / (p + r)};
    }
}
