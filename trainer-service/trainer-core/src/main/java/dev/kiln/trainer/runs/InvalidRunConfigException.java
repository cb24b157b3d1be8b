package dev.kiln.trainer.runs;

/** A run's configuration is invalid; the message names the field and what it must be. */
public final class InvalidRunConfigException extends IllegalArgumentException {
    public InvalidRunConfigException(String message) {
        super(message);
    }
}
