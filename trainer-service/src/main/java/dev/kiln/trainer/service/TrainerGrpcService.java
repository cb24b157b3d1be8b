package dev.kiln.trainer.service;

import dev.kiln.proto.ResourceNames;
import dev.kiln.proto.grpc.GrpcReplies;
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
import dev.kiln.trainer.runs.RunWatcher;
import dev.kiln.trainer.runs.Runs;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import java.nio.file.Path;

/** gRPC adapter of the trainer: validates run ids and confines paths to the configured roots, delegates to {@link Runs} and {@link ModelExporter}. */
@GrpcService
public class TrainerGrpcService extends TrainerServiceGrpc.TrainerServiceImplBase {

    private static final TrainerStatusMapper ERRORS = TrainerStatusMapper.INSTANCE;

    @Inject
    Runs runs;

    @Inject
    ModelExporter exporter;

    @Inject
    TrainerRoots roots;

    @Override
    @Blocking
    public void startRun(StartRunRequest request, StreamObserver<Run> response) {
        GrpcReplies.unary(response, ERRORS, () -> runs.start(withConfinedData(request)));
    }

    /** The request with its shard directory replaced by the real path checked against the data roots. */
    private StartRunRequest withConfinedData(StartRunRequest request) {
        if (!request.getData().hasShardDirectory()) {
            return request;
        }
        Path directory =
                roots.data().resolve("data.shard_directory", request.getData().getShardDirectory());
        return request.toBuilder()
                .setData(request.getData().toBuilder().setShardDirectory(directory.toString()))
                .build();
    }

    @Override
    @Blocking
    public void getRun(GetRunRequest request, StreamObserver<Run> response) {
        GrpcReplies.unary(response, ERRORS, () -> runs.get(runId(request.getRunId())));
    }

    @Override
    @Blocking
    public void listRuns(ListRunsRequest request, StreamObserver<ListRunsResponse> response) {
        GrpcReplies.unary(
                response,
                ERRORS,
                () -> ListRunsResponse.newBuilder()
                        .addAllRuns(runs.list(request.getStatesList()))
                        .build());
    }

    @Override
    @Blocking
    public void stopRun(StopRunRequest request, StreamObserver<Run> response) {
        GrpcReplies.unary(response, ERRORS, () -> runs.stop(runId(request.getRunId())));
    }

    @Override
    @Blocking
    public void resumeRun(ResumeRunRequest request, StreamObserver<Run> response) {
        GrpcReplies.unary(response, ERRORS, () -> runs.resume(runId(request.getRunId())));
    }

    @Override
    @Blocking
    public void watchRun(WatchRunRequest request, StreamObserver<TrainingEvent> response) {
        try {
            runs.watch(runId(request.getRunId()), request.getReplay(), watcher((ServerCallStreamObserver<TrainingEvent>)
                    response));
        } catch (RuntimeException e) {
            GrpcReplies.fail(response, ERRORS, e);
        }
    }

    @Override
    @Blocking
    public void exportModel(ExportModelRequest request, StreamObserver<ModelArtifact> response) {
        GrpcReplies.unary(response, ERRORS, () -> {
            runId(request.getRunId());
            return exporter.export(request);
        });
    }

    private static String runId(String id) {
        return ResourceNames.require("run_id", id);
    }

    private static RunWatcher watcher(ServerCallStreamObserver<TrainingEvent> call) {
        return new RunWatcher() {
            @Override
            public void onEvent(TrainingEvent event) {
                call.onNext(event);
            }

            @Override
            public void onEnd() {
                call.onCompleted();
            }

            @Override
            public boolean isCancelled() {
                return call.isCancelled();
            }

            @Override
            public void onCancel(Runnable handler) {
                call.setOnCancelHandler(handler);
            }
        };
    }
}
