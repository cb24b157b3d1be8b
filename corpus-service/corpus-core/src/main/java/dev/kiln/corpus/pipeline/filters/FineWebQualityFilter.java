package dev.kiln.corpus.pipeline.filters;

import dev.kiln.corpus.pipeline.PipelineConfig;
import dev.kiln.corpus.pipeline.PipelineDocument;
import dev.kiln.corpus.pipeline.PipelineStep;
import dev.kiln.corpus.pipeline.PyText;
import dev.kiln.corpus.pipeline.StepResult;
import dev.kiln.corpus.pipeline.WordTokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * FineWeb's own three rules (plus the list-ratio rule) as datatrove's FineWebQualityFilter:
 * {@code empty}, {@code line_punct_ratio} (too few lines end in a stop char), {@code short_line_ratio}
 * (too many lines of ≤ 30 chars), {@code char_dup_ratio} (chars in duplicated lines), {@code list_ratio}
 * (newlines per word). Lines are {@code text.split("\n")} without blank ones, not stripped.
 */
public final class FineWebQualityFilter implements PipelineStep {
    private final PipelineConfig.FineWebQuality cfg;

    public FineWebQualityFilter(PipelineConfig.FineWebQuality cfg) {
        this.cfg = cfg;
    }

    @Override
    public String name() {
        return "fineweb_quality";
    }

    @Override
    public StepResult apply(PipelineDocument doc) {
        String text = doc.text();
        if (text == null) return StepResult.drop("empty");
        List<String> lines = new ArrayList<>();
        for (String l : PyText.splitNewline(text)) if (!PyText.strip(l).isEmpty()) lines.add(l);
        if (lines.isEmpty()) return StepResult.drop("empty");
        int punct = 0, shortLines = 0;
        for (String l : lines) {
            for (String sc : cfg.stopChars())
                if (l.endsWith(sc)) {
                    punct++;
                    break;
                }
            if (PyText.len(l) <= cfg.shortLineLength()) shortLines++;
        }
        double ratio = (double) punct / lines.size();
        if (ratio < cfg.linePunctThr() && !(ratio == 0 && cfg.linePunctExcludeZero()))
            return StepResult.drop("line_punct_ratio", Map.of("value", ratio));
        ratio = (double) shortLines / lines.size();
        if (ratio > cfg.shortLineThr()) return StepResult.drop("short_line_ratio", Map.of("value", ratio));
        long dupChars = Duplicates.find(lines)[1];
        long noNl = PyText.len(text) - PyText.count(text, "\n");
        ratio = noNl == 0 ? 0 : (double) dupChars / noNl;
        if (ratio > cfg.charDuplicatesRatio()) return StepResult.drop("char_dup_ratio", Map.of("value", ratio));
        int words = WordTokenizer.words(text).size();
        int newLines = PyText.count(text, "\n");
        ratio = words == 0 ? Double.POSITIVE_INFINITY : (double) newLines / words;
        if (ratio > cfg.newLineRatio()) return StepResult.drop("list_ratio", Map.of("value", ratio));
        return StepResult.keep();
    }
}
