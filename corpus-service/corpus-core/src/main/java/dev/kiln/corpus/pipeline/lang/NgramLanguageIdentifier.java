package dev.kiln.corpus.pipeline.lang;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Character 1–3-gram naive Bayes language identifier with a prior, whose score is a calibrated probability.
 *
 * <p>Model ({@link NgramModel}, a 0.85 MB resource): the n-gram frequency profiles of 64 languages (65
 * profiles, two for Chinese) built from Wikipedia by the langdetect project (Apache-2.0, via the optimaize
 * {@code language-detector} jar, which is used only to build the file, see {@code bench/langid-model.sh}),
 * all cut at one pruning depth so that an unlisted n-gram costs every language the same floor; and a log
 * prior per language from the size of the text its profile was counted from, which settles short text
 * that two related languages explain about equally well (its weight is fitted, see the corpus-core README).
 *
 * <p>Score: naive Bayes multiplies many dependent n-gram likelihoods (each letter is in three n-grams),
 * so its raw posterior is 1.0 for almost any input and no threshold can use it. Instead the evidence
 * (the best language's log-likelihood lead over the runner-up, its mean per n-gram, the n-gram
 * count, and the share of the text's n-grams the best language's profile lists) is mapped to the probability that the best language is right by a logistic fit on held-out
 * Europarl text cut to random lengths and on seeded random-letter and keyboard-mash junk ({@link NgramModel.Calibration}). That is what fastText's score
 * means for FineWeb's 0.65 threshold: of texts scored 0.65, about 65% are that language. The other
 * languages share the rest in proportion to a length-normalised softmax.
 *
 * <p>Thread-safe; per call it allocates only the small result.
 */
public final class NgramLanguageIdentifier implements LanguageIdentifier {
    /** Softmax temperature of the length-normalised scores that split the runner-up share. */
    private static final double SHARPNESS = 14;

    private static volatile NgramLanguageIdentifier shared;

    private final NgramModel model;
    private final String[] langs;
    private final long[] keys; // open addressing, 0 = empty
    private final int[] entry; // slot → index into the model's entry arrays
    private final int mask;
    private final int maxChars;
    private final ThreadLocal<Scratch> scratch;

    public NgramLanguageIdentifier(NgramModel model, int maxChars) {
        this.model = model;
        this.maxChars = maxChars;
        this.langs = model.languages().toArray(String[]::new);
        int cap = Integer.highestOneBit(Math.max(16, model.keys().length) * 2) << 1;
        keys = new long[cap];
        entry = new int[cap];
        mask = cap - 1;
        for (int e = 0; e < model.keys().length; e++) {
            long key = model.keys()[e];
            int i = slot(key);
            while (keys[i] != 0) i = (i + 1) & mask;
            keys[i] = key;
            entry[i] = e;
        }
        scratch = ThreadLocal.withInitial(() -> new Scratch(cap));
    }

    /** The default model's identifier (whole-JVM singleton, built on first use). */
    public static NgramLanguageIdentifier shared() {
        NgramLanguageIdentifier s = shared;
        if (s == null) {
            synchronized (NgramLanguageIdentifier.class) {
                if (shared == null) shared = new NgramLanguageIdentifier(NgramModel.readDefault(), 10_000);
                s = shared;
            }
        }
        return s;
    }

    /** Languages as the model names them ("zh" for both Chinese profiles). */
    public List<String> languages() {
        return List.copyOf(new java.util.LinkedHashSet<>(model.languages()));
    }

    public NgramModel model() {
        return model;
    }

    /**
     * The evidence the score is computed from: the best language, its log-likelihood lead (nats) over
     * the best other language, the number of n-grams some language lists, and the share of all the
     * text's n-grams that the best language's profile lists (its fit: keyboard mash wins some language
     * by a wide margin while that language knows few of its n-grams); null when no n-gram is known.
     */
    public record Evidence(String language, double margin, int ngrams, double coverage) {}

    public Evidence evidence(String text) {
        double[] ll = new double[langs.length];
        int[] counts = new int[langs.length + 1];
        int grams = logLikelihoods(text, ll, counts);
        if (grams == 0) return null;
        int best = argmax(ll, -1);
        int second = runnerUp(ll, best);
        return new Evidence(
                langs[best],
                second < 0 ? Double.POSITIVE_INFINITY : ll[best] - ll[second],
                grams,
                coverage(counts, best));
    }

    /** Share of the text's n-gram occurrences listed by language l ({@code counts[langs]} is the total). */
    private double coverage(int[] counts, int l) {
        return (double) counts[l] / counts[langs.length];
    }

    @Override
    public Prediction predict(String text) {
        int nl = langs.length;
        double[] ll = new double[nl];
        int[] counts = new int[nl + 1];
        int grams = logLikelihoods(text, ll, counts);
        if (grams == 0) return new Prediction("und", 0.0, Map.of());
        int best = argmax(ll, -1);
        int second = runnerUp(ll, best);
        double top = second < 0
                ? 1.0
                : model.calibration().probability(ll[best] - ll[second], grams, coverage(counts, best));
        double t = Math.min(grams, SHARPNESS);
        double[] s = new double[nl];
        double sum = 0;
        for (int l = 0; l < nl; l++) {
            if (langs[l].equals(langs[best])) continue;
            s[l] = Math.exp(t * (ll[l] - ll[best]) / grams);
            sum += s[l];
        }
        Integer[] order = new Integer[nl];
        for (int l = 0; l < nl; l++) order[l] = l;
        Arrays.sort(order, (a, b) -> Double.compare(s[b], s[a]));
        Map<String, Double> scores = new LinkedHashMap<>();
        scores.put(langs[best], top);
        for (int r = 0; r < nl; r++) {
            int l = order[r];
            if (langs[l].equals(langs[best])) continue;
            double pr = sum == 0 ? 0 : (1 - top) * s[l] / sum;
            if (pr < 0.001) break;
            scores.merge(langs[l], pr, Double::sum);
        }
        return new Prediction(langs[best], top, scores);
    }

    /** The best other language (not the best one's other profile, e.g. zh-TW for zh-CN); -1 if none. */
    private int runnerUp(double[] ll, int best) {
        int second = -1;
        for (int l = 0; l < ll.length; l++)
            if (!langs[l].equals(langs[best]) && (second < 0 || ll[l] > ll[second])) second = l;
        return second;
    }

    private static int argmax(double[] v, int except) {
        int best = -1;
        for (int i = 0; i < v.length; i++) if (i != except && (best < 0 || v[i] > v[best])) best = i;
        return best;
    }

    /**
     * Fills each language's total log-likelihood of the text and, in {@code counts}, how many of the
     * text's n-gram occurrences each language lists, with the number of all occurrences (listed or not)
     * last; returns the number of occurrences some language lists.
     */
    private int logLikelihoods(String text, double[] ll, int[] counts) {
        Scratch sc = scratch.get();
        int[] occ = sc.occ;
        sc.n = 0;
        int n = Math.min(text.length(), maxChars);
        int[] perOrder = new int[3];
        int all = 0;
        char p1 = ' ', p2 = ' ';
        boolean capitalWord = false;
        for (int i = 0; i <= n; i++) {
            char c = i < n ? norm(text.charAt(i)) : ' ';
            if (c == ' ' && p1 == ' ') continue;
            // as the profiles were counted (langdetect's NGram): inside an all-capitals word ("EU",
            // "(DE)") no n-gram is taken, so such words are not evidence the profiles never saw
            if (p1 == ' ' || !Character.isUpperCase(c)) capitalWord = false;
            else if (Character.isUpperCase(p1)) capitalWord = true;
            if (capitalWord) {
                p2 = p1;
                p1 = c;
                continue;
            }
            if (c != ' ') {
                perOrder[0] += add(sc, NgramModel.key(1, c, (char) 0, (char) 0));
                all++;
            }
            if (!(p1 == ' ' && c == ' ')) {
                perOrder[1] += add(sc, NgramModel.key(2, p1, c, (char) 0));
                all++;
            }
            // a 3-gram does not span a word break inside
            if (p1 != ' ' && !(p2 == ' ' && c == ' ')) {
                perOrder[2] += add(sc, NgramModel.key(3, p2, p1, c));
                all++;
            }
            p2 = p1;
            p1 = c;
        }
        counts[ll.length] = all;
        byte[][] el = model.entryLanguages();
        float[][] ed = model.entryDeltas();
        // each distinct n-gram once, weighted by its count
        for (int t = 0; t < sc.n; t++) {
            int i = sc.touched[t];
            int c = occ[i];
            occ[i] = 0;
            byte[] l = el[entry[i]];
            float[] d = ed[entry[i]];
            for (int e = 0; e < l.length; e++) {
                ll[l[e]] += c * d[e];
                counts[l[e]] += c;
            }
        }
        float[][] floor = model.floor();
        float[] prior = model.prior();
        for (int l = 0; l < ll.length; l++) {
            ll[l] += prior[l];
            for (int k = 0; k < 3; k++) ll[l] += (double) floor[k][l] * perOrder[k];
        }
        return perOrder[0] + perOrder[1] + perOrder[2];
    }

    /** Character class used to build n-grams: letters kept (kana and Han folded as the profiles were), else a break. */
    private char norm(char c) {
        if (c >= '\u3041' && c <= '\u309F') return '\u3042';
        if (c >= '\u30A1' && c <= '\u30FF') return '\u30A2';
        if (c >= '\u4E00' && c <= '\u9FFF' && model.hanFold()[c] != 0) return model.hanFold()[c];
        if (Character.isLetter(c)) return c;
        return ' ';
    }

    private int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 29)) & mask;
    }

    /** Counts one n-gram occurrence; returns 1 when some language lists it. */
    private int add(Scratch sc, long key) {
        int i = slot(key);
        while (true) {
            long k = keys[i];
            if (k == 0) return 0;
            if (k == key) break;
            i = (i + 1) & mask;
        }
        if (sc.occ[i]++ == 0) {
            if (sc.n == sc.touched.length) sc.touched = Arrays.copyOf(sc.touched, sc.n * 2);
            sc.touched[sc.n++] = i;
        }
        return 1;
    }

    /** Per-thread scratch: occurrence count per model slot, and the slots touched by this text. */
    private static final class Scratch {
        final int[] occ;
        int[] touched = new int[1024];
        int n;

        Scratch(int slots) {
            occ = new int[slots];
        }
    }
}
