package dev.kiln.inference.service;

import dev.kiln.inference.engine.GenerationFailedException;
import dev.kiln.inference.engine.InvalidRequestException;
import dev.kiln.inference.engine.ModelUnavailableException;
import dev.kiln.inference.engine.QueueFullException;
import dev.kiln.inference.model.InvalidBundleException;
import dev.kiln.inference.registry.BundleNotFoundException;
import dev.kiln.inference.registry.ModelExistsException;
import dev.kiln.inference.registry.UnknownModelException;
import dev.kiln.proto.grpc.StatusMapper;
import io.grpc.Status;
import jakarta.inject.Singleton;

/**
 * The gateway's one mapping from a core failure to a gRPC status. The OpenAI endpoints derive
 * their HTTP status from it ({@link OpenAiErrors}), so both APIs always agree.
 */
@Singleton
public class InferenceStatusMapper implements StatusMapper {

    @Override
    public Status specific(Throwable failure) {
        Status status;
        if (failure instanceof UnknownModelException || failure instanceof BundleNotFoundException) {
            status = Status.NOT_FOUND;
        } else if (failure instanceof InvalidRequestException) {
            status = Status.INVALID_ARGUMENT;
        } else if (failure instanceof QueueFullException) {
            status = Status.RESOURCE_EXHAUSTED;
        } else if (failure instanceof ModelExistsException) {
            status = Status.ALREADY_EXISTS;
        } else if (failure instanceof InvalidBundleException) {
            status = Status.FAILED_PRECONDITION;
        } else if (failure instanceof ModelUnavailableException) {
            status = Status.UNAVAILABLE;
        } else if (failure instanceof GenerationFailedException) {
            status = Status.INTERNAL.withCause(failure);
        } else {
            return null;
        }
        return status.withDescription(failure.getMessage());
    }
}
