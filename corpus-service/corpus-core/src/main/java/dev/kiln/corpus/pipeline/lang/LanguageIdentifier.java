package dev.kiln.corpus.pipeline.lang;

import java.util.Map;

/** Identifies the language of a text; scores are posterior probabilities that sum to at most 1. */
public interface LanguageIdentifier {

    /** The best language (ISO 639-1 code, e.g. "en"; "und" when nothing was detected) and all scores. */
    Prediction predict(String text);

    record Prediction(String language, double score, Map<String, Double> scores) {
        public double scoreOf(String lang) {
            return scores.getOrDefault(lang, 0.0);
        }
    }
}
