package dev.kiln.proto.auth;

/** The API key file cannot be used: unreadable, or a line that is not {@code key scope[,scope]} (named by file:line). */
public final class ApiKeyFileException extends RuntimeException {
    public ApiKeyFileException(String message) {
        super(message);
    }

    public ApiKeyFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
