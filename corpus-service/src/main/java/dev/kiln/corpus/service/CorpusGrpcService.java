package dev.kiln.corpus.service;

import dev.kiln.proto.corpus.v1.CorpusServiceGrpc;
import io.quarkus.grpc.GrpcService;

/**
 * gRPC adapter of the corpus-service. Until its core lands, every RPC answers UNIMPLEMENTED (the
 * generated base class's behaviour) rather than fake data.
 */
@GrpcService
public class CorpusGrpcService extends CorpusServiceGrpc.CorpusServiceImplBase {
}
