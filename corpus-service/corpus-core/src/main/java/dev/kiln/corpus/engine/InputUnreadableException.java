package dev.kiln.corpus.engine;

import java.io.IOException;

/** An input exists but cannot be opened or listed. */
public final class InputUnreadableException extends RuntimeException {
    public InputUnreadableException(String message, IOException cause) {
        super(message, cause);
    }
}
