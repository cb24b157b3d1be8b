package dev.kiln.corpus.pipeline;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An ordered list of steps. {@link #process} runs a document through them for real (counting every
 * step's in / kept / dropped-by-reason / time, and updating dedup state); {@link #inspect} is the dry
 * run behind {@code InspectDocument}: every step's verdict and the text after it, nothing remembered,
 * nothing counted.
 *
 * <p>A step that throws never crashes the pipeline: the document is dropped with reason
 * {@code error:<ExceptionClass>} and counted.
 */
public final class Pipeline implements Closeable {
    private final List<PipelineStep> steps;
    private final PipelineStats stats;

    public Pipeline(List<? extends PipelineStep> steps) {
        this.steps = List.copyOf(steps);
        this.stats =
                new PipelineStats(this.steps.stream().map(PipelineStep::name).toList());
    }

    public List<PipelineStep> steps() {
        return steps;
    }

    public PipelineStats stats() {
        return stats;
    }

    /** Outcome of {@link #process}: the (possibly rewritten) document, and who dropped it and why. */
    public record Result(
            PipelineDocument document, boolean kept, String droppedBy, String reason, Map<String, Object> details) {
        public String text() {
            return document.text();
        }
    }

    /** Runs the document through every step, stopping at the first drop. Mutates {@code doc}. */
    public Result process(PipelineDocument doc) {
        countIn();
        for (int i = 0; i < steps.size(); i++) {
            StepResult r = apply(i, doc);
            if (!r.kept()) return new Result(doc, false, steps.get(i).name(), r.reason(), r.details());
        }
        countKept();
        return new Result(doc, true, null, null, Map.of());
    }

    /**
     * Runs step {@code i} for real and counts it: the step-by-step path of a caller that must leave the
     * pipeline between steps (the engine waits for the global dedup index's verdict asynchronously).
     */
    public StepResult apply(int i, PipelineDocument doc) {
        long t0 = System.nanoTime();
        StepResult r = run(steps.get(i), doc, false);
        record(i, r, System.nanoTime() - t0);
        return r;
    }

    /** Counts a verdict of step {@code i} that was reached outside {@link #apply(int, PipelineDocument)}. */
    public void record(int i, StepResult result, long nanos) {
        stats.steps().get(i).record(result, nanos);
    }

    /** Counts a document entering the step-by-step path. */
    public void countIn() {
        stats.documentsIn.increment();
    }

    /** Counts a document that passed every step of the step-by-step path. */
    public void countKept() {
        stats.documentsKept.increment();
    }

    /** One step's verdict in an inspection, with the text as it stands after the step. */
    public record StepTrace(
            String step, boolean kept, String reason, Map<String, Object> details, String textAfter, long nanos) {}

    /** The dry run of one document. */
    public record Inspection(
            List<StepTrace> steps,
            boolean kept,
            String droppedBy,
            String reason,
            String language,
            double languageScore,
            String finalText) {}

    /**
     * Dry run: works on a copy of {@code doc}, calls each step's {@link PipelineStep#check} (dedup only
     * looks its index up), updates no stats. Stops at the first drop like {@link #process}; the steps
     * after it are not listed.
     */
    public Inspection inspect(PipelineDocument doc) {
        PipelineDocument d = doc.copy();
        List<StepTrace> traces = new ArrayList<>();
        for (PipelineStep step : steps) {
            long t0 = System.nanoTime();
            StepResult r = run(step, d, true);
            traces.add(new StepTrace(step.name(), r.kept(), r.reason(), r.details(), d.text(), System.nanoTime() - t0));
            if (!r.kept()) {
                return new Inspection(
                        traces, false, step.name(), r.reason(), d.language(), d.languageScore(), d.text());
            }
        }
        return new Inspection(traces, true, null, null, d.language(), d.languageScore(), d.text());
    }

    private static StepResult run(PipelineStep step, PipelineDocument doc, boolean dryRun) {
        try {
            StepResult r = dryRun ? step.check(doc) : step.apply(doc);
            return r == null ? StepResult.drop("error:null_result") : r;
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            return StepResult.drop(
                    "error:" + e.getClass().getSimpleName(), Map.of("message", String.valueOf(e.getMessage())));
        }
    }

    /**
     * Persists the dedup entries of numbered documents up to {@code sequence}: call it once every
     * document up to that number is done (dropped, or shipped in an acknowledged shard). Entries of
     * later documents stay in memory only, so after a crash their replay is not taken for a duplicate.
     */
    public void commitThrough(long sequence) throws IOException {
        for (PipelineStep s : steps) {
            if (s instanceof dev.kiln.corpus.pipeline.dedup.ExactDeduplicator e) e.commitThrough(sequence);
            else if (s instanceof dev.kiln.corpus.pipeline.dedup.MinHashDeduplicator m) m.commitThrough(sequence);
        }
    }

    /**
     * Forces the dedup seen-set logs to disk. Each committed record already reached the OS (a JVM
     * crash loses nothing); call this before committing consumer offsets to survive a machine crash too.
     */
    public void sync() throws IOException {
        for (PipelineStep s : steps) {
            if (s instanceof dev.kiln.corpus.pipeline.dedup.ExactDeduplicator e) e.sync();
            else if (s instanceof dev.kiln.corpus.pipeline.dedup.MinHashDeduplicator m) m.sync();
        }
    }

    /** Closes steps that hold resources (the dedup logs). */
    @Override
    public void close() throws IOException {
        IOException first = null;
        for (PipelineStep s : steps) {
            if (s instanceof Closeable c) {
                try {
                    c.close();
                } catch (IOException e) {
                    if (first == null) first = e;
                }
            }
        }
        if (first != null) throw first;
    }
}
