package dev.kiln.corpus.service;

import dev.kiln.corpus.engine.DocumentTooLargeException;
import dev.kiln.corpus.engine.EmptyDocumentException;
import dev.kiln.corpus.engine.InputNotFoundException;
import dev.kiln.corpus.engine.InputUnreadableException;
import dev.kiln.corpus.engine.UnsupportedInputException;
import dev.kiln.corpus.pipeline.dedup.DedupIndexUnavailableException;
import dev.kiln.proto.PathOutsideRootsException;
import dev.kiln.proto.grpc.TypedStatusMapper;
import io.grpc.Status.Code;
import jakarta.inject.Singleton;

/** The corpus service's one mapping from a failure to the gRPC status its clients see. */
@Singleton
public final class CorpusStatusMapper extends TypedStatusMapper {

    public CorpusStatusMapper() {
        map(EmptyDocumentException.class, Code.INVALID_ARGUMENT);
        map(DocumentTooLargeException.class, Code.RESOURCE_EXHAUSTED);
        map(InputNotFoundException.class, Code.NOT_FOUND);
        map(PathOutsideRootsException.class, Code.PERMISSION_DENIED);
        map(UnsupportedInputException.class, Code.FAILED_PRECONDITION);
        map(InputUnreadableException.class, Code.FAILED_PRECONDITION);
        map(TokenizerUnavailableException.class, Code.UNAVAILABLE);
        map(DedupIndexUnavailableException.class, Code.UNAVAILABLE);
    }
}
