package dev.kiln.tokenizer.catalog;

/** A training call sent more text than the server is configured to take. */
public final class TrainingLimitException extends RuntimeException {

    public TrainingLimitException(String message) {
        super(message);
    }
}
