package dev.kiln.inference.engine;

/**
 * How many tokens a request may generate: the number the client gave, or, when it gave none and
 * the API has a "fill the context" default (OpenAI chat), what the model's context leaves after
 * the prompt, at most {@code limit}. Resolved by {@link InferenceEngine} once the prompt is
 * tokenized, so every adapter gets the same answer.
 */
public record MaxNewTokens(int limit, boolean fillContext) {

    /** Exactly the client's limit; checked to be >= 1 and to fit in the context with the prompt. */
    public static MaxNewTokens of(int limit) {
        return new MaxNewTokens(limit, false);
    }

    /** What the context leaves after the prompt, at most {@code cap} (>= 1). */
    public static MaxNewTokens fillContext(int cap) {
        if (cap < 1) {
            throw new IllegalArgumentException("the cap of a context fill must be >= 1, got " + cap);
        }
        return new MaxNewTokens(cap, true);
    }

    /** The limit for a prompt of {@code promptTokens} in a context of {@code context} tokens (prompt shorter than it). */
    int resolve(int promptTokens, int context) {
        return fillContext ? Math.min(limit, context - promptTokens) : limit;
    }
}
