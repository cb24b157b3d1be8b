package dev.kiln.corpus.pipeline.dedup;

import dev.kiln.corpus.pipeline.PipelineConfig;
import dev.kiln.corpus.pipeline.PipelineDocument;
import dev.kiln.corpus.pipeline.PipelineStep;
import dev.kiln.corpus.pipeline.StepResult;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Exact or MinHash dedup decided by the {@link GlobalDedupIndex} that all replicas share, in place of
 * the in-process {@link ExactDeduplicator} / {@link MinHashDeduplicator} (same keys, same reasons).
 * The verdict arrives asynchronously, so the engine calls {@link #claim} rather than {@link #apply};
 * {@link #check} (InspectDocument) asks the index without claiming anything.
 */
public final class GlobalDedupStep implements PipelineStep {

    private static final long PROBE_TIMEOUT_SECONDS = 30;

    private final String name;
    private final DedupKeys.Kind kind;
    private final String reason;
    private final Function<String, long[]> keyer;
    private final GlobalDedupIndex index;

    private GlobalDedupStep(
            String name, DedupKeys.Kind kind, String reason, Function<String, long[]> keyer, GlobalDedupIndex index) {
        this.name = name;
        this.kind = kind;
        this.reason = reason;
        this.keyer = keyer;
        this.index = index;
    }

    /** Exact dedup on {@link ExactDeduplicator#hash}: one key a document. */
    public static GlobalDedupStep exact(String name, GlobalDedupIndex index) {
        return new GlobalDedupStep(
                name,
                DedupKeys.Kind.EXACT,
                "exact_duplicate",
                text -> new long[] {ExactDeduplicator.hash(text)},
                index);
    }

    /** MinHash dedup on the band keys of {@link MinHash}. */
    public static GlobalDedupStep minHash(String name, PipelineConfig.Dedup cfg, GlobalDedupIndex index) {
        MinHash minHash = new MinHash(cfg);
        return new GlobalDedupStep(name, DedupKeys.Kind.BAND, "near_duplicate", minHash::bandKeys, index);
    }

    @Override
    public String name() {
        return name;
    }

    /** A claim in flight: its keys (the shard sink marks them shipped) and the step's verdict when answered. */
    public record Claim(DedupKeys keys, CompletableFuture<StepResult> result) {}

    /** Claims the document's keys under the stable name {@code document}; see {@link DedupKeys}. */
    public Claim claim(PipelineDocument doc, String document) {
        if (doc.text() == null) {
            return new Claim(null, CompletableFuture.completedFuture(StepResult.drop("empty")));
        }
        DedupKeys keys = new DedupKeys(kind, document, keyer.apply(doc.text()));
        return new Claim(keys, index.claim(keys).thenApply(this::result));
    }

    /** Documents in the index this step asks, counted by their exact keys; 0 for the MinHash step. */
    public long documents() {
        return kind == DedupKeys.Kind.EXACT ? index.documents() : 0;
    }

    /** Never called: the verdict is asynchronous, and the engine claims through {@link #claim}. */
    @Override
    public StepResult apply(PipelineDocument doc) {
        throw new IllegalStateException(name + " is decided by the global dedup index; use claim()");
    }

    @Override
    public StepResult check(PipelineDocument doc) {
        if (doc.text() == null) {
            return StepResult.drop("empty");
        }
        DedupKeys keys = new DedupKeys(kind, "probe", keyer.apply(doc.text()));
        try {
            return result(index.probe(keys).get(PROBE_TIMEOUT_SECONDS, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking the global dedup index", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new DedupIndexUnavailableException(
                    "the global dedup index did not answer within " + PROBE_TIMEOUT_SECONDS + "s", e);
        }
    }

    private StepResult result(GlobalDedupIndex.Verdict verdict) {
        if (!verdict.duplicate()) {
            return StepResult.keep();
        }
        return kind == DedupKeys.Kind.BAND
                ? StepResult.drop(reason, Map.of("band", verdict.duplicateKey(), "holder", verdict.holder()))
                : StepResult.drop(reason, Map.of("holder", verdict.holder()));
    }
}
