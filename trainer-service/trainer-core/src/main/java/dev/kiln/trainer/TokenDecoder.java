package dev.kiln.trainer;

/**
 * Incremental decoding of one sequence with a key/value cache: each {@link #step} runs the model
 * on one new token at the next position, attending to the cached keys and values of all earlier
 * positions. Gives the same logits as {@link LanguageModel#forwardLogits} on the whole prefix (to
 * float rounding), at O(T) instead of O(T²) per token.
 */
public interface TokenDecoder {

    /** Number of tokens consumed so far (the position the next token gets). */
    int position();

    void reset();

    /** Feed one token at {@link #position()}; returns the next-token logits [V] (a fresh array). */
    float[] step(int token);

    /** Feed a prompt; returns the logits [V] after its last token. */
    default float[] prefill(int[] tokens) {
        if (tokens.length == 0) {
            throw new IllegalArgumentException("empty prompt");
        }
        float[] last = null;
        for (int t : tokens) {
            last = step(t);
        }
        return last;
    }
}
