package dev.kiln.inference.model;

/** A directory that is not a usable model bundle; the message says what is missing or wrong. */
public class InvalidBundleException extends RuntimeException {
    public InvalidBundleException(String message) {
        super(message);
    }

    public InvalidBundleException(String message, Throwable cause) {
        super(message, cause);
    }
}
