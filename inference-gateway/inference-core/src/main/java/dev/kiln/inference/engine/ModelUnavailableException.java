package dev.kiln.inference.engine;

/**
 * The model cannot take requests right now: it is being unloaded or replaced. A retry reaches
 * the replacement, or learns that the model is gone.
 */
public class ModelUnavailableException extends RuntimeException {
    public ModelUnavailableException(String message) {
        super(message);
    }
}
