import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.corpus.pipeline.lang.NgramLanguageIdentifier;
import dev.kiln.corpus.pipeline.lang.NgramModel;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;

/**
 * Writes Kiln's language model file: the langdetect Wikipedia n-gram profiles shipped in the optimaize
 * jar (Apache-2.0) cut at one common pruning depth and turned into log-probabilities with one floor per
 * order, a log prior from each profile's corpus size, and the prior's weight and the score calibration
 * fitted on the Europarl calibration sittings ({@link EuroparlSplit}; never the evaluation ones, and no
 * Europarl n-gram enters the profiles), labelled by lingua and optimaize agreeing on the whole line. Run
 * with bench/langid-model.sh.
 */
public final class BuildLanguageModel {
    /**
     * All of the jar's profiles but Aragonese, Asturian, Breton, Occitan and Haitian Creole: small
     * Wikipedias whose profiles capture Spanish, French and Portuguese text while being rare on the web.
     */
    static final String[] PROFILES = {
        "af", "ar", "be", "bg", "bn", "ca", "cs", "cy", "da", "de", "el", "en", "es", "et", "eu", "fa", "fi", "fr",
        "ga", "gl", "gu", "he", "hi", "hr", "hu", "id", "is", "it", "ja", "km", "kn", "ko", "lt", "lv", "mk", "ml",
        "mr", "ms", "mt", "ne", "nl", "no", "pa", "pl", "pt", "ro", "ru", "sk", "sl", "so", "sq", "sr", "sv", "sw",
        "ta", "te", "th", "tl", "tr", "uk", "ur", "vi", "yi", "zh-CN", "zh-TW"
    };
    /** An unlisted n-gram counts as this fraction of the rarest listed n-gram of its order. */
    static final double FLOOR = 0.5;

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "corpus-service/corpus-core/src/main/resources/kiln/corpus/lang/ngram-model.bin.gz");
        NgramModel model = profiles();
        System.out.printf(Locale.ROOT, "profiles: %d languages, %d n-grams%n", model.languages().size(), model.keys().length);
        List<Labelled> texts = calibrationTexts();
        model = withFittedPrior(model, texts);
        NgramModel.Calibration cal = calibrate(model, texts);
        model = model.withCalibration(cal);
        Files.createDirectories(out.getParent());
        try (OutputStream o = Files.newOutputStream(out)) {
            model.write(o);
        }
        System.out.printf(Locale.ROOT, "wrote %s (%,d bytes), calibration %s%n", out, Files.size(out), cal);
    }

    /** A calibration text and its language. */
    record Labelled(String text, String language) {}

    /**
     * The Europarl calibration sittings' paragraphs, each cut three times at log-uniform random lengths from
     * 15 to 400 characters; lines labelled where lingua and optimaize agree on the whole line.
     */
    static List<Labelled> calibrationTexts() {
        Peers.Detector lingua = Peers.lingua(), optimaize = Peers.optimaize();
        Random rnd = new Random(7);
        List<Labelled> out = new ArrayList<>();
        for (EuroparlSplit.Line l : EuroparlSplit.lines()) {
            if (l.part() != EuroparlSplit.Part.CALIBRATION) continue;
            String a = Peers.best(lingua.scores(l.body())), b = Peers.best(optimaize.scores(l.body()));
            if (!a.equals(b) || !LanguageIdBench.EU21.contains(a)) continue;
            for (String p : EuroparlSplit.paragraphs(l.body(), 15))
                for (int rep = 0; rep < 3; rep++) out.add(new Labelled(p.substring(0, Math.min(randomLength(rnd), p.length())), a));
        }
        return out;
    }

    /** Weights tried for the log prior: 0 = every language equally likely, 1 = as likely as its profile's corpus is large. */
    static final double[] PRIOR_WEIGHTS = {0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1};

    /**
     * The model with the profile-size log prior scaled by the weight under which the most calibration texts
     * get the right best language. Short text is where the prior decides: a language written by more people
     * has the larger Wikipedia (and web), and an ambiguous short text is more likely in it.
     */
    static NgramModel withFittedPrior(NgramModel model, List<Labelled> texts) {
        float[] corpusSize = model.prior();
        double bestWeight = 0;
        int bestRight = -1;
        for (double weight : PRIOR_WEIGHTS) {
            float[] prior = new float[corpusSize.length];
            for (int l = 0; l < prior.length; l++) prior[l] = (float) (weight * corpusSize[l]);
            NgramLanguageIdentifier id = new NgramLanguageIdentifier(model.withPrior(prior), 10_000);
            int right = 0;
            for (Labelled t : texts) {
                NgramLanguageIdentifier.Evidence e = id.evidence(t.text());
                if (e != null && e.language().equals(t.language())) right++;
            }
            System.out.printf(Locale.ROOT, "prior weight %.1f: best language right for %.4f of %,d calibration texts%n", weight, (double) right / texts.size(), texts.size());
            if (right > bestRight) {
                bestRight = right;
                bestWeight = weight;
            }
        }
        float[] prior = new float[corpusSize.length];
        for (int l = 0; l < prior.length; l++) prior[l] = (float) (bestWeight * corpusSize[l]);
        System.out.printf(Locale.ROOT, "prior weight %.1f kept%n", bestWeight);
        return model.withPrior(prior);
    }

    static NgramModel profiles() throws Exception {
        ObjectMapper json = new ObjectMapper();
        int nl = PROFILES.length;
        List<String> langs = new ArrayList<>();
        float[][] floor = new float[3][nl];
        Map<Long, List<float[]>> acc = new LinkedHashMap<>();
        JsonNode[] roots = new JsonNode[nl];
        double[][] minShare = new double[nl][3];
        for (int l = 0; l < nl; l++) {
            try (InputStream in = BuildLanguageModel.class.getResourceAsStream("/languages/" + PROFILES[l])) {
                roots[l] = json.readTree(in);
            }
            double[] minCount = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE};
            for (Iterator<Map.Entry<String, JsonNode>> it = roots[l].get("freq").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                int k = e.getKey().length();
                if (k >= 1 && k <= 3) minCount[k - 1] = Math.min(minCount[k - 1], e.getValue().asDouble());
            }
            for (int k = 0; k < 3; k++)
                minShare[l][k] = (minCount[k] == Double.MAX_VALUE ? 1 : minCount[k]) / roots[l].get("n_words").get(k).asDouble();
        }
        double[] cut = commonCut(minShare);
        for (int l = 0; l < nl; l++) {
            String name = PROFILES[l];
            langs.add(name.startsWith("zh") ? "zh" : name);
            JsonNode root = roots[l];
            JsonNode nWords = root.get("n_words");
            JsonNode freq = root.get("freq");
            double[] total = new double[3];
            double[] keep = new double[3];
            for (int k = 0; k < 3; k++) {
                total[k] = nWords.get(k).asDouble();
                keep[k] = Math.max(cut[k], minShare[l][k]);
                // the profiles are pruned: an unlisted n-gram is rarer than the rarest listed one
                floor[k][l] = (float) Math.log(FLOOR * keep[k]);
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = freq.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String g = e.getKey();
                int k = g.length();
                if (k < 1 || k > 3) continue;
                if (e.getValue().asDouble() / total[k - 1] < keep[k - 1]) continue;
                double lp = Math.log(e.getValue().asDouble() / total[k - 1]);
                long key = NgramModel.key(k, g.charAt(0), k > 1 ? g.charAt(1) : 0, k > 2 ? g.charAt(2) : 0);
                acc.computeIfAbsent(key, x -> new ArrayList<>(4)).add(new float[] {l, (float) (lp - floor[k - 1][l])});
            }
        }
        long[] keys = new long[acc.size()];
        byte[][] el = new byte[keys.length][];
        float[][] ed = new float[keys.length][];
        int i = 0;
        for (Map.Entry<Long, List<float[]>> e : acc.entrySet()) {
            keys[i] = e.getKey();
            el[i] = new byte[e.getValue().size()];
            ed[i] = new float[el[i].length];
            for (int j = 0; j < el[i].length; j++) {
                el[i][j] = (byte) e.getValue().get(j)[0];
                ed[i][j] = e.getValue().get(j)[1];
            }
            i++;
        }
        // Han ideographs → the representative of their frequency class, as the profiles were built
        char[] han = new char[0x10000];
        Properties p = new Properties();
        try (InputStream in = BuildLanguageModel.class.getResourceAsStream("/com/optimaize/langdetect/cybozu/util/messages.properties")) {
            p.load(in);
        }
        for (String k : p.stringPropertyNames()) {
            if (!k.startsWith("NGram.KANJI_")) continue;
            String v = p.getProperty(k);
            if (v.isEmpty()) continue;
            for (int c = 0; c < v.length(); c++) han[v.charAt(c)] = v.charAt(0);
        }
        // log prior: the size of the text each profile was counted from (its unigram total), relative to the largest
        float[] corpusSize = new float[nl];
        double largest = 0;
        for (JsonNode r : roots) largest = Math.max(largest, r.get("n_words").get(0).asDouble());
        for (int l = 0; l < nl; l++) corpusSize[l] = (float) Math.log(roots[l].get("n_words").get(0).asDouble() / largest);
        return new NgramModel(langs, corpusSize, floor, han, keys, el, ed, new NgramModel.Calibration(0, 1, 0, 0, 0));
    }

    /**
     * Per order, the median over the profiles of the share of their rarest listed n-gram. The profiles were
     * pruned at different depths (langdetect's own at about 1e-4 of the n-grams, those optimaize added for
     * Estonian, Latvian, Lithuanian, Romanian, Slovene, Serbian … at about 1e-5), and a deeper profile both
     * lists more of a text's n-grams and pays a floor ten times lower for the rest, so the same text scored
     * against two such profiles is not compared on the same footing; cutting every profile at the common
     * depth (never deeper than its own) gives all of them the same notion of "unlisted".
     */
    static double[] commonCut(double[][] minShare) {
        double[] cut = new double[3];
        for (int k = 0; k < 3; k++) {
            double[] v = new double[minShare.length];
            for (int l = 0; l < v.length; l++) v[l] = minShare[l][k];
            Arrays.sort(v);
            cut[k] = v[v.length / 2];
        }
        System.out.printf(Locale.ROOT, "common pruning depth per order: %s%n", Arrays.toString(cut));
        return cut;
    }

    /** Features per text: bias, margin, margin per n-gram, ln(n-grams), how far the share of n-grams the best language lists falls below the knee. */
    static final int FEATURES = 5;
    /** One junk text per this many Europarl texts in the fit (a prior on junk, and enough rows to fit its weight). */
    static final int TEXTS_PER_JUNK = 20;

    /**
     * Logistic regression (Newton's method) of "the best language is right" on the evidence features,
     * over calibration paragraphs cut at log-uniform random lengths from 15 to 400 characters, plus
     * seeded random-letter and keyboard-mash junk of the same lengths, for which no language is right.
     */
    static NgramModel.Calibration calibrate(NgramModel model, List<Labelled> labelled) {
        NgramLanguageIdentifier id = new NgramLanguageIdentifier(model, 10_000);
        List<double[]> rows = new ArrayList<>();
        for (Labelled t : labelled) addRow(rows, id.evidence(t.text()), t.language());
        int texts = rows.size();
        Random junkRnd = new Random(11);
        for (int i = 0; i < texts / TEXTS_PER_JUNK; i++) addRow(rows, id.evidence(Junk.text(junkRnd, randomLength(junkRnd))), null);
        double[] w = {0, 0.1, 0, 0, 0};
        for (int it = 0; it < 200; it++) {
            double[] g = new double[FEATURES];
            double[][] h = new double[FEATURES][FEATURES];
            for (double[] r : rows) {
                double z = 0;
                for (int j = 0; j < FEATURES; j++) z += w[j] * r[j];
                double pr = 1 / (1 + Math.exp(-z));
                for (int j = 0; j < FEATURES; j++) {
                    g[j] += (r[FEATURES] - pr) * r[j];
                    for (int k = 0; k < FEATURES; k++) h[j][k] += pr * (1 - pr) * r[j] * r[k];
                }
            }
            // a light L2 penalty and a bounded step keep Newton's method from running off on separable rows
            for (int j = 0; j < FEATURES; j++) {
                g[j] -= 1e-3 * w[j];
                h[j][j] += 1e-3;
            }
            double[] step = solve(h, g);
            double norm = 0;
            for (int j = 0; j < FEATURES; j++) norm += Math.abs(step[j]);
            double scale = Math.min(1, 1 / norm);
            for (int j = 0; j < FEATURES; j++) w[j] += scale * step[j];
            if (norm < 1e-9) break;
        }
        int wrong = 0;
        for (double[] r : rows) if (r[FEATURES] == 0) wrong++;
        System.out.printf(Locale.ROOT, "calibration: %,d Europarl texts, %,d junk texts (%,d rows with no right best language)%n",
                texts, rows.size() - texts, wrong);
        NgramModel.Calibration cal = new NgramModel.Calibration(w[0], w[1], w[2], w[3], w[4]);
        reportJunk(model.withCalibration(cal));
        return cal;
    }

    /** Log-uniform between 15 and 400 characters. */
    static int randomLength(Random rnd) {
        return (int) Math.round(Math.exp(Math.log(15) + rnd.nextDouble() * (Math.log(400) - Math.log(15))));
    }

    static void addRow(List<double[]> rows, NgramLanguageIdentifier.Evidence e, String label) {
        if (e == null || Double.isInfinite(e.margin())) return;
        rows.add(new double[] {
            1, e.margin(), e.margin() / e.ngrams(), Math.log(e.ngrams()), NgramModel.Calibration.coverageShortfall(e.coverage()), e.language().equals(label) ? 1 : 0
        });
    }

    /** Junk the fit never saw (another seed): the share FineWeb's 0.65 would keep, by length. */
    static void reportJunk(NgramModel model) {
        NgramLanguageIdentifier id = new NgramLanguageIdentifier(model, 10_000);
        Random rnd = new Random(12345);
        for (int len : new int[] {20, 50, 100, 300}) {
            int kept = 0, n = 2000;
            for (int i = 0; i < n; i++) if (id.predict(Junk.text(rnd, len)).score() >= 0.65) kept++;
            System.out.printf(Locale.ROOT, "held-out junk at %d chars: %.4f scored >= 0.65 (%d texts)%n", len, (double) kept / n, n);
        }
    }

    /** Gaussian elimination with partial pivoting. */
    static double[] solve(double[][] a, double[] b) {
        int n = b.length;
        double[][] m = new double[n][n + 1];
        for (int i = 0; i < n; i++) {
            System.arraycopy(a[i], 0, m[i], 0, n);
            m[i][n] = b[i];
        }
        for (int c = 0; c < n; c++) {
            int p = c;
            for (int r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
            double[] t = m[c];
            m[c] = m[p];
            m[p] = t;
            for (int r = c + 1; r < n; r++) {
                double f = m[r][c] / m[c][c];
                for (int k = c; k <= n; k++) m[r][k] -= f * m[c][k];
            }
        }
        double[] x = new double[n];
        for (int r = n - 1; r >= 0; r--) {
            double s = m[r][n];
            for (int k = r + 1; k < n; k++) s -= m[r][k] * x[k];
            x[r] = s / m[r][r];
        }
        return x;
    }
}
