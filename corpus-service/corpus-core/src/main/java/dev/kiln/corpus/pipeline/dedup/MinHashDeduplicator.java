package dev.kiln.corpus.pipeline.dedup;

import dev.kiln.corpus.pipeline.PipelineConfig;
import dev.kiln.corpus.pipeline.PipelineDocument;
import dev.kiln.corpus.pipeline.PipelineStep;
import dev.kiln.corpus.pipeline.PyText;
import dev.kiln.corpus.pipeline.StepResult;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Streaming MinHash near-dedup with FineWeb's parameters: normalised text (see {@link PyText#simplify}),
 * word 5-gram shingles, 112 hash functions (a·x + b mod 2⁶¹−1 over a 64-bit shingle hash) in 14 bands
 * of 8; two documents collide when all 8 minima of some band agree (≈ 0.72 Jaccard for 50% odds).
 * A document is checked against the bands of all documents kept before it: a hit drops it
 * ({@code near_duplicate}), so the earliest document of a cluster is the one kept. The index is one
 * open-addressing set of 14 band keys a document; with a directory it is also the append-only log
 * {@code minhash-bands.log} (14 × 8 = 112 bytes a document) replayed at start.
 */
public final class MinHashDeduplicator implements PipelineStep, Closeable {
    private static final long P = (1L << 61) - 1;
    private final int ngram, bands, rows;
    private final long[] a, b;
    private final LongHashSet index = new LongHashSet(1024);
    private final AppendLog log;
    private long documents;

    public MinHashDeduplicator(PipelineConfig.Dedup cfg) {
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
        try {
            this.log = cfg.directory() == null
                    ? null
                    : new AppendLog(cfg.directory().resolve("minhash-bands.log"), bands, rec -> {
                        for (long key : rec) index.add(key);
                        documents++;
                    });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open MinHash log in " + cfg.directory(), e);
        }
    }

    @Override
    public String name() {
        return "minhash_dedup";
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
        java.util.Arrays.fill(sig, Long.MAX_VALUE);
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

    @Override
    public StepResult apply(PipelineDocument doc) {
        if (doc.text() == null) return StepResult.drop("empty");
        long[] keys = bandKeys(signature(doc.text()));
        synchronized (this) {
            int hit = firstHit(keys);
            if (hit >= 0) return StepResult.drop("near_duplicate", Map.of("band", hit));
            for (long key : keys) index.add(key);
            documents++;
            if (log != null) {
                try {
                    log.append(keys, doc.sequence());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return StepResult.keep();
    }

    @Override
    public StepResult check(PipelineDocument doc) {
        if (doc.text() == null) return StepResult.drop("empty");
        long[] keys = bandKeys(signature(doc.text()));
        synchronized (this) {
            int hit = firstHit(keys);
            return hit >= 0 ? StepResult.drop("near_duplicate", Map.of("band", hit)) : StepResult.keep();
        }
    }

    private int firstHit(long[] keys) {
        for (int i = 0; i < keys.length; i++) if (index.contains(keys[i])) return i;
        return -1;
    }

    /** Documents in the index (kept ones, including those replayed from the log). */
    public synchronized long documents() {
        return documents;
    }

    /** Bytes held by the index table (the dominant memory of this step). */
    public synchronized long memoryBytes() {
        return index.memoryBytes();
    }

    /** Forces the log to disk (e.g. before committing Kafka offsets). */
    public void sync() throws IOException {
        if (log != null) log.sync();
    }

    /** Persists the entries of documents numbered up to {@code sequence} (see {@link PipelineDocument#sequence()}). */
    public void commitThrough(long sequence) throws IOException {
        if (log != null) log.commitThrough(sequence);
    }

    @Override
    public void close() throws IOException {
        if (log != null) log.close();
    }

    /** Estimated Jaccard similarity of two texts from their signatures (for tests and inspection). */
    public double estimateSimilarity(String x, String y) {
        long[] s1 = signature(x), s2 = signature(y);
        int eq = 0;
        for (int i = 0; i < s1.length; i++) if (s1[i] == s2[i]) eq++;
        return (double) eq / s1.length;
    }
}
