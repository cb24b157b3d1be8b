package dev.kiln.corpus.engine;

/** An input path lies outside every directory the server was configured to read from. */
public final class InputOutsideRootsException extends RuntimeException {
    public InputOutsideRootsException(String message) {
        super(message);
    }
}
