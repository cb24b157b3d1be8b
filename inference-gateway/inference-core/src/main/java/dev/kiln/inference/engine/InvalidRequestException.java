package dev.kiln.inference.engine;

/**
 * A request field is missing or out of range; the message names the field and what it accepts.
 * An {@link IllegalArgumentException}, so every caller that treats bad arguments alike keeps doing so.
 */
public class InvalidRequestException extends IllegalArgumentException {
    public InvalidRequestException(String message) {
        super(message);
    }
}
