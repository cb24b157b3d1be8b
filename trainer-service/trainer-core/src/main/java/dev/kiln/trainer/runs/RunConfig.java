package dev.kiln.trainer.runs;

import dev.kiln.trainer.TransformerConfig;
import java.nio.file.Path;

/**
 * Everything a training run needs, with defaults applied and values checked. Built from a
 * StartRunRequest by {@link RunRequests}; a plain record so that the run loop can be set up by hand
 * in tests and benchmarks.
 */
public record RunConfig(
        String name, String encoding, TransformerConfig model, Optimizer optimizer, Schedule schedule, Data data) {

    /** AdamW hyperparameters. */
    public record Optimizer(
            float learningRate,
            float minLearningRate,
            int warmupSteps,
            float weightDecay,
            float beta1,
            float beta2,
            float gradClip) {}

    /**
     * Batch shape, length, data order (windows are shuffled by {@code seed} within buffers of
     * {@code shuffleBufferBatches} batches; 1 reads in sequence), and how often to evaluate, sample
     * and checkpoint.
     */
    public record Schedule(
            int batchSize,
            int gradAccumulationSteps,
            int maxSteps,
            long seed,
            int shuffleBufferBatches,
            int threads,
            int evalInterval,
            int evalBatches,
            int sampleInterval,
            String samplePrompt,
            int sampleTokens,
            int checkpointInterval) {}

    /** Kafka shards (topic set) or a directory of llm.c shards (directory set). */
    public record Data(String kafkaTopic, int waitSeconds, float validationFraction, Path shardDirectory) {
        public boolean fromKafka() {
            return shardDirectory == null;
        }
    }

    public long tokensPerStep() {
        return (long) schedule.batchSize() * schedule.gradAccumulationSteps() * model.context();
    }

    /**
     * Bytes the run will hold: parameters, gradients and two AdamW moments, plus the activations
     * that the backward pass keeps, per micro-batch ({@link TransformerConfig#trainingMemoryBytes}).
     */
    public long estimatedBytes() {
        return model.trainingMemoryBytes(schedule.batchSize(), model.context());
    }
}
