package dev.kiln.inference.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.ServiceDescriptor;
import dev.kiln.inference.testing.TestModelsResource;
import dev.kiln.proto.inference.v1.InferenceProto;
import dev.kiln.proto.inference.v1.InferenceServiceGrpc;
import dev.kiln.proto.inference.v1.ListModelsRequest;
import dev.kiln.proto.inference.v1.ModelInfo;
import dev.kiln.proto.inference.v1.UnloadModelRequest;
import dev.kiln.testing.GrpcFuzz;
import dev.kiln.testing.GrpcProbe;
import dev.kiln.testing.KafkaTestResource;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Random and hostile requests to every gateway RPC over a real socket (NaN temperatures, huge
 * max_tokens, unknown models, traversal paths to LoadModel …): each answer is OK or a status the
 * service chose, never UNKNOWN or INTERNAL, and the gateway is still SERVING afterwards. Generation
 * is fuzzed against the loaded model {@code tiny}; loading and unloading with names no other test
 * uses, and models the fuzz loaded are unloaded again. {@code -Dkiln.fuzz.seed=N} explores others.
 */
@QuarkusTest
@QuarkusTestResource(TestModelsResource.class)
@QuarkusTestResource(KafkaTestResource.class)
class InferenceFuzzTest {

    private static final ServiceDescriptor SERVICE =
            InferenceProto.getDescriptor().findServiceByName("InferenceService");

    @TestHTTPResource("/")
    URL base;

    @Test
    void hostileRequestsGetDeliberateStatusesAndTheGatewayStaysUp() throws Exception {
        ManagedChannel channel = ManagedChannelBuilder.forAddress(base.getHost(), base.getPort())
                .usePlaintext()
                .maxInboundMessageSize(64 << 20)
                .build();
        InferenceServiceGrpc.InferenceServiceBlockingStub gateway = InferenceServiceGrpc.newBlockingStub(channel);
        Set<String> before = modelNames(gateway);
        long seed = Long.getLong("kiln.fuzz.seed", 20_261_204L);
        int tries = Integer.getInteger("kiln.fuzz.tries", 120);
        try {
            GrpcFuzz generation = new GrpcFuzz(
                    channel,
                    SERVICE,
                    seed,
                    tries,
                    Duration.ofSeconds(5),
                    List.of("tiny", "Hello", "User: Hi!\nAssistant:", "\n", "."),
                    m -> m.getName().equals("Generate")
                            || m.getName().equals("Chat")
                            || m.getName().equals("ListModels"));
            GrpcFuzz loading = new GrpcFuzz(
                    channel,
                    SERVICE,
                    seed + 1,
                    tries / 2,
                    Duration.ofSeconds(10),
                    List.of(
                            "fuzz-model",
                            TestModelsResource.spare().toString(),
                            TestModelsResource.spare().getParent().toString(),
                            TestModelsResource.spare().resolve("model.onnx").toString()),
                    m -> m.getName().equals("LoadModel") || m.getName().equals("UnloadModel"));
            List<GrpcFuzz.Failure> failures = new ArrayList<>(generation.run());
            failures.addAll(loading.run());
            assertThat(failures)
                    .as("seed %d; codes seen %s and %s", seed, generation.codes(), loading.codes())
                    .isEmpty();
            assertThat(generation.codes())
                    .as("requests reached past validation")
                    .containsKeys(Status.Code.OK, Status.Code.INVALID_ARGUMENT, Status.Code.NOT_FOUND);
        } finally {
            for (String name : modelNames(gateway)) {
                if (!before.contains(name)) {
                    gateway.withDeadlineAfter(30, TimeUnit.SECONDS)
                            .unloadModel(UnloadModelRequest.newBuilder()
                                    .setName(name)
                                    .build());
                }
            }
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        try (GrpcProbe probe = new GrpcProbe(base.getHost(), base.getPort())) {
            assertThat(probe.health("")).isEqualTo(ServingStatus.SERVING);
        }
    }

    private static Set<String> modelNames(InferenceServiceGrpc.InferenceServiceBlockingStub gateway) {
        return gateway
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .listModels(ListModelsRequest.getDefaultInstance())
                .getModelsList()
                .stream()
                .map(ModelInfo::getName)
                .collect(Collectors.toSet());
    }
}
