import com.github.pemistahl.lingua.api.Language;
import com.github.pemistahl.lingua.api.LanguageDetector;
import com.github.pemistahl.lingua.api.LanguageDetectorBuilder;
import com.optimaize.langdetect.DetectedLanguage;
import com.optimaize.langdetect.ngram.NgramExtractors;
import com.optimaize.langdetect.profiles.LanguageProfileReader;
import com.optimaize.langdetect.text.CommonTextObjectFactories;
import com.optimaize.langdetect.text.TextObjectFactory;
import dev.kiln.corpus.pipeline.lang.LanguageIdentifier;
import dev.kiln.corpus.pipeline.lang.NgramLanguageIdentifier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** The systems compared: language → probability for a text (absent = 0). */
final class Peers {
    interface Detector {
        String name();

        Map<String, Double> scores(String text);
    }

    static Detector kiln() {
        LanguageIdentifier id = NgramLanguageIdentifier.shared();
        return new Detector() {
            public String name() {
                return "kiln";
            }

            public Map<String, Double> scores(String text) {
                return id.predict(text).scores();
            }
        };
    }

    /** lingua 1.2.2, every language, high-accuracy mode (its default): its decision scored 1.0. */
    static Detector lingua() {
        LanguageDetector d = LanguageDetectorBuilder.fromAllLanguages().build();
        return new Detector() {
            public String name() {
                return "lingua";
            }

            public Map<String, Double> scores(String text) {
                // 1.2.2's confidence values are relative to the best language (which always gets 1.0), not
                // probabilities, so no threshold on them means what 0.65 means: lingua keeps its own decision
                Language l = d.detectLanguageOf(text);
                return l == Language.UNKNOWN
                        ? Map.of()
                        : Map.of(l.getIsoCode639_1().toString().toLowerCase(Locale.ROOT), 1.0);
            }
        };
    }

    /** optimaize language-detector 0.6, all 71 built-in profiles, its short-clean-text normaliser. */
    static Detector optimaize() {
        com.optimaize.langdetect.LanguageDetector d;
        try {
            d = com.optimaize.langdetect.LanguageDetectorBuilder.create(NgramExtractors.standard())
                    .withProfiles(new LanguageProfileReader().readAllBuiltIn())
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        TextObjectFactory texts = CommonTextObjectFactories.forDetectingShortCleanText();
        return new Detector() {
            public String name() {
                return "optimaize";
            }

            public Map<String, Double> scores(String text) {
                Map<String, Double> out = new HashMap<>();
                for (DetectedLanguage l : d.getProbabilities(texts.forText(text)))
                    out.merge(l.getLocale().getLanguage(), l.getProbability(), Double::sum);
                return out;
            }
        };
    }

    static String best(Map<String, Double> scores) {
        String best = "und";
        double p = 0;
        for (Map.Entry<String, Double> e : scores.entrySet())
            if (e.getValue() > p) {
                p = e.getValue();
                best = e.getKey();
            }
        return best;
    }
}
