package dev.kiln.corpus.engine;

/** An input path names nothing on the corpus server. */
public final class InputNotFoundException extends RuntimeException {
    public InputNotFoundException(String message) {
        super(message);
    }
}
