package dev.kiln.console;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * What the page shows when a call fails: the gRPC status code's name and the service's message,
 * e.g. {@code NOT_FOUND: run 'x' does not exist}. The HTTP status follows grpc-gateway's mapping of
 * gRPC codes, so HTTP tools see a meaningful status too.
 */
public record ConsoleError(String code, String message) {

    public static ConsoleError of(Throwable e) {
        if (e instanceof StatusRuntimeException sre) {
            Status status = sre.getStatus();
            String message = status.getDescription() != null ? status.getDescription() : "(no message)";
            if (status.getCode() == Status.Code.UNAUTHENTICATED) {
                message += " (enter an API key at the top of the page, or set kiln.auth.client-api-key)";
            }
            return new ConsoleError(status.getCode().name(), message);
        }
        if (e instanceof IllegalArgumentException) {
            return new ConsoleError(Status.Code.INVALID_ARGUMENT.name(), e.getMessage());
        }
        return new ConsoleError(Status.Code.INTERNAL.name(), String.valueOf(e));
    }

    public int httpStatus() {
        return switch (Status.Code.valueOf(code)) {
            case OK -> 200;
            case CANCELLED -> 499;
            case INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE -> 400;
            case UNAUTHENTICATED -> 401;
            case PERMISSION_DENIED -> 403;
            case NOT_FOUND -> 404;
            case ALREADY_EXISTS, ABORTED -> 409;
            case RESOURCE_EXHAUSTED -> 429;
            case UNIMPLEMENTED -> 501;
            case UNAVAILABLE -> 503;
            case DEADLINE_EXCEEDED -> 504;
            default -> 500;
        };
    }
}
