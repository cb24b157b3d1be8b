package dev.kiln.corpus.engine;

/** A document without content: there is nothing to filter or tokenize. */
public final class EmptyDocumentException extends DocumentRejectedException {
    public EmptyDocumentException(String message) {
        super(message);
    }
}
