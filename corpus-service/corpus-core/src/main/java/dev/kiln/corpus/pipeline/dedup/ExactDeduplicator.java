package dev.kiln.corpus.pipeline.dedup;

import dev.kiln.corpus.pipeline.PipelineDocument;
import dev.kiln.corpus.pipeline.PipelineStep;
import dev.kiln.corpus.pipeline.PyText;
import dev.kiln.corpus.pipeline.StepResult;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Exact dedup on a hash of the normalised text (datatrove's simplify_text: lowercase, whitespace
 * collapsed, punctuation removed, diacritics stripped, digits → 0): the first document with a given
 * normalised text is kept, later ones are dropped ({@code exact_duplicate}). The seen-set holds 64-bit
 * SHA-1 prefixes (collision odds ~n²/2⁶⁵) and, with a directory, is the append-only log
 * {@code exact-hashes.log} (8 bytes a document) replayed at start.
 */
public final class ExactDeduplicator implements PipelineStep, Closeable {
    private final LongHashSet seen = new LongHashSet(1024);
    private final AppendLog log;

    public ExactDeduplicator(Path directory) {
        try {
            this.log = directory == null
                    ? null
                    : new AppendLog(directory.resolve("exact-hashes.log"), 1, r -> seen.add(r[0]));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open exact dedup log in " + directory, e);
        }
    }

    @Override
    public String name() {
        return "exact_dedup";
    }

    public static long hash(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-1")
                    .digest(PyText.simplify(text).getBytes(StandardCharsets.UTF_8));
            long h = 0;
            for (int i = 0; i < 8; i++) h = (h << 8) | (d[i] & 0xFF);
            return h;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public StepResult apply(PipelineDocument doc) {
        if (doc.text() == null) return StepResult.drop("empty");
        long h = hash(doc.text());
        synchronized (this) {
            if (!seen.add(h)) return StepResult.drop("exact_duplicate");
            if (log != null) {
                try {
                    log.append(new long[] {h}, doc.sequence());
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
        long h = hash(doc.text());
        synchronized (this) {
            return seen.contains(h) ? StepResult.drop("exact_duplicate") : StepResult.keep();
        }
    }

    public synchronized int size() {
        return seen.size();
    }

    public synchronized long memoryBytes() {
        return seen.memoryBytes();
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
}
