package dev.kiln.inference.engine;

/** What the scheduler reports; the service maps it to Prometheus. All methods must be cheap. */
public interface EngineMetrics {
    EngineMetrics NONE = new EngineMetrics() {};

    default void timeToFirstToken(String model, long nanos) {}

    default void interTokenLatency(String model, long nanos) {}

    /** One decode step of {@code batchSize} rows took {@code nanos}. */
    default void decodeStep(String model, int batchSize, long nanos) {}

    /** One prefill call over {@code rows} prompts, {@code tokens} positions in all, took {@code nanos}. */
    default void prefillCall(String model, int rows, int tokens, long nanos) {}

    default void tokensGenerated(String model, int n) {}

    default void finished(String model, FinishReason reason) {}
}
