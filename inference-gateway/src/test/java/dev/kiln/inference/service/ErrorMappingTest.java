package dev.kiln.inference.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.kiln.inference.chat.ChatTemplateException;
import dev.kiln.inference.engine.GenerationFailedException;
import dev.kiln.inference.engine.InvalidRequestException;
import dev.kiln.inference.engine.ModelUnavailableException;
import dev.kiln.inference.engine.QueueFullException;
import dev.kiln.inference.limits.RateLimitMetrics;
import dev.kiln.inference.limits.RateLimitPolicy;
import dev.kiln.inference.limits.RateLimitedException;
import dev.kiln.inference.limits.RateLimiter;
import dev.kiln.inference.model.InvalidBundleException;
import dev.kiln.inference.registry.BundleNotFoundException;
import dev.kiln.inference.registry.ModelExistsException;
import dev.kiln.inference.registry.UnknownModelException;
import dev.kiln.proto.PathOutsideRootsException;
import dev.kiln.proto.ResourceNames;
import io.grpc.Status;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every failure the gateway knows, through the one gRPC mapping and the HTTP mapping derived from it. */
class ErrorMappingTest {
    final InferenceStatusMapper grpc = new InferenceStatusMapper();
    final OpenAiErrors http = new OpenAiErrors(grpc);

    record Case(Throwable failure, Status.Code code, int httpStatus, String type) {}

    @Test
    void eachFailureGetsOneGrpcCodeAndTheHttpStatusThatFollowsFromIt() {
        List<Case> cases = List.of(
                new Case(
                        new UnknownModelException("model 'x' is not loaded"),
                        Status.Code.NOT_FOUND,
                        404,
                        "not_found_error"),
                new Case(
                        new BundleNotFoundException("bundle directory /x does not exist"),
                        Status.Code.NOT_FOUND,
                        404,
                        "not_found_error"),
                new Case(
                        new InvalidRequestException("max_new_tokens must be >= 1"),
                        Status.Code.INVALID_ARGUMENT,
                        400,
                        "invalid_request_error"),
                new Case(
                        new ChatTemplateException(
                                "the chat template refused the conversation: Conversation roles must alternate"),
                        Status.Code.INVALID_ARGUMENT,
                        400,
                        "invalid_request_error"),
                new Case(
                        new QueueFullException("the queue of model x is full"),
                        Status.Code.RESOURCE_EXHAUSTED,
                        429,
                        "rate_limit_error"),
                new Case(
                        new ModelExistsException("model x is already loaded"),
                        Status.Code.ALREADY_EXISTS,
                        409,
                        "conflict_error"),
                new Case(
                        new InvalidBundleException("no config.json in /x"),
                        Status.Code.FAILED_PRECONDITION,
                        400,
                        "invalid_request_error"),
                new Case(
                        new PathOutsideRootsException("path /etc resolves to /etc, which lies outside the allowed"
                                + " roots [/models] (kiln.inference.model-roots)"),
                        Status.Code.PERMISSION_DENIED,
                        403,
                        "permission_error"),
                new Case(
                        new ModelUnavailableException("model x is being unloaded"),
                        Status.Code.UNAVAILABLE,
                        503,
                        "server_error"),
                new Case(
                        new GenerationFailedException(new IllegalStateException("decode step failed: boom")),
                        Status.Code.INTERNAL,
                        500,
                        "server_error"),
                // the common rule shared by every service
                new Case(
                        new IllegalArgumentException("path is required"),
                        Status.Code.INVALID_ARGUMENT,
                        400,
                        "invalid_request_error"),
                new Case(
                        Status.PERMISSION_DENIED
                                .withDescription("outside the roots")
                                .asRuntimeException(),
                        Status.Code.PERMISSION_DENIED,
                        403,
                        "permission_error"),
                new Case(
                        Status.UNAUTHENTICATED.withDescription("no key").asRuntimeException(),
                        Status.Code.UNAUTHENTICATED,
                        401,
                        "authentication_error"),
                new Case(
                        Status.DEADLINE_EXCEEDED.asRuntimeException(),
                        Status.Code.DEADLINE_EXCEEDED,
                        504,
                        "server_error"),
                new Case(Status.CANCELLED.asRuntimeException(), Status.Code.CANCELLED, 499, "request_cancelled"),
                new Case(new IllegalStateException("a bug"), Status.Code.INTERNAL, 500, "server_error"));
        for (Case c : cases) {
            Status status = grpc.toStatus(c.failure());
            assertThat(status.getCode()).as("%s", c.failure()).isEqualTo(c.code());
            OpenAiErrors.HttpError e = http.of(c.failure());
            assertThat(e.status()).as("%s", c.failure()).isEqualTo(c.httpStatus());
            assertThat(e.body().error().type()).as("%s", c.failure()).isEqualTo(c.type());
            assertThat(e.body().error().code()).isEqualTo(c.code().name());
            if (c.failure().getMessage() != null && !(c.failure() instanceof io.grpc.StatusRuntimeException)) {
                assertThat(status.getDescription()).contains(c.failure().getMessage());
                assertThat(e.body().error().message()).isEqualTo(status.getDescription());
            }
        }
    }

    @Test
    void aFailedGenerationSaysSoAndKeepsItsCause() {
        IllegalStateException cause = new IllegalStateException("decode step failed: out of memory");
        Status s = grpc.toStatus(new GenerationFailedException(cause));
        assertThat(s.getDescription()).isEqualTo("generation failed: decode step failed: out of memory");
        assertThat(s.getCause()).hasCause(cause);
    }

    @Test
    void anOversizedModelNameIsABadArgumentNamingTheField() {
        Status s = grpc.toStatus(catching(() -> ResourceNames.require("model", "m".repeat(10_000))));
        assertThat(s.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(s.getDescription()).startsWith("model '").hasSizeLessThan(300);
        assertThat(http.of(catching(() -> ResourceNames.require("model", ""))).status())
                .isEqualTo(400);
    }

    static RuntimeException catching(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            return e;
        }
        throw new AssertionError("no failure");
    }

    @Test
    void aRateLimitedKeyGetsResourceExhaustedWithRetryAfterAsTrailerAndHeader() {
        RateLimiter limiter = new RateLimiter(new RateLimitPolicy(0.5, 1, 0), RateLimitMetrics.NONE, () -> 0L);
        limiter.admit("k");
        RateLimitedException limited = catchThrowableOfType(RateLimitedException.class, () -> limiter.admit("k"));

        Status status = grpc.toStatus(limited);
        assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(status.getDescription()).contains("requests-per-second").contains("retry after 2 s");
        assertThat(grpc.trailers(limited).get(InferenceStatusMapper.RETRY_AFTER))
                .isEqualTo("2");

        OpenAiErrors.HttpError error = http.of(limited);
        assertThat(error.status()).isEqualTo(429);
        assertThat(error.headers()).containsEntry("Retry-After", "2");
        assertThat(error.body().error().type()).isEqualTo("rate_limit_error");

        assertThat(grpc.trailers(new QueueFullException("full"))).isNull();
        assertThat(http.of(Status.UNAUTHENTICATED.withDescription("no key").asRuntimeException())
                        .headers())
                .containsEntry("WWW-Authenticate", "Bearer");
    }
}
