package dev.kiln.corpus.pipeline;

/**
 * One step of the pipeline: looks at a document and keeps it or drops it with a reason, and may
 * rewrite its text. Implementations must be thread-safe: the service runs documents concurrently.
 */
public interface PipelineStep {

    /** Stable name used in config ({@code kiln.corpus.pipeline.steps}) and in the stats. */
    String name();

    /** Processes the document for real (stateful steps such as dedup remember it). */
    StepResult apply(PipelineDocument doc);

    /**
     * The dry run used by {@link Pipeline#inspect}: same verdict and text rewriting as {@link #apply},
     * but no state is changed. Stateless steps need not override it.
     */
    default StepResult check(PipelineDocument doc) {
        return apply(doc);
    }
}
