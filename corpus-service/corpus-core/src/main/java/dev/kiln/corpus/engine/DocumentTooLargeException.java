package dev.kiln.corpus.engine;

/** A document over the configured size limit. */
public final class DocumentTooLargeException extends DocumentRejectedException {
    public DocumentTooLargeException(String message) {
        super(message);
    }
}
