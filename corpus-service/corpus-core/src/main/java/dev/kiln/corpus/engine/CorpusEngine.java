package dev.kiln.corpus.engine;

import dev.kiln.corpus.pipeline.Pipeline;
import dev.kiln.corpus.pipeline.PipelineDocument;
import dev.kiln.corpus.pipeline.PipelineStats;
import dev.kiln.corpus.pipeline.PipelineStep;
import dev.kiln.corpus.pipeline.StepResult;
import dev.kiln.corpus.pipeline.dedup.DedupKeys;
import dev.kiln.corpus.pipeline.dedup.ExactDeduplicator;
import dev.kiln.corpus.pipeline.dedup.GlobalDedupStep;
import dev.kiln.corpus.pipeline.dedup.MinHashDeduplicator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
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
    private final int maxAwaitingDedup;
    private final Semaphore awaitingDedup;
    private final boolean global;
    private long committedThrough = -1;
    private final TreeMap<Long, Runnable> packOrder = new TreeMap<>();
    private long nextToPack;

    /** Documents waiting for a global dedup verdict at most, by default. */
    public static final int DEFAULT_MAX_AWAITING_DEDUP = 8192;

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
        this(pipeline, writer, tokenizer, limits, DEFAULT_MAX_AWAITING_DEDUP);
    }

    /**
     * @param maxAwaitingDedup documents waiting for the global dedup index's verdict at most; {@link
     *     #ingest} blocks its caller beyond that (back-pressure on the documents consumer and the RPCs)
     */
    public CorpusEngine(
            Pipeline pipeline,
            ShardWriter writer,
            BatchTokenizer tokenizer,
            DocumentLimits limits,
            int maxAwaitingDedup) {
        this.pipeline = pipeline;
        this.writer = writer;
        this.tokenizer = tokenizer;
        this.files = new FileIngest(this, limits);
        this.maxAwaitingDedup = maxAwaitingDedup;
        this.awaitingDedup = new Semaphore(maxAwaitingDedup);
        this.global = pipeline.steps().stream().anyMatch(GlobalDedupStep.class::isInstance);
    }

    /** As {@link #ingest(PipelineDocument, String, Receipt)} for a document with no stable name. */
    public CompletableFuture<Outcome> ingest(PipelineDocument document, Receipt receipt) {
        return ingest(document, null, receipt);
    }

    /**
     * Runs one document through the pipeline; a kept one is queued for tokenizing and packing, and
     * its receipt is done when its shard is committed. A dropped one's receipt is done at once.
     * Global dedup steps answer asynchronously: the outcome completes when the pipeline's verdict is
     * known, and fails (as does the receipt) when the index does not answer.
     *
     * @param origin the stable name of this delivery (a Kafka record's coordinates), so that a replay
     *     after a crash claims its dedup keys as the same document; null names it afresh
     */
    public CompletableFuture<Outcome> ingest(PipelineDocument document, String origin, Receipt receipt) {
        long sequence = sequences.getAndIncrement();
        document.setSequence(sequence);
        done.started(sequence);
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        if (global) {
            awaitingDedup.acquireUninterruptibly();
            outcome.whenComplete((o, e) -> awaitingDedup.release());
        }
        String name = origin != null ? origin : UUID.randomUUID().toString();
        InFlight doc = new InFlight(document, name, receipt, sequence, outcome, new ArrayList<>());
        pipeline.countIn();
        try {
            advance(doc, 0);
        } catch (RuntimeException e) {
            inOrder(sequence, null);
            outcome.completeExceptionally(e);
            throw e;
        }
        return outcome;
    }

    /** One document between its steps; {@code claims} are the global dedup keys it holds, step by step. */
    private record InFlight(
            PipelineDocument document,
            String name,
            Receipt receipt,
            long sequence,
            CompletableFuture<Outcome> outcome,
            List<DedupKeys> claims) {}

    /** Runs the steps from {@code from} on; leaves at a global dedup step and comes back with its verdict. */
    private void advance(InFlight doc, int from) {
        List<PipelineStep> steps = pipeline.steps();
        for (int i = from; i < steps.size(); i++) {
            if (steps.get(i) instanceof GlobalDedupStep step) {
                int at = i;
                long t0 = System.nanoTime();
                GlobalDedupStep.Claim claim = step.claim(doc.document(), doc.name());
                long keying = System.nanoTime() - t0;
                claim.result().whenComplete((result, error) -> {
                    if (error != null) {
                        inOrder(doc.sequence(), null);
                        doc.receipt().failed(error);
                        doc.outcome().completeExceptionally(error);
                        return;
                    }
                    pipeline.record(at, result, keying);
                    if (!result.kept()) {
                        dropped(doc, step.name(), result.reason());
                        return;
                    }
                    doc.claims().add(claim.keys());
                    advance(doc, at + 1);
                });
                return;
            }
            StepResult result = pipeline.apply(i, doc.document());
            if (!result.kept()) {
                dropped(doc, steps.get(i).name(), result.reason());
                return;
            }
        }
        pipeline.countKept();
        String text = doc.document().text();
        if (text == null || text.isBlank()) {
            dropped(doc, "tokenize", "empty_text");
            return;
        }
        inOrder(
                doc.sequence(),
                () -> writer.add(text, shippedMark(doc), new Receipt() {
                    @Override
                    public void tokenized(int tokens) {
                        doc.receipt().tokenized(tokens);
                    }

                    @Override
                    public void done() {
                        finished(doc);
                    }

                    @Override
                    public void failed(Throwable cause) {
                        doc.receipt().failed(cause);
                    }
                }));
        doc.outcome().complete(new Outcome(true, null, null));
    }

    /**
     * The keys that mark the document shipped: those of its first global dedup step only. A replay
     * runs the same steps on the same text, so it claims that step's keys before any later step's;
     * finding them shipped drops it there, and it never reaches the later steps, so marks on their keys
     * would change no verdict. With exact dedup first (the default) that is one key, one record and one
     * partition a document instead of fifteen store writes, and the mark is atomic (one stream
     * transaction). The shard sink writes it in the transaction of the shard that ends the document.
     */
    private static DedupKeys shippedMark(InFlight doc) {
        return doc.claims().isEmpty() ? null : doc.claims().get(0);
    }

    private void dropped(InFlight doc, String step, String reason) {
        inOrder(doc.sequence(), null);
        finished(doc);
        doc.outcome().complete(new Outcome(false, step, reason));
    }

    /**
     * Packs kept documents in the order they were ingested, although their dedup verdicts may come
     * back in another: {@code pack} (null for a dropped or failed document) runs once every earlier
     * document has had its turn.
     */
    private void inOrder(long sequence, Runnable pack) {
        RuntimeException failure = null;
        synchronized (packOrder) {
            if (sequence < nextToPack) {
                return; // its turn was taken already (a pack that threw)
            }
            packOrder.put(sequence, pack == null ? () -> {} : pack);
            while (!packOrder.isEmpty() && packOrder.firstKey() == nextToPack) {
                Runnable next = packOrder.pollFirstEntry().getValue();
                nextToPack++;
                try {
                    next.run();
                } catch (RuntimeException e) {
                    if (failure == null) {
                        failure = e;
                    }
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private void finished(InFlight doc) {
        done.done(doc.sequence());
        commitDedup();
        doc.receipt().done();
    }

    /**
     * Waits until no document waits for a global dedup verdict, so that a following {@link
     * ShardWriter#seal} ships everything taken so far (the consumer drains this way before it gives
     * up partitions).
     *
     * @return false when verdicts were still missing after {@code timeout}
     */
    public boolean awaitDedupVerdicts(long timeout, TimeUnit unit) throws InterruptedException {
        if (!awaitingDedup.tryAcquire(maxAwaitingDedup, timeout, unit)) {
            return false;
        }
        awaitingDedup.release(maxAwaitingDedup);
        return true;
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

    /** Documents in the largest dedup index (exact or MinHash; the global one: this replica's part). */
    public long dedupIndexDocuments() {
        long indexed = 0;
        for (PipelineStep step : pipeline.steps()) {
            if (step instanceof ExactDeduplicator exact) {
                indexed = Math.max(indexed, exact.size());
            } else if (step instanceof MinHashDeduplicator minHash) {
                indexed = Math.max(indexed, minHash.documents());
            } else if (step instanceof GlobalDedupStep global) {
                indexed = Math.max(indexed, global.documents());
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
