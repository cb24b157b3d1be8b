package dev.kiln.trainer.service;

import dev.kiln.proto.trainer.v1.ExportModelRequest;
import dev.kiln.proto.trainer.v1.GetRunRequest;
import dev.kiln.proto.trainer.v1.ListRunsRequest;
import dev.kiln.proto.trainer.v1.ListRunsResponse;
import dev.kiln.proto.trainer.v1.ModelArtifact;
import dev.kiln.proto.trainer.v1.ResumeRunRequest;
import dev.kiln.proto.trainer.v1.Run;
import dev.kiln.proto.trainer.v1.StartRunRequest;
import dev.kiln.proto.trainer.v1.StopRunRequest;
import dev.kiln.proto.trainer.v1.TrainerServiceGrpc;
import dev.kiln.proto.trainer.v1.TrainingEvent;
import dev.kiln.proto.trainer.v1.WatchRunRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import java.util.function.Supplier;

/** gRPC adapter of the trainer: validates, delegates to {@link RunManager} and {@link ModelExporter}. */
@GrpcService
public class TrainerGrpcService extends TrainerServiceGrpc.TrainerServiceImplBase {

    @Inject
    RunManager runs;

    @Inject
    ModelExporter exporter;

    @Override
    @Blocking
    public void startRun(StartRunRequest request, StreamObserver<Run> response) {
        respond(response, () -> runs.start(request));
    }

    @Override
    @Blocking
    public void getRun(GetRunRequest request, StreamObserver<Run> response) {
        respond(response, () -> runs.get(request.getRunId()));
    }

    @Override
    @Blocking
    public void listRuns(ListRunsRequest request, StreamObserver<ListRunsResponse> response) {
        respond(
                response,
                () -> ListRunsResponse.newBuilder()
                        .addAllRuns(runs.list(request.getStatesList()))
                        .build());
    }

    @Override
    @Blocking
    public void stopRun(StopRunRequest request, StreamObserver<Run> response) {
        respond(response, () -> runs.stop(request.getRunId()));
    }

    @Override
    @Blocking
    public void resumeRun(ResumeRunRequest request, StreamObserver<Run> response) {
        respond(response, () -> runs.resume(request.getRunId()));
    }

    @Override
    @Blocking
    public void watchRun(WatchRunRequest request, StreamObserver<TrainingEvent> response) {
        try {
            runs.watch(request.getRunId(), request.getReplay(), (ServerCallStreamObserver<TrainingEvent>) response);
        } catch (RuntimeException e) {
            response.onError(statusOf(e).asRuntimeException());
        }
    }

    @Override
    @Blocking
    public void exportModel(ExportModelRequest request, StreamObserver<ModelArtifact> response) {
        respond(response, () -> exporter.export(request));
    }

    private static <T> void respond(StreamObserver<T> response, Supplier<T> work) {
        T result;
        try {
            result = work.get();
        } catch (RuntimeException e) {
            response.onError(statusOf(e).asRuntimeException());
            return;
        }
        response.onNext(result);
        response.onCompleted();
    }

    private static Status statusOf(RuntimeException e) {
        if (e instanceof StatusRuntimeException sre) {
            return sre.getStatus();
        }
        return Status.INTERNAL.withDescription(e.toString()).withCause(e);
    }
}
