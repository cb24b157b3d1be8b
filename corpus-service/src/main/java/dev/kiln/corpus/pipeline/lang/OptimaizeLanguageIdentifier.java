package dev.kiln.corpus.pipeline.lang;

import com.optimaize.langdetect.DetectedLanguage;
import com.optimaize.langdetect.LanguageDetector;
import com.optimaize.langdetect.LanguageDetectorBuilder;
import com.optimaize.langdetect.i18n.LdLocale;
import com.optimaize.langdetect.ngram.NgramExtractors;
import com.optimaize.langdetect.profiles.LanguageProfile;
import com.optimaize.langdetect.profiles.LanguageProfileReader;
import com.optimaize.langdetect.text.CommonTextObjectFactories;
import com.optimaize.langdetect.text.TextObjectFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Language ID backed by optimaize language-detector (Apache-2.0, profiles for 71 languages shipped in
 * its jar; nothing is downloaded). It is the Cybozu langdetect algorithm: character 1–3-gram naive Bayes
 * evaluated over random n-gram samples, so its scores are normalised posterior probabilities — clear
 * text scores near 1, mixed or very short text visibly lower. Text beyond {@code maxChars} is ignored
 * (speed), newlines become spaces (as datatrove does before fastText). Thread-safe.
 */
public final class OptimaizeLanguageIdentifier implements LanguageIdentifier {
    private static volatile OptimaizeLanguageIdentifier shared;
    private final LanguageDetector detector;
    private final TextObjectFactory textFactory;
    private final int maxChars;

    public OptimaizeLanguageIdentifier(int maxChars) {
        try {
            List<LanguageProfile> profiles = new LanguageProfileReader().readAllBuiltIn();
            this.detector = LanguageDetectorBuilder.create(NgramExtractors.standard())
                    .withProfiles(profiles)
                    .minimalConfidence(0.0)
                    .probabilityThreshold(0.01)
                    .seed(42L)
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load built-in language profiles", e);
        }
        this.textFactory = CommonTextObjectFactories.forDetectingOnLargeText();
        this.maxChars = maxChars;
    }

    /** One instance per JVM is enough (profiles are ~read-only); built on first use. */
    public static OptimaizeLanguageIdentifier shared() {
        OptimaizeLanguageIdentifier s = shared;
        if (s == null) {
            synchronized (OptimaizeLanguageIdentifier.class) {
                if (shared == null) shared = new OptimaizeLanguageIdentifier(10_000);
                s = shared;
            }
        }
        return s;
    }

    @Override
    public Prediction predict(String text) {
        String t = text.length() > maxChars ? text.substring(0, maxChars) : text;
        t = t.replace('\n', ' ');
        List<DetectedLanguage> probs = detector.getProbabilities(textFactory.forText(t));
        if (probs.isEmpty()) return new Prediction("und", 0.0, Map.of());
        Map<String, Double> scores = new LinkedHashMap<>();
        for (DetectedLanguage d : probs) {
            String lang = code(d.getLocale());
            scores.merge(lang, d.getProbability(), Double::sum);
        }
        DetectedLanguage best = probs.get(0);
        return new Prediction(code(best.getLocale()), scores.get(code(best.getLocale())), scores);
    }

    private static String code(LdLocale l) {
        return l.getLanguage();
    }
}
