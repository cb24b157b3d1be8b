package dev.kiln.inference.engine;

/**
 * Receives one request's output. Called from the scheduler thread, never concurrently for one
 * request; must not block.
 */
public interface GenerationListener {

    /** New text (possibly empty: held back or incomplete characters) and the tokens behind it. */
    void onTokens(String text, int[] tokens);

    /**
     * The last call: remaining text, the tokens generated since the previous call (the EOS token
     * included), why generation ended and the token counts.
     */
    void onFinish(String text, int[] tokens, FinishReason reason, int promptTokens, int completionTokens);

    /** The model failed; no further calls. */
    void onError(GenerationFailedException error);
}
