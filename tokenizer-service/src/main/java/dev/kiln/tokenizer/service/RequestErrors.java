package dev.kiln.tokenizer.service;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/** gRPC errors with messages a person can act on. */
final class RequestErrors {

    private RequestErrors() {}

    static StatusRuntimeException invalid(String message) {
        return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
    }

    static StatusRuntimeException notFound(String message) {
        return Status.NOT_FOUND.withDescription(message).asRuntimeException();
    }

    static StatusRuntimeException tooLarge(String message) {
        return Status.RESOURCE_EXHAUSTED.withDescription(message).asRuntimeException();
    }

    /** The status to answer with for any failure: its own for a status exception, else a mapped one. */
    static Status statusOf(Throwable failure) {
        if (failure instanceof StatusRuntimeException sre) {
            return sre.getStatus();
        }
        if (failure instanceof IllegalArgumentException) {
            return Status.INVALID_ARGUMENT.withDescription(failure.getMessage());
        }
        return Status.INTERNAL.withDescription("internal error: " + failure).withCause(failure);
    }
}
