package dev.kiln.corpus.pipeline.dedup;

import dev.kiln.corpus.pipeline.PipelineConfig;
import dev.kiln.corpus.pipeline.PyText;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * FineWeb's MinHash signature and LSH band keys of a text, and nothing else: the pure computation that
 * the in-process {@link MinHashDeduplicator} and the global index ({@link GlobalDedupStep}) share, so
 * both agree on what a near-duplicate is. Normalised text (see {@link PyText#simplify}), word n-gram
 * shingles, {@code bands × rows} hash functions (a·x + b mod 2⁶¹−1 over a 64-bit shingle hash).
 */
public final class MinHash {
    private static final long P = (1L << 61) - 1;
    private final int ngram, bands, rows;
    private final long[] a, b;

    public MinHash(PipelineConfig.Dedup cfg) {
        this.ngram = cfg.ngram();
        this.bands = cfg.bands();
        this.rows = cfg.rowsPerBand();
        int k = bands * rows;
        SplittableRandom rnd = new SplittableRandom(cfg.seed());
        a = new long[k];
        b = new long[k];
        for (int i = 0; i < k; i++) {
            a[i] = 1 + rnd.nextLong(P - 1);
            b[i] = rnd.nextLong(P);
        }
    }

    public int bands() {
        return bands;
    }

    /** One key per band of the text's signature. */
    public long[] bandKeys(String text) {
        return bandKeys(signature(text));
    }

    /** 64-bit hashes of the word n-gram shingles of the normalised text (the whole text if shorter). */
    long[] shingles(String text) {
        String norm = PyText.simplify(text);
        List<String> words = PyText.splitWhitespace(norm);
        long[] wh = new long[words.size()];
        for (int i = 0; i < wh.length; i++) wh[i] = wordHash(words.get(i));
        int count = Math.max(1, wh.length - ngram + 1);
        long[] out = new long[count];
        for (int s = 0; s < count; s++) {
            long h = 0x243F6A8885A308D3L;
            for (int j = s; j < Math.min(wh.length, s + ngram); j++) h = mix(h ^ wh[j]) + 0x9E3779B97F4A7C15L;
            out[s] = h;
        }
        return out;
    }

    private static long wordHash(String w) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < w.length(); i++) {
            h ^= w.charAt(i);
            h *= 0x100000001b3L;
        }
        return mix(h);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** (a·x + b) mod 2⁶¹−1 with a, x, b < 2⁶¹. */
    private static long permute(long a, long x, long b) {
        long lo = a * x, hi = Math.multiplyHigh(a, x);
        long r = (lo & P) + ((hi << 3) | (lo >>> 61));
        r = (r & P) + (r >>> 61);
        r += b;
        r = (r & P) + (r >>> 61);
        return r >= P ? r - P : r;
    }

    /** The 112 minima. */
    long[] signature(String text) {
        long[] sh = shingles(text);
        int k = a.length;
        long[] sig = new long[k];
        Arrays.fill(sig, Long.MAX_VALUE);
        for (long s0 : sh) {
            long x = s0 & P;
            for (int i = 0; i < k; i++) {
                long v = permute(a[i], x, b[i]);
                if (v < sig[i]) sig[i] = v;
            }
        }
        return sig;
    }

    /** One key per band: hash of the band's 8 minima, salted by the band number. */
    long[] bandKeys(long[] sig) {
        long[] keys = new long[bands];
        for (int band = 0; band < bands; band++) {
            long h = mix(0x51ED27A3L + band);
            for (int r = 0; r < rows; r++) h = mix(h ^ sig[band * rows + r]);
            keys[band] = h;
        }
        return keys;
    }

    /** Estimated Jaccard similarity of two texts from their signatures (for tests and inspection). */
    public double estimateSimilarity(String x, String y) {
        long[] s1 = signature(x), s2 = signature(y);
        int eq = 0;
        for (int i = 0; i < s1.length; i++) if (s1[i] == s2[i]) eq++;
        return (double) eq / s1.length;
    }
}
