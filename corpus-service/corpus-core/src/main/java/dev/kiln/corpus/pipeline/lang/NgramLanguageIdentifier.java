package dev.kiln.corpus.pipeline.lang;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Character 1–3-gram naive Bayes language identifier with a calibrated score.
 *
 * <p>Model: the n-gram frequency profiles of 71 languages that ship inside the optimaize
 * {@code language-detector} jar (Apache-2.0, built from Wikipedia; read from the classpath, nothing
 * downloaded). Each language gets add-α smoothed log-probabilities per n-gram order.
 *
 * <p>Score: a plain naive-Bayes posterior multiplies thousands of n-gram likelihoods and ends at 1.0
 * for almost any input, which no threshold can use. Like fastText (which averages over the
 * document), this scores languages by their <em>mean</em> log-likelihood per n-gram and turns that
 * into probabilities with a softmax at a fixed temperature ({@link #DEFAULT_SHARPNESS}, chosen on
 * Europarl so that clean paragraphs score above 0.9 while mixed-language or junk text lands well
 * below FineWeb's 0.65). Texts of fewer n-grams than the sharpness are scored as plain NB over what
 * there is, so a three-word snippet is honestly uncertain.
 *
 * <p>Kana and Han ideographs are folded into class representatives as the profiles expect.
 *
 * <p>Memory: ~70k distinct n-grams, stored sparsely (a 48-bit packed key → language/log-prob
 * pairs); a few MB of heap. Thread-safe and allocation-light per call.
 */
public final class NgramLanguageIdentifier implements LanguageIdentifier {
    public static final double DEFAULT_SHARPNESS = 14;
    /**
     * The profiles used: all of the jar's but Aragonese, Asturian, Breton, Occitan and Haitian Creole, small
     * Wikipedias whose profiles capture Spanish, French and Portuguese text (on Europarl, Spanish came out
     * as Asturian) while being rare on the web.
     */
    private static final String[] PROFILES = {
        "af", "ar", "be", "bg", "bn", "ca", "cs", "cy", "da", "de", "el", "en", "es", "et", "eu", "fa", "fi", "fr",
        "ga", "gl", "gu", "he", "hi", "hr", "hu", "id", "is", "it", "ja", "km", "kn", "ko", "lt", "lv", "mk", "ml",
        "mr", "ms", "mt", "ne", "nl", "no", "pa", "pl", "pt", "ro", "ru", "sk", "sl", "so", "sq", "sr", "sv", "sw",
        "ta", "te", "th", "tl", "tr", "uk", "ur", "vi", "yi", "zh-CN", "zh-TW"
    };
    /** An unlisted n-gram counts as this fraction of the rarest listed n-gram of its order. */
    private static final double FLOOR = 0.5;

    private static volatile NgramLanguageIdentifier shared;

    private final String[] langs;
    private final float[][] floor; // [order-1][lang]
    private final long[] keys; // open addressing, 0 = empty
    private final int[] start; // entry range per slot into entryLang/entryDelta
    private final int[] len;
    private final short[] entryLang;
    private final float[] entryDelta;
    private final int mask;
    private final int maxChars;
    private final double sharpness;

    public NgramLanguageIdentifier(int maxChars, double sharpness) {
        this.maxChars = maxChars;
        this.sharpness = sharpness;
        ObjectMapper json = new ObjectMapper();
        int nl = PROFILES.length;
        langs = new String[nl];
        floor = new float[3][nl];
        Map<Long, List<long[]>> acc = new LinkedHashMap<>();
        for (int l = 0; l < nl; l++) {
            String name = PROFILES[l];
            langs[l] = name.startsWith("zh") ? "zh" : name;
            JsonNode root;
            try (InputStream in = NgramLanguageIdentifier.class.getResourceAsStream("/languages/" + name)) {
                if (in == null)
                    throw new IllegalStateException("language profile /languages/" + name + " not on the classpath");
                root = json.readTree(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            JsonNode nWords = root.get("n_words");
            double[] total = new double[3];
            double[] minCount = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE};
            JsonNode freq = root.get("freq");
            for (Iterator<Map.Entry<String, JsonNode>> it = freq.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                int k = e.getKey().length();
                if (k >= 1 && k <= 3)
                    minCount[k - 1] = Math.min(minCount[k - 1], e.getValue().asDouble());
            }
            for (int k = 0; k < 3; k++) {
                total[k] = nWords.get(k).asDouble();
                // the profiles are pruned: an n-gram that is not listed is rarer than the rarest listed one
                double m = minCount[k] == Double.MAX_VALUE ? 1 : minCount[k];
                floor[k][l] = (float) Math.log(FLOOR * m / total[k]);
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = freq.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String g = e.getKey();
                int k = g.length();
                if (k < 1 || k > 3) continue;
                double lp = Math.log(e.getValue().asDouble() / total[k - 1]);
                long key = pack(g);
                acc.computeIfAbsent(key, x -> new ArrayList<>(4)).add(new long[] {
                    l, Float.floatToIntBits((float) (lp - floor[k - 1][l]))
                });
            }
        }
        int cap = Integer.highestOneBit(acc.size() * 2) << 1;
        keys = new long[cap];
        scratch = ThreadLocal.withInitial(() -> new Scratch(cap));
        start = new int[cap];
        len = new int[cap];
        mask = cap - 1;
        int entries = 0;
        for (List<long[]> v : acc.values()) entries += v.size();
        entryLang = new short[entries];
        entryDelta = new float[entries];
        int pos = 0;
        for (Map.Entry<Long, List<long[]>> e : acc.entrySet()) {
            long key = e.getKey();
            int i = slot(key);
            while (keys[i] != 0) i = (i + 1) & mask;
            keys[i] = key;
            start[i] = pos;
            len[i] = e.getValue().size();
            for (long[] le : e.getValue()) {
                entryLang[pos] = (short) le[0];
                entryDelta[pos] = Float.intBitsToFloat((int) le[1]);
                pos++;
            }
        }
    }

    /** The default instance (whole-JVM singleton, built on first use). */
    public static NgramLanguageIdentifier shared() {
        NgramLanguageIdentifier s = shared;
        if (s == null) {
            synchronized (NgramLanguageIdentifier.class) {
                if (shared == null) shared = new NgramLanguageIdentifier(10_000, DEFAULT_SHARPNESS);
                s = shared;
            }
        }
        return s;
    }

    private static long pack(CharSequence g) {
        long k = g.length();
        for (int i = 0; i < g.length(); i++) k = (k << 16) | g.charAt(i);
        return k | (1L << 62);
    }

    private int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 29)) & mask;
    }

    private int find(long key) {
        int i = slot(key);
        while (true) {
            long k = keys[i];
            if (k == 0) return -1;
            if (k == key) return i;
            i = (i + 1) & mask;
        }
    }

    /**
     * Han ideographs → the representative of their frequency class, the folding the profiles were built
     * with (the class lists ship in the same jar, {@code cybozu/util/messages.properties}, keys NGram.KANJI_*).
     */
    private static final char[] HAN = new char[0x10000];

    static {
        java.util.Properties p = new java.util.Properties();
        try (InputStream in = NgramLanguageIdentifier.class.getResourceAsStream(
                "/com/optimaize/langdetect/cybozu/util/messages.properties")) {
            if (in != null) p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String k : p.stringPropertyNames()) {
            if (!k.startsWith("NGram.KANJI_")) continue;
            String v = p.getProperty(k);
            if (v.isEmpty()) continue;
            char rep = v.charAt(0);
            for (int i = 0; i < v.length(); i++) HAN[v.charAt(i)] = rep;
        }
    }

    /** Character class used to build n-grams: letters kept, everything else is a word break. */
    private static char norm(char c) {
        // the profiles fold each kana script into one representative character, as langdetect does
        if (c >= '\u3041' && c <= '\u309F') return '\u3042';
        if (c >= '\u30A1' && c <= '\u30FF') return '\u30A2';
        if (c >= '\u4E00' && c <= '\u9FFF' && HAN[c] != 0) return HAN[c];
        if (Character.isLetter(c)) return c;
        return ' ';
    }

    public List<String> languages() {
        return List.of(langs);
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

    private final ThreadLocal<Scratch> scratch;

    @Override
    public Prediction predict(String text) {
        int nl = langs.length;
        double[] ll = new double[nl];
        Scratch sc = scratch.get();
        int[] occ = sc.occ;
        sc.n = 0;
        int n = Math.min(text.length(), maxChars);
        int[] perOrder = new int[3];
        int grams = 0;
        char p1 = ' ', p2 = ' ';
        for (int i = 0; i <= n; i++) {
            char c = i < n ? norm(text.charAt(i)) : ' ';
            if (c == ' ' && p1 == ' ') continue;
            // 1-gram
            if (c != ' ') perOrder[0] += add(sc, 1, c, (char) 0, (char) 0);
            // 2-gram p1 c
            perOrder[1] += add(sc, 2, p1, c, (char) 0);
            // 3-gram p2 p1 c (not spanning a word break inside)
            if (p1 != ' ') perOrder[2] += add(sc, 3, p2, p1, c);
            p2 = p1;
            p1 = c;
        }
        // each distinct n-gram once, weighted by its count
        for (int t = 0; t < sc.n; t++) {
            int i = sc.touched[t];
            int c = occ[i];
            occ[i] = 0;
            for (int e = start[i], end = e + len[i]; e < end; e++) ll[entryLang[e]] += c * entryDelta[e];
        }
        grams = perOrder[0] + perOrder[1] + perOrder[2];
        if (grams == 0) return new Prediction("und", 0.0, Map.of());
        for (int k = 0; k < 3; k++) for (int l = 0; l < nl; l++) ll[l] += (double) floor[k][l] * perOrder[k];
        double t = Math.min(grams, sharpness);
        double max = Double.NEGATIVE_INFINITY;
        double[] s = new double[nl];
        for (int l = 0; l < nl; l++) {
            s[l] = t * ll[l] / grams;
            max = Math.max(max, s[l]);
        }
        double sum = 0;
        for (int l = 0; l < nl; l++) {
            s[l] = Math.exp(s[l] - max);
            sum += s[l];
        }
        Map<String, Double> scores = new LinkedHashMap<>();
        Integer[] order = new Integer[nl];
        for (int l = 0; l < nl; l++) order[l] = l;
        Arrays.sort(order, (a, b) -> Double.compare(s[b], s[a]));
        for (int r = 0; r < nl; r++) {
            int l = order[r];
            double pr = s[l] / sum;
            if (pr < 0.001 && r > 0) break;
            scores.merge(langs[l], pr, Double::sum);
        }
        String best = langs[order[0]];
        return new Prediction(best, scores.get(best), scores);
    }

    /** Adds one n-gram's log-likelihoods; returns 1 when the n-gram is known to some language. */
    private int add(Scratch sc, int order, char a, char b, char c) {
        if (order == 3 && a == ' ' && c == ' ') return 0;
        if (order == 2 && a == ' ' && b == ' ') return 0;
        long key = order == 1
                ? ((1L << 16) | a)
                : order == 2 ? (((2L << 16) | a) << 16 | b) : ((((3L << 16) | a) << 16 | b) << 16 | c);
        key |= 1L << 62;
        int i = find(key);
        if (i < 0) return 0;
        if (sc.occ[i]++ == 0) {
            if (sc.n == sc.touched.length) sc.touched = Arrays.copyOf(sc.touched, sc.n * 2);
            sc.touched[sc.n++] = i;
        }
        return 1;
    }
}
