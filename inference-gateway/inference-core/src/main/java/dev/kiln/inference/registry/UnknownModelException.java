package dev.kiln.inference.registry;

/** No model of that name is loaded; the message lists the loaded ones. */
public class UnknownModelException extends RuntimeException {
    public UnknownModelException(String message) {
        super(message);
    }
}
