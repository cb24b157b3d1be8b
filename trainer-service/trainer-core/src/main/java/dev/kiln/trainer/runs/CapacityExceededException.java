package dev.kiln.trainer.runs;

/**
 * The trainer cannot take the run now: as many runs train as it allows at once, or the run would
 * need more memory than its budget. The message names the limit and its configuration key.
 */
public final class CapacityExceededException extends RuntimeException {
    public CapacityExceededException(String message) {
        super(message);
    }
}
