package dev.kiln.corpus.pipeline.filters;

import dev.kiln.corpus.pipeline.PipelineConfig;
import dev.kiln.corpus.pipeline.PipelineDocument;
import dev.kiln.corpus.pipeline.PipelineStep;
import dev.kiln.corpus.pipeline.PyText;
import dev.kiln.corpus.pipeline.StepResult;
import dev.kiln.corpus.pipeline.WordTokenizer;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Gopher repetition rules (Rae et al. 2021, table A1) with datatrove's defaults and reason names:
 * {@code dup_para_frac}, {@code dup_para_char_frac}, {@code dup_line_frac}, {@code dup_line_char_frac},
 * {@code top_<n>_gram}, {@code duplicated_<n>_n_grams}. Fractions of characters are of the whole text,
 * in code points.
 */
public final class GopherRepetitionFilter implements PipelineStep {
    private static final Pattern PARAGRAPHS = Pattern.compile("\n{2,}");
    private static final Pattern LINES = Pattern.compile("\n+");
    private final PipelineConfig.GopherRepetition cfg;

    public GopherRepetitionFilter(PipelineConfig.GopherRepetition cfg) {
        this.cfg = cfg;
    }

    @Override
    public String name() {
        return "gopher_repetition";
    }

    @Override
    public StepResult apply(PipelineDocument doc) {
        String text = doc.text();
        if (text == null || text.isEmpty()) return StepResult.drop("empty");
        double textLen = PyText.len(text);

        List<String> paragraphs = List.of(PARAGRAPHS.split(PyText.strip(text), -1));
        long[] pd = Duplicates.find(paragraphs);
        if (cfg.dupParaFrac() > 0 && (double) pd[0] / paragraphs.size() > cfg.dupParaFrac())
            return StepResult.drop("dup_para_frac", Map.of("value", (double) pd[0] / paragraphs.size()));
        if (cfg.dupParaCharFrac() > 0 && pd[1] / textLen > cfg.dupParaCharFrac())
            return StepResult.drop("dup_para_char_frac", Map.of("value", pd[1] / textLen));

        List<String> lines = List.of(LINES.split(text, -1));
        long[] ld = Duplicates.find(lines);
        if (cfg.dupLineFrac() > 0 && (double) ld[0] / lines.size() > cfg.dupLineFrac())
            return StepResult.drop("dup_line_frac", Map.of("value", (double) ld[0] / lines.size()));
        if (cfg.dupLineCharFrac() > 0 && ld[1] / textLen > cfg.dupLineCharFrac())
            return StepResult.drop("dup_line_char_frac", Map.of("value", ld[1] / textLen));

        List<String> words = WordTokenizer.words(text);
        int[] lens = new int[words.size()];
        int[] ids = Duplicates.ids(words, lens);
        for (double[] nf : cfg.topNGrams()) {
            int n = (int) nf[0];
            if (ids.length < n) continue;
            double v = Duplicates.topDuplicate(ids, lens, n) / textLen;
            if (v > nf[1]) return StepResult.drop("top_" + n + "_gram", Map.of("value", v));
        }
        for (double[] nf : cfg.dupNGrams()) {
            int n = (int) nf[0];
            double v = Duplicates.allDuplicate(ids, lens, n) / textLen;
            if (v > nf[1]) return StepResult.drop("duplicated_" + n + "_n_grams", Map.of("value", v));
        }
        return StepResult.keep();
    }
}
