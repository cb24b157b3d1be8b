package dev.kiln.trainer.service;

import dev.kiln.proto.trainer.v1.ListRunsRequest;
import dev.kiln.proto.trainer.v1.Run;
import dev.kiln.proto.trainer.v1.RunState;
import dev.kiln.proto.trainer.v1.StopRunRequest;
import dev.kiln.proto.trainer.v1.TrainerProto;
import dev.kiln.proto.trainer.v1.TrainerServiceGrpc;
import dev.kiln.testing.GrpcFuzz;
import dev.kiln.testing.KafkaTestResource;
import io.grpc.Status;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Random and hostile requests to every trainer RPC over a real socket (model sizes of zero or
 * billions, NaN learning rates, traversal paths as export directories, unknown runs and topics …):
 * each answer is OK or a status the service chose, never UNKNOWN or INTERNAL, and the service is
 * still SERVING afterwards. Runs the fuzz happened to start are stopped, so the other tests of this
 * JVM see the trainer as they left it.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
class TrainerFuzzTest {

    @TestHTTPResource("/")
    URL base;

    @Test
    void hostileRequestsGetDeliberateStatusesAndTheServiceStaysUp() throws Exception {
        GrpcFuzz.onServer(base, channel -> {
            TrainerServiceGrpc.TrainerServiceBlockingStub trainer = TrainerServiceGrpc.newBlockingStub(channel);
            Set<String> before = runIds(trainer);
            try {
                new GrpcFuzz(
                                channel,
                                TrainerProto.getDescriptor().findServiceByName("TrainerService"),
                                GrpcFuzz.configuredSeed(),
                                GrpcFuzz.configuredTries(200),
                                Duration.ofSeconds(3),
                                List.of("fuzz-run", "fuzz-model", "r50k_base", "kiln.test.fuzz", "The cat"),
                                method -> true)
                        .assertDeliberate(Status.Code.OK, Status.Code.INVALID_ARGUMENT, Status.Code.NOT_FOUND);
            } finally {
                stopRunsStartedSince(trainer, before);
            }
        });
    }

    private static void stopRunsStartedSince(
            TrainerServiceGrpc.TrainerServiceBlockingStub trainer, Set<String> before) {
        for (Run run : trainer.withDeadlineAfter(10, TimeUnit.SECONDS)
                .listRuns(ListRunsRequest.getDefaultInstance())
                .getRunsList()) {
            boolean live = run.getState() == RunState.RUN_STATE_RUNNING || run.getState() == RunState.RUN_STATE_PENDING;
            if (!before.contains(run.getId()) && live) {
                trainer.withDeadlineAfter(60, TimeUnit.SECONDS)
                        .stopRun(StopRunRequest.newBuilder()
                                .setRunId(run.getId())
                                .build());
            }
        }
    }

    private static Set<String> runIds(TrainerServiceGrpc.TrainerServiceBlockingStub trainer) {
        return trainer
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .listRuns(ListRunsRequest.getDefaultInstance())
                .getRunsList()
                .stream()
                .map(Run::getId)
                .collect(Collectors.toSet());
    }
}
