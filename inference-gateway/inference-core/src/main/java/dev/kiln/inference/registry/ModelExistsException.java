package dev.kiln.inference.registry;

/** A model of that name is loaded and replace was not asked for. */
public class ModelExistsException extends RuntimeException {
    public ModelExistsException(String message) {
        super(message);
    }
}
