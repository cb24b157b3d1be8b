package dev.kiln.tokenizer.service;

import dev.kiln.proto.grpc.StatusMapper;
import dev.kiln.tokenizer.catalog.EncodingExistsException;
import dev.kiln.tokenizer.catalog.EncodingNotFoundException;
import dev.kiln.tokenizer.catalog.NothingLearnedException;
import dev.kiln.tokenizer.catalog.TrainingLimitException;
import io.grpc.Status;

/**
 * The tokenizer service's one mapping from failures to gRPC status. Bad ids, disallowed special
 * tokens and malformed training requests are {@link IllegalArgumentException}s of the core and
 * take the common rule (INVALID_ARGUMENT).
 */
final class TokenizerStatusMapper implements StatusMapper {

    static final TokenizerStatusMapper INSTANCE = new TokenizerStatusMapper();

    private TokenizerStatusMapper() {}

    @Override
    public Status specific(Throwable failure) {
        Status status;
        if (failure instanceof EncodingNotFoundException) {
            status = Status.NOT_FOUND;
        } else if (failure instanceof EncodingExistsException) {
            status = Status.ALREADY_EXISTS;
        } else if (failure instanceof TrainingLimitException) {
            status = Status.RESOURCE_EXHAUSTED;
        } else if (failure instanceof NothingLearnedException) {
            status = Status.FAILED_PRECONDITION;
        } else {
            return null;
        }
        return status.withDescription(failure.getMessage());
    }

    /** A request over a configured size limit: the message names the limit and its key. */
    static RuntimeException tooLarge(String message) {
        return Status.RESOURCE_EXHAUSTED.withDescription(message).asRuntimeException();
    }
}
