package dev.kiln.proto;

/**
 * A path a request or an event names resolves (symbolic links followed) to a place outside every
 * root the server was configured with. Every service answers it with PERMISSION_DENIED.
 */
public final class PathOutsideRootsException extends RuntimeException {
    public PathOutsideRootsException(String message) {
        super(message);
    }
}
