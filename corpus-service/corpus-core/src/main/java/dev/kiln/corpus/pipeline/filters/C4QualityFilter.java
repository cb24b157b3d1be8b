package dev.kiln.corpus.pipeline.filters;

import dev.kiln.corpus.pipeline.PipelineConfig;
import dev.kiln.corpus.pipeline.PipelineDocument;
import dev.kiln.corpus.pipeline.PipelineStep;
import dev.kiln.corpus.pipeline.PyText;
import dev.kiln.corpus.pipeline.StepResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * C4's rules as in datatrove's C4QualityFilter. Line-level rules remove lines (too long word, no
 * terminal punctuation — off in FineWeb, fewer than 3 words, "javascript", policy boilerplate);
 * document-level rules drop the document ({@code lorem_ipsum}, {@code curly_bracket},
 * {@code too_few_sentences}). The kept lines, stripped and citation-free, become the new text.
 * Details of a kept document carry the per-reason counts of removed lines.
 */
public final class C4QualityFilter implements PipelineStep {
    private static final Pattern CITATION = Pattern.compile("\\[\\p{Nd}*]|\\[edit]|\\[citation needed]");
    private static final String[] END_PUNCT = {".", "?", "!", "\"", "'"};
    private static final String[] POLICY = {
        "terms of use", "privacy policy", "cookie policy", "uses cookies", "use of cookies", "use cookies"
    };
    private final PipelineConfig.C4 cfg;

    public C4QualityFilter(PipelineConfig.C4 cfg) {
        this.cfg = cfg;
    }

    @Override
    public String name() {
        return "c4_quality";
    }

    @Override
    public StepResult apply(PipelineDocument doc) {
        String text = doc.text();
        if (text == null) return StepResult.drop("empty");
        List<String> lines = cfg.splitParagraph() ? PyText.splitlines(text) : List.of(text);
        int numSentences = 0;
        int tooLong = 0, noPunct = 0, fewWords = 0, js = 0, policy = 0;
        List<String> kept = new ArrayList<>(lines.size());
        for (String raw : lines) {
            String line = PyText.strip(raw);
            List<String> words = PyText.splitWhitespace(line);
            if (cfg.maxWordLength() >= 0) {
                boolean bad = false;
                for (String w : words)
                    if (PyText.len(w) > cfg.maxWordLength()) {
                        bad = true;
                        break;
                    }
                if (bad) {
                    tooLong++;
                    continue;
                }
            }
            if (cfg.removeCitations()) line = CITATION.matcher(line).replaceAll("");
            if (cfg.filterNoTerminalPunct() && (!endsWithAny(line) || line.endsWith("..."))) {
                noPunct++;
                continue;
            }
            if (words.size() < cfg.minWordsPerLine()) {
                fewWords++;
                continue;
            }
            String lower = line.toLowerCase(Locale.ROOT);
            if (cfg.filterLoremIpsum() && lower.contains("lorem ipsum")) return StepResult.drop("lorem_ipsum");
            if (cfg.filterJavascript() && lower.contains("javascript")) {
                js++;
                continue;
            }
            if (cfg.filterCurlyBracket() && line.indexOf('{') >= 0) return StepResult.drop("curly_bracket");
            if (cfg.filterPolicy() && containsPolicy(lower)) {
                policy++;
                continue;
            }
            if (cfg.minNumSentences() >= 0) numSentences += cfg.splitParagraph() ? Sentences.count(line) : 1;
            kept.add(line);
        }
        if (numSentences < cfg.minNumSentences())
            return StepResult.drop("too_few_sentences", Map.of("sentences", numSentences));
        doc.setText(PyText.strip(String.join(cfg.splitParagraph() ? "\n" : " ", kept)));
        return StepResult.keep(Map.of(
                "lines_in",
                lines.size(),
                "lines_kept",
                kept.size(),
                "line_too_long_word",
                tooLong,
                "line_no_terminal_punct",
                noPunct,
                "line_too_few_words",
                fewWords,
                "line_javascript",
                js,
                "line_policy",
                policy));
    }

    private static boolean endsWithAny(String line) {
        for (String p : END_PUNCT) if (line.endsWith(p)) return true;
        return false;
    }

    private static boolean containsPolicy(String lower) {
        for (String p : POLICY) if (lower.contains(p)) return true;
        return false;
    }
}
