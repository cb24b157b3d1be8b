package dev.kiln.corpus.service;

import dev.kiln.corpus.engine.DocumentTooLargeException;
import dev.kiln.corpus.engine.EmptyDocumentException;
import dev.kiln.corpus.engine.InputNotFoundException;
import dev.kiln.corpus.engine.InputOutsideRootsException;
import dev.kiln.corpus.engine.InputUnreadableException;
import dev.kiln.corpus.engine.UnsupportedInputException;
import dev.kiln.proto.grpc.StatusMapper;
import io.grpc.Status;
import jakarta.inject.Singleton;

/** The corpus service's one mapping from a failure to the gRPC status its clients see. */
@Singleton
public class CorpusStatusMapper implements StatusMapper {

    @Override
    public Status specific(Throwable failure) {
        Status status;
        if (failure instanceof EmptyDocumentException) {
            status = Status.INVALID_ARGUMENT;
        } else if (failure instanceof DocumentTooLargeException) {
            status = Status.RESOURCE_EXHAUSTED;
        } else if (failure instanceof InputNotFoundException) {
            status = Status.NOT_FOUND;
        } else if (failure instanceof InputOutsideRootsException) {
            status = Status.PERMISSION_DENIED;
        } else if (failure instanceof UnsupportedInputException || failure instanceof InputUnreadableException) {
            status = Status.FAILED_PRECONDITION;
        } else if (failure instanceof TokenizerUnavailableException) {
            status = Status.UNAVAILABLE;
        } else {
            return null;
        }
        return status.withDescription(failure.getMessage()).withCause(failure);
    }
}
