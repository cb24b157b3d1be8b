package dev.kiln.inference.service;

import dev.kiln.inference.chat.ChatTemplateException;
import dev.kiln.inference.engine.GenerationFailedException;
import dev.kiln.inference.engine.InvalidRequestException;
import dev.kiln.inference.engine.ModelUnavailableException;
import dev.kiln.inference.engine.QueueFullException;
import dev.kiln.inference.limits.RateLimitedException;
import dev.kiln.inference.model.InvalidBundleException;
import dev.kiln.inference.registry.BundleNotFoundException;
import dev.kiln.inference.registry.ModelExistsException;
import dev.kiln.inference.registry.UnknownModelException;
import dev.kiln.proto.PathOutsideRootsException;
import dev.kiln.proto.grpc.TypedStatusMapper;
import io.grpc.Metadata;
import io.grpc.Status.Code;
import jakarta.inject.Singleton;

/**
 * The gateway's one mapping from a core failure to a gRPC status. The OpenAI endpoints derive
 * their HTTP status from it ({@link OpenAiErrors}), so both APIs always agree.
 */
@Singleton
public final class InferenceStatusMapper extends TypedStatusMapper {

    public InferenceStatusMapper() {
        map(UnknownModelException.class, Code.NOT_FOUND);
        map(BundleNotFoundException.class, Code.NOT_FOUND);
        map(InvalidRequestException.class, Code.INVALID_ARGUMENT);
        map(ChatTemplateException.class, Code.INVALID_ARGUMENT);
        map(QueueFullException.class, Code.RESOURCE_EXHAUSTED);
        map(RateLimitedException.class, Code.RESOURCE_EXHAUSTED);
        map(ModelExistsException.class, Code.ALREADY_EXISTS);
        map(PathOutsideRootsException.class, Code.PERMISSION_DENIED);
        map(InvalidBundleException.class, Code.FAILED_PRECONDITION);
        map(ModelUnavailableException.class, Code.UNAVAILABLE);
        map(GenerationFailedException.class, Code.INTERNAL);
    }

    /** When a rate-limited caller may retry, in seconds, as HTTP's Retry-After says it. */
    public static final Metadata.Key<String> RETRY_AFTER =
            Metadata.Key.of("retry-after", Metadata.ASCII_STRING_MARSHALLER);

    @Override
    public Metadata trailers(Throwable failure) {
        if (failure instanceof RateLimitedException limited) {
            Metadata trailers = new Metadata();
            trailers.put(RETRY_AFTER, Long.toString(limited.retryAfterSeconds()));
            return trailers;
        }
        return null;
    }
}
