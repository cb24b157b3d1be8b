package dev.kiln.inference.service;

import dev.kiln.proto.inference.v1.InferenceServiceGrpc;
import io.quarkus.grpc.GrpcService;

/**
 * gRPC adapter of the inference-gateway. Until its core lands, every RPC answers UNIMPLEMENTED (the
 * generated base class's behaviour) rather than fake data.
 */
@GrpcService
public class InferenceGrpcService extends InferenceServiceGrpc.InferenceServiceImplBase {
}
