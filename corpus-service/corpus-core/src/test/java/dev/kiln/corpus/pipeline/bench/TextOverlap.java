package dev.kiln.corpus.pipeline.bench;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Word n-gram overlap between an extracted text and its gold text, as the article-extraction
 * benchmarks score: lower-cased word tokens, a multiset of n-grams on each side, true positives the
 * multiset intersection. n = 1 is bag-of-words.
 */
final class TextOverlap {
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{Nd}]+");

    private TextOverlap() {}

    static Map<String, Integer> shingles(String text, int n) {
        List<String> words = new java.util.ArrayList<>();
        Matcher m = WORD.matcher(text.toLowerCase(Locale.ROOT));
        while (m.find()) words.add(m.group());
        Map<String, Integer> out = new HashMap<>();
        for (int i = 0; i + n <= words.size(); i++)
            out.merge(String.join(" ", words.subList(i, i + n)), 1, Integer::sum);
        return out;
    }

    /** {precision, recall}; an empty extraction has precision 0 unless the gold is empty too. */
    static double[] precisionRecall(Map<String, Integer> gold, Map<String, Integer> extracted) {
        long g = 0, e = 0, common = 0;
        for (int c : gold.values()) g += c;
        for (Map.Entry<String, Integer> x : extracted.entrySet()) {
            e += x.getValue();
            common += Math.min(x.getValue(), gold.getOrDefault(x.getKey(), 0));
        }
        if (g == 0 && e == 0) return new double[] {1, 1};
        return new double[] {e == 0 ? 0 : (double) common / e, g == 0 ? 0 : (double) common / g};
    }
}
