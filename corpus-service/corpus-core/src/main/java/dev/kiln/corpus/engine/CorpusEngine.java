package dev.kiln.corpus.engine;

import dev.kiln.corpus.pipeline.Pipeline;
import dev.kiln.corpus.pipeline.PipelineDocument;
import dev.kiln.corpus.pipeline.PipelineStats;
import dev.kiln.corpus.pipeline.PipelineStep;
import dev.kiln.corpus.pipeline.dedup.ExactDeduplicator;
import dev.kiln.corpus.pipeline.dedup.MinHashDeduplicator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The corpus stage as one object: documents go through the pipeline, kept text goes to the shard
 * writer. Every source of documents (gRPC, files, Kafka) calls {@link #ingest}, files through
 * {@link #ingestFile}; the service only adapts. Plain Java: testable without the service, the broker
 * or the tokenizer service.
 */
public final class CorpusEngine {

    private final Pipeline pipeline;
    private final ShardWriter writer;
    private final BatchTokenizer tokenizer;
    private final FileIngest files;
    private final AtomicLong sequences = new AtomicLong();
    private final Watermark done = new Watermark(0);
    private long committedThrough = -1;

    /** What happened to one document in the pipeline. */
    public record Outcome(boolean kept, String droppedBy, String reason) {
        /** "step/reason", the key drops are counted under. */
        public String dropKey() {
            return droppedBy + "/" + reason;
        }
    }

    /** An inspection plus the tokens the final text would add. */
    public record Inspection(Pipeline.Inspection pipeline, int tokens) {}

    /** @param limits the largest raw document a file may yield (WARC bodies are read up to it) */
    public CorpusEngine(Pipeline pipeline, ShardWriter writer, BatchTokenizer tokenizer, DocumentLimits limits) {
        this.pipeline = pipeline;
        this.writer = writer;
        this.tokenizer = tokenizer;
        this.files = new FileIngest(this, limits);
    }

    /**
     * Runs one document through the pipeline; a kept one is queued for tokenizing and packing, and
     * its receipt is done when its shard is acknowledged. A dropped one's receipt is done at once.
     */
    public Outcome ingest(PipelineDocument document, Receipt receipt) {
        long sequence = sequences.getAndIncrement();
        document.setSequence(sequence);
        done.started(sequence);
        Receipt tracked = new Receipt() {
            @Override
            public void tokenized(int tokens) {
                receipt.tokenized(tokens);
            }

            @Override
            public void done() {
                done.done(sequence);
                commitDedup();
                receipt.done();
            }

            @Override
            public void failed(Throwable cause) {
                receipt.failed(cause);
            }
        };
        Pipeline.Result result = pipeline.process(document);
        if (!result.kept()) {
            tracked.done();
            return new Outcome(false, result.droppedBy(), result.reason());
        }
        String text = result.text();
        if (text == null || text.isBlank()) {
            tracked.done();
            return new Outcome(false, "tokenize", "empty_text");
        }
        writer.add(text, tracked);
        return new Outcome(true, null, null);
    }

    /** Reads a file on the server through {@link #ingest}; see {@link FileIngest#run}. */
    public Optional<FileIngest.Result> ingestFile(
            FileIngest.Format format,
            Path file,
            long limit,
            BooleanSupplier cancelled,
            Consumer<FileIngest.Progress> progress) {
        return files.run(format, file, limit, cancelled, progress);
    }

    /**
     * Persists the dedup entries of the longest run of documents that are all done, so the seen-set
     * on disk never holds a document that a crash could still lose.
     */
    private void commitDedup() {
        long through = done.completeBelow() - 1;
        synchronized (this) {
            if (through <= committedThrough) {
                return;
            }
            try {
                pipeline.commitThrough(through);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot persist the dedup index", e);
            }
            committedThrough = through;
        }
    }

    /** The dry run: every step's verdict, nothing remembered, nothing produced. */
    public Inspection inspect(PipelineDocument document) {
        Pipeline.Inspection inspection = pipeline.inspect(document);
        int tokens = 0;
        if (inspection.kept()
                && inspection.finalText() != null
                && !inspection.finalText().isBlank()) {
            tokens = tokenizer.tokenize(List.of(inspection.finalText())).get(0).length + 1;
        }
        return new Inspection(inspection, tokens);
    }

    public PipelineStats stats() {
        return pipeline.stats();
    }

    /** Documents in the largest dedup index (exact or MinHash) of the pipeline. */
    public long dedupIndexDocuments() {
        long indexed = 0;
        for (PipelineStep step : pipeline.steps()) {
            if (step instanceof ExactDeduplicator exact) {
                indexed = Math.max(indexed, exact.size());
            } else if (step instanceof MinHashDeduplicator minHash) {
                indexed = Math.max(indexed, minHash.documents());
            }
        }
        return indexed;
    }

    public ShardWriter writer() {
        return writer;
    }

    public Pipeline pipeline() {
        return pipeline;
    }
}
