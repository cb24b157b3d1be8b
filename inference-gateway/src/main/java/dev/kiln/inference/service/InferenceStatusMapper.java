package dev.kiln.inference.service;

import dev.kiln.inference.engine.GenerationFailedException;
import dev.kiln.inference.engine.InvalidRequestException;
import dev.kiln.inference.engine.ModelUnavailableException;
import dev.kiln.inference.engine.QueueFullException;
import dev.kiln.inference.model.InvalidBundleException;
import dev.kiln.inference.registry.BundleNotFoundException;
import dev.kiln.inference.registry.ModelExistsException;
import dev.kiln.inference.registry.UnknownModelException;
import dev.kiln.proto.PathOutsideRootsException;
import dev.kiln.proto.grpc.TypedStatusMapper;
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
        map(QueueFullException.class, Code.RESOURCE_EXHAUSTED);
        map(ModelExistsException.class, Code.ALREADY_EXISTS);
        map(PathOutsideRootsException.class, Code.PERMISSION_DENIED);
        map(InvalidBundleException.class, Code.FAILED_PRECONDITION);
        map(ModelUnavailableException.class, Code.UNAVAILABLE);
        map(GenerationFailedException.class, Code.INTERNAL);
    }
}
