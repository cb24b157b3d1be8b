package dev.kiln.trainer.service;

import dev.kiln.proto.trainer.v1.TrainerServiceGrpc;
import io.quarkus.grpc.GrpcService;

/**
 * gRPC adapter of the trainer-service. Until its core lands, every RPC answers UNIMPLEMENTED (the
 * generated base class's behaviour) rather than fake data.
 */
@GrpcService
public class TrainerGrpcService extends TrainerServiceGrpc.TrainerServiceImplBase {
}
