package dev.kiln.tokenizer.service;

import dev.kiln.proto.tokenizer.v1.TokenizerServiceGrpc;
import io.quarkus.grpc.GrpcService;

/**
 * gRPC adapter of the tokenizer service. Until tokenizer-core lands, every RPC answers
 * UNIMPLEMENTED (the generated base class's behaviour) rather than fake data.
 */
@GrpcService
public class TokenizerGrpcService extends TokenizerServiceGrpc.TokenizerServiceImplBase {
}
