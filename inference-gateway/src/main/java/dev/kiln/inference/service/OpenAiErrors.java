package dev.kiln.inference.service;

import io.grpc.Metadata;
import io.grpc.Status;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The OpenAI endpoints' one mapping from a failure to an HTTP error, derived from the gRPC one
 * ({@link InferenceStatusMapper}): the failure gets its gRPC status first, and the HTTP status
 * follows from the gRPC code, so the two APIs always agree. The body is OpenAI's
 * {@code {"error":{"message","type","param","code"}}}, with the gRPC code name as {@code code}.
 *
 * <p>FAILED_PRECONDITION becomes 400, as in Google's HTTP mapping of gRPC codes (grpc-gateway,
 * google.rpc.Code): the request cannot succeed as sent against the state the server is in (for
 * the gateway: a bundle that is not usable), rather than a concurrent edit that 409 would suggest.
 */
@Singleton
public class OpenAiErrors {

    /** An HTTP status, the headers that go with it (Retry-After, WWW-Authenticate) and the body. */
    public record HttpError(int status, Map<String, String> headers, OpenAiResponses.ErrorBody body) {}

    private final InferenceStatusMapper statuses;

    @Inject
    public OpenAiErrors(InferenceStatusMapper statuses) {
        this.statuses = statuses;
    }

    public HttpError of(Throwable failure) {
        Status status = statuses.toStatus(failure);
        int http = httpStatus(status.getCode());
        String message = status.getDescription() != null
                ? status.getDescription()
                : status.getCode().name();
        Map<String, String> headers = new LinkedHashMap<>();
        Metadata trailers = statuses.trailers(failure);
        if (trailers != null && trailers.containsKey(InferenceStatusMapper.RETRY_AFTER)) {
            headers.put("Retry-After", trailers.get(InferenceStatusMapper.RETRY_AFTER));
        }
        if (http == 401) {
            headers.put("WWW-Authenticate", "Bearer");
        }
        return new HttpError(
                http,
                headers,
                new OpenAiResponses.ErrorBody(new OpenAiResponses.Error(
                        message, type(http), null, status.getCode().name())));
    }

    static int httpStatus(Status.Code code) {
        return switch (code) {
            case INVALID_ARGUMENT, FAILED_PRECONDITION -> 400;
            case UNAUTHENTICATED -> 401;
            case PERMISSION_DENIED -> 403;
            case NOT_FOUND -> 404;
            case ALREADY_EXISTS -> 409;
            case RESOURCE_EXHAUSTED -> 429;
            case CANCELLED -> 499;
            case UNAVAILABLE -> 503;
            case DEADLINE_EXCEEDED -> 504;
            default -> 500;
        };
    }

    /** OpenAI's error type for an HTTP status. */
    static String type(int http) {
        return switch (http) {
            case 400 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 409 -> "conflict_error";
            case 429 -> "rate_limit_error";
            case 499 -> "request_cancelled";
            default -> "server_error";
        };
    }
}
