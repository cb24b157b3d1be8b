package dev.kiln.trainer.runs;

/** The run's state does not allow what was asked: it is active, completed, not active, or has no checkpoint. */
public final class RunStateException extends RuntimeException {
    public RunStateException(String message) {
        super(message);
    }
}
