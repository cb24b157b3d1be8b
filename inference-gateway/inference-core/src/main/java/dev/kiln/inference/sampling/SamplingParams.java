package dev.kiln.inference.sampling;

/**
 * How the next token is chosen; values already resolved against defaults.
 *
 * @param temperature        0 = greedy (argmax), else logits are divided by it; 0..2
 * @param topK               keep the k most likely tokens; 0 = off
 * @param topP               nucleus: smallest set reaching this mass; (0, 1], 1 = off
 * @param minP               drop tokens below minP × top probability; 0..1, 0 = off
 * @param repetitionPenalty  CTRL-style penalty on tokens already seen; (0, 10], 1 = off
 * @param seed               seed of this request's own random generator
 */
public record SamplingParams(float temperature, int topK, float topP, float minP, float repetitionPenalty, long seed) {

    public static final float MAX_TEMPERATURE = 2f;
    public static final float MAX_REPETITION_PENALTY = 10f;

    /** Greedy decoding, no penalties. */
    public static SamplingParams greedy() {
        return new SamplingParams(0f, 0, 1f, 0f, 1f, 0L);
    }

    /**
     * Checks every value against its documented range.
     *
     * @throws IllegalArgumentException naming the field and its range
     */
    public SamplingParams {
        if (!(temperature >= 0f && temperature <= MAX_TEMPERATURE)) {
            throw new IllegalArgumentException("sampling.temperature must be in [0, 2], got " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("sampling.top_k must be >= 0, got " + topK);
        }
        if (!(topP > 0f && topP <= 1f)) {
            throw new IllegalArgumentException("sampling.top_p must be in (0, 1], got " + topP);
        }
        if (!(minP >= 0f && minP <= 1f)) {
            throw new IllegalArgumentException("sampling.min_p must be in [0, 1], got " + minP);
        }
        if (!(repetitionPenalty > 0f && repetitionPenalty <= MAX_REPETITION_PENALTY)) {
            throw new IllegalArgumentException(
                    "sampling.repetition_penalty must be in (0, 10], got " + repetitionPenalty);
        }
    }

    public boolean isGreedy() {
        return temperature == 0f;
    }
}
