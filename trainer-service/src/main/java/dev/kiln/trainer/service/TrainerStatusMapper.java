package dev.kiln.trainer.service;

import dev.kiln.proto.PathOutsideRootsException;
import dev.kiln.proto.grpc.TypedStatusMapper;
import dev.kiln.trainer.runs.CapacityExceededException;
import dev.kiln.trainer.runs.InvalidRunConfigException;
import dev.kiln.trainer.runs.RunAlreadyExistsException;
import dev.kiln.trainer.runs.RunNotFoundException;
import dev.kiln.trainer.runs.RunStateException;
import io.grpc.Status.Code;

/** The trainer's one mapping from failures to gRPC status; what it does not name follows {@link dev.kiln.proto.grpc.StatusMapper#common}. */
final class TrainerStatusMapper extends TypedStatusMapper {

    static final TrainerStatusMapper INSTANCE = new TrainerStatusMapper();

    private TrainerStatusMapper() {
        map(RunNotFoundException.class, Code.NOT_FOUND);
        map(InvalidRunConfigException.class, Code.INVALID_ARGUMENT);
        map(CapacityExceededException.class, Code.RESOURCE_EXHAUSTED);
        map(RunStateException.class, Code.FAILED_PRECONDITION);
        map(RunAlreadyExistsException.class, Code.ALREADY_EXISTS);
        map(PathOutsideRootsException.class, Code.PERMISSION_DENIED);
    }
}
