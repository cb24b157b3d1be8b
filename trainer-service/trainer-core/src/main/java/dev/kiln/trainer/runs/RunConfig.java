package dev.kiln.trainer.runs;

import dev.kiln.trainer.GptConfig;
import java.nio.file.Path;

/**
 * Everything a training run needs, with defaults applied and values checked. Built from a
 * StartRunRequest by {@link RunRequests}; a plain record so that the run loop can be set up by hand
 * in tests and benchmarks.
 */
public record RunConfig(
        String name, String encoding, GptConfig model, Optimizer optimizer, Schedule schedule, Data data) {

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
     * Bytes the run will hold: parameters, gradients and two AdamW moments (4 × params × 4 bytes),
     * plus the activations that the backward pass keeps, per micro-batch.
     */
    public long estimatedBytes() {
        long params = model.parameterCount();
        long b = schedule.batchSize();
        long t = model.context();
        long c = model.nEmbd();
        long l = model.nLayer();
        long nh = model.nHead();
        // Per layer: ~16 tensors of [B,T,C] (ln, qkv×3, attn out, mlp 4C×2 ...) and two of [B,NH,T,T].
        long activations = l * (16 * b * t * c + 2 * b * nh * t * t) + 2 * b * t * model.paddedVocab();
        return 4 * (4 * params + activations);
    }
}
