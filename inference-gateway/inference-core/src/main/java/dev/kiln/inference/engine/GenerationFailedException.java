package dev.kiln.inference.engine;

/** The model failed while generating (a prefill or decode call, or decoding a sampled token); ours, not the caller's. */
public class GenerationFailedException extends RuntimeException {
    public GenerationFailedException(Throwable cause) {
        super("generation failed: " + cause.getMessage(), cause);
    }
}
