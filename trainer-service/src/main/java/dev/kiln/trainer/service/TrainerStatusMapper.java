package dev.kiln.trainer.service;

import dev.kiln.proto.grpc.StatusMapper;
import dev.kiln.trainer.runs.CapacityExceededException;
import dev.kiln.trainer.runs.InvalidRunConfigException;
import dev.kiln.trainer.runs.RunAlreadyExistsException;
import dev.kiln.trainer.runs.RunNotFoundException;
import dev.kiln.trainer.runs.RunStateException;
import io.grpc.Status;

/** The trainer's one mapping from failures to gRPC status; what it does not name follows {@link StatusMapper#common}. */
final class TrainerStatusMapper implements StatusMapper {

    static final TrainerStatusMapper INSTANCE = new TrainerStatusMapper();

    private TrainerStatusMapper() {}

    @Override
    public Status specific(Throwable failure) {
        Status status;
        if (failure instanceof RunNotFoundException) {
            status = Status.NOT_FOUND;
        } else if (failure instanceof InvalidRunConfigException) {
            status = Status.INVALID_ARGUMENT;
        } else if (failure instanceof CapacityExceededException) {
            status = Status.RESOURCE_EXHAUSTED;
        } else if (failure instanceof RunStateException) {
            status = Status.FAILED_PRECONDITION;
        } else if (failure instanceof RunAlreadyExistsException) {
            status = Status.ALREADY_EXISTS;
        } else {
            return null;
        }
        return status.withDescription(failure.getMessage());
    }
}
