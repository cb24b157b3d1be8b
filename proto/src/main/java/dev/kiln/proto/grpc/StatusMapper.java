package dev.kiln.proto.grpc;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;

/**
 * A service's one mapping from a failure to the gRPC status its clients see. Each service
 * names the typed exceptions of its own core in {@link #specific}; everything else falls to
 * {@link #common}, the rule all four services share, so the same kind of failure gets the same
 * status whichever service raised it.
 */
@FunctionalInterface
public interface StatusMapper {

    /** The status for a failure this service's core names, or {@code null} to use the common rule. */
    Status specific(Throwable failure);

    /**
     * Trailing metadata to send with the status of {@code failure} (e.g. {@code retry-after}), or
     * null for none.
     */
    default Metadata trailers(Throwable failure) {
        return null;
    }

    /**
     * Longest description sent. Messages quote what the caller sent (a name, a path); the
     * description travels in an HTTP/2 trailer, and one past the client's header limit (8 KiB in
     * grpc-java) turns the deliberate status into a stream reset the client reads as INTERNAL.
     */
    int MAX_DESCRIPTION = 1024;

    /** The status to answer with for {@code failure}, its description at most {@link #MAX_DESCRIPTION}. */
    default Status toStatus(Throwable failure) {
        Status status = specific(failure);
        status = status != null ? status : common(failure);
        String description = status.getDescription();
        if (description != null && description.length() > MAX_DESCRIPTION) {
            status = status.withDescription(description.substring(0, MAX_DESCRIPTION) + "… (cut)");
        }
        return status;
    }

    /**
     * The rule shared by every service: a status an adapter already chose stands; an
     * {@link IllegalArgumentException} is the caller's bad argument (INVALID_ARGUMENT with its
     * message); anything else is a fault of ours (INTERNAL, naming the exception so the log line
     * can be found, with the cause attached for the server's log).
     */
    static Status common(Throwable failure) {
        if (failure instanceof StatusRuntimeException e) {
            return e.getStatus();
        }
        if (failure instanceof StatusException e) {
            return e.getStatus();
        }
        if (failure instanceof IllegalArgumentException) {
            return Status.INVALID_ARGUMENT.withDescription(failure.getMessage());
        }
        return Status.INTERNAL
                .withDescription("internal error (" + failure.getClass().getSimpleName() + "): " + failure.getMessage())
                .withCause(failure);
    }
}
