package dev.kiln.tokenizer.service;

import dev.kiln.proto.grpc.TypedStatusMapper;
import dev.kiln.tokenizer.UnsupportedTokenizerFeatureException;
import dev.kiln.tokenizer.catalog.EncodingExistsException;
import dev.kiln.tokenizer.catalog.EncodingNotFoundException;
import dev.kiln.tokenizer.catalog.NothingLearnedException;
import dev.kiln.tokenizer.catalog.TrainingLimitException;
import io.grpc.Status;
import io.grpc.Status.Code;

/**
 * The tokenizer service's one mapping from failures to gRPC status. Bad ids, disallowed special
 * tokens and malformed training requests are {@link IllegalArgumentException}s of the core and
 * take the common rule (INVALID_ARGUMENT).
 */
final class TokenizerStatusMapper extends TypedStatusMapper {

    static final TokenizerStatusMapper INSTANCE = new TokenizerStatusMapper();

    private TokenizerStatusMapper() {
        map(EncodingNotFoundException.class, Code.NOT_FOUND);
        map(EncodingExistsException.class, Code.ALREADY_EXISTS);
        map(TrainingLimitException.class, Code.RESOURCE_EXHAUSTED);
        map(NothingLearnedException.class, Code.FAILED_PRECONDITION);
        // offsets or rank-file export asked of a SentencePiece-style encoding: the encoding's kind, not the request
        map(UnsupportedTokenizerFeatureException.class, Code.FAILED_PRECONDITION);
    }

    /** A request over a configured size limit: the message names the limit and its key. */
    static RuntimeException tooLarge(String message) {
        return Status.RESOURCE_EXHAUSTED.withDescription(message).asRuntimeException();
    }
}
