package dev.kiln.corpus.engine;

/**
 * A document refused before the pipeline sees it. A stream of documents stops at it; a topic
 * skips it.
 */
public abstract class DocumentRejectedException extends RuntimeException {
    DocumentRejectedException(String message) {
        super(message);
    }
}
