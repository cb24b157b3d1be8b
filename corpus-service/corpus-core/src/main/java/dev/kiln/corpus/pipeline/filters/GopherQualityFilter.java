package dev.kiln.corpus.pipeline.filters;

import dev.kiln.corpus.pipeline.PipelineConfig;
import dev.kiln.corpus.pipeline.PipelineDocument;
import dev.kiln.corpus.pipeline.PipelineStep;
import dev.kiln.corpus.pipeline.PyText;
import dev.kiln.corpus.pipeline.StepResult;
import dev.kiln.corpus.pipeline.WordTokenizer;
import java.util.List;
import java.util.Map;

/**
 * Gopher quality rules with datatrove's defaults and reason names ({@code gopher_short_doc},
 * {@code gopher_long_doc}, {@code gopher_below_avg_threshold}, {@code gopher_above_avg_threshold},
 * {@code gopher_too_many_hashes}, {@code gopher_too_many_ellipsis}, {@code gopher_too_many_bullets},
 * {@code gopher_too_many_end_ellipsis}, {@code gopher_below_alpha_threshold},
 * {@code gopher_enough_stop_words}). Word counts exclude tokens made only of punctuation.
 */
public final class GopherQualityFilter implements PipelineStep {
    private final PipelineConfig.GopherQuality cfg;

    public GopherQualityFilter(PipelineConfig.GopherQuality cfg) {
        this.cfg = cfg;
    }

    @Override
    public String name() {
        return "gopher_quality";
    }

    private static boolean hasNonPunct(String w) {
        for (int i = 0; i < w.length(); ) {
            int cp = w.codePointAt(i);
            if (!PyText.isPunctuation(cp)) return true;
            i += Character.charCount(cp);
        }
        return false;
    }

    private static boolean hasAlpha(String w) {
        for (int i = 0; i < w.length(); ) {
            int cp = w.codePointAt(i);
            if (PyText.isAlpha(cp)) return true;
            i += Character.charCount(cp);
        }
        return false;
    }

    @Override
    public StepResult apply(PipelineDocument doc) {
        String text = doc.text();
        if (text == null) return StepResult.drop("empty");
        List<String> words = WordTokenizer.words(text);
        int nWords = words.size();
        int nonSymbol = 0;
        long nonSymbolChars = 0;
        for (String w : words)
            if (hasNonPunct(w)) {
                nonSymbol++;
                nonSymbolChars += PyText.len(w);
            }
        if (cfg.minDocWords() > 0 && nonSymbol < cfg.minDocWords())
            return StepResult.drop("gopher_short_doc", Map.of("words", nonSymbol));
        if (cfg.maxDocWords() > 0 && nonSymbol > cfg.maxDocWords())
            return StepResult.drop("gopher_long_doc", Map.of("words", nonSymbol));
        if (nWords == 0) return StepResult.drop("gopher_short_doc", Map.of("words", 0));
        double avg = nonSymbol == 0 ? 0 : (double) nonSymbolChars / nonSymbol;
        if (cfg.minAvgWordLength() > 0 && avg < cfg.minAvgWordLength())
            return StepResult.drop("gopher_below_avg_threshold", Map.of("value", avg));
        if (cfg.maxAvgWordLength() > 0 && avg > cfg.maxAvgWordLength())
            return StepResult.drop("gopher_above_avg_threshold", Map.of("value", avg));
        if (cfg.maxSymbolWordRatio() > 0) {
            double h = (double) PyText.count(text, "#") / nWords;
            if (h > cfg.maxSymbolWordRatio()) return StepResult.drop("gopher_too_many_hashes", Map.of("value", h));
            double e = (double) (PyText.count(text, "...") + PyText.count(text, "\u2026")) / nWords;
            if (e > cfg.maxSymbolWordRatio()) return StepResult.drop("gopher_too_many_ellipsis", Map.of("value", e));
        }
        List<String> lines = PyText.splitlines(text);
        if (!lines.isEmpty()) {
            int bullets = 0, ellipsis = 0;
            for (String s : lines) {
                String l = PyText.lstrip(s);
                if (l.startsWith("\u2022") || l.startsWith("-")) bullets++;
                String r = PyText.rstrip(s);
                if (r.endsWith("...") || r.endsWith("\u2026")) ellipsis++;
            }
            if (cfg.maxBulletLinesRatio() > 0 && (double) bullets / lines.size() > cfg.maxBulletLinesRatio())
                return StepResult.drop("gopher_too_many_bullets", Map.of("value", (double) bullets / lines.size()));
            if (cfg.maxEllipsisLinesRatio() > 0 && (double) ellipsis / lines.size() > cfg.maxEllipsisLinesRatio())
                return StepResult.drop(
                        "gopher_too_many_end_ellipsis", Map.of("value", (double) ellipsis / lines.size()));
        }
        if (cfg.maxNonAlphaWordsRatio() > 0) {
            int alpha = 0;
            for (String w : words) if (hasAlpha(w)) alpha++;
            double r = (double) alpha / nWords;
            if (r < cfg.maxNonAlphaWordsRatio())
                return StepResult.drop("gopher_below_alpha_threshold", Map.of("value", r));
        }
        if (cfg.minStopWords() > 0) {
            int stop = 0;
            for (String w : words) if (cfg.stopWords().contains(w)) stop++;
            if (stop < cfg.minStopWords())
                return StepResult.drop("gopher_enough_stop_words", Map.of("stop_words", stop));
        }
        return StepResult.keep();
    }
}
