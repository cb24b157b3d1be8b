package dev.kiln.corpus.pipeline.dedup;

/** The global dedup index (the broker, or the replicas' stream tasks) did not answer in time. */
public final class DedupIndexUnavailableException extends RuntimeException {
    public DedupIndexUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
