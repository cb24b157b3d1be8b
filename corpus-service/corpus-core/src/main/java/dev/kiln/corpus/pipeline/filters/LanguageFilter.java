package dev.kiln.corpus.pipeline.filters;

import dev.kiln.corpus.pipeline.PipelineConfig;
import dev.kiln.corpus.pipeline.PipelineDocument;
import dev.kiln.corpus.pipeline.PipelineStep;
import dev.kiln.corpus.pipeline.StepResult;
import dev.kiln.corpus.pipeline.lang.LanguageIdentifier;
import java.util.Map;

/**
 * FineWeb's language filter: keeps a document when one of the configured languages has a probability
 * above the threshold (default: English, 0.65). The detected best language and its score are stored on
 * the document (and in metadata "language" / "language_score") whatever the verdict. Reasons:
 * {@code empty}, {@code language} (another language won), {@code language_score} (an allowed language
 * won, but not above the threshold).
 */
public final class LanguageFilter implements PipelineStep {
    private final LanguageIdentifier identifier;
    private final PipelineConfig.Language cfg;

    public LanguageFilter(LanguageIdentifier identifier, PipelineConfig.Language cfg) {
        this.identifier = identifier;
        this.cfg = cfg;
    }

    @Override
    public String name() {
        return "language";
    }

    @Override
    public StepResult apply(PipelineDocument doc) {
        String text = doc.text();
        if (text == null || text.isBlank()) return StepResult.drop("empty");
        LanguageIdentifier.Prediction p = identifier.predict(text);
        doc.setLanguage(p.language(), p.score());
        doc.metadata().put("language", p.language());
        doc.metadata().put("language_score", p.score());
        if (cfg.languages() == null || cfg.languages().isEmpty()) {
            return p.score() > cfg.threshold()
                    ? StepResult.keep()
                    : StepResult.drop("language_score", Map.of("language", p.language(), "score", p.score()));
        }
        for (String lang : cfg.languages()) {
            if (p.scoreOf(lang) > cfg.threshold())
                return StepResult.keep(Map.of("language", lang, "score", p.scoreOf(lang)));
        }
        String reason = cfg.languages().contains(p.language()) ? "language_score" : "language";
        return StepResult.drop(reason, Map.of("language", p.language(), "score", p.score()));
    }
}
