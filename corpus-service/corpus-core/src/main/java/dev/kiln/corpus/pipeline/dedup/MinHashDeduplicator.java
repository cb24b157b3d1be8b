package dev.kiln.corpus.pipeline.dedup;

import dev.kiln.corpus.pipeline.PipelineConfig;
import dev.kiln.corpus.pipeline.PipelineDocument;
import dev.kiln.corpus.pipeline.PipelineStep;
import dev.kiln.corpus.pipeline.StepResult;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Streaming MinHash near-dedup inside one process (signature and band keys: {@link MinHash}), with
 * FineWeb's parameters: normalised text,
 * word 5-gram shingles, 112 hash functions (a·x + b mod 2⁶¹−1 over a 64-bit shingle hash) in 14 bands
 * of 8; two documents collide when all 8 minima of some band agree (≈ 0.72 Jaccard for 50% odds).
 * A document is checked against the bands of all documents kept before it: a hit drops it
 * ({@code near_duplicate}), so the earliest document of a cluster is the one kept. The index is one
 * open-addressing set of 14 band keys a document; with a directory it is also the append-only log
 * {@code minhash-bands.log} (14 × 8 = 112 bytes a document) replayed at start.
 */
public final class MinHashDeduplicator implements PipelineStep, Closeable {
    private final MinHash minHash;
    private final LongHashSet index = new LongHashSet(1024);
    private final AppendLog log;
    private long documents;

    public MinHashDeduplicator(PipelineConfig.Dedup cfg) {
        this.minHash = new MinHash(cfg);
        int bands = cfg.bands();
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

    @Override
    public StepResult apply(PipelineDocument doc) {
        if (doc.text() == null) return StepResult.drop("empty");
        long[] keys = minHash.bandKeys(doc.text());
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
        long[] keys = minHash.bandKeys(doc.text());
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
        return minHash.estimateSimilarity(x, y);
    }
}
