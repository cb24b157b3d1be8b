package dev.kiln.inference.core.engine;

/** The scheduler's queue is full: retry later. */
public class QueueFullException extends RuntimeException {
    public QueueFullException(String message) {
        super(message);
    }
}
