package dev.kiln.inference.engine;

/** Sampling values as a client sent them; null = unset (take the model's default). */
public record SamplingSpec(
        Float temperature, Integer topK, Float topP, Float minP, Float repetitionPenalty, Long seed) {
    public static SamplingSpec unset() {
        return new SamplingSpec(null, null, null, null, null, null);
    }

    public static SamplingSpec greedy() {
        return new SamplingSpec(0f, null, null, null, null, null);
    }
}
