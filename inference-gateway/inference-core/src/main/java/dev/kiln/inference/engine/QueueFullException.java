package dev.kiln.inference.engine;

/** The scheduler's queue is full: retry later. */
public class QueueFullException extends RuntimeException {
    public QueueFullException(String message) {
        super(message);
    }
}
