package dev.kiln.tokenizer.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.proto.tokenizer.v1.TokenizerProto;
import dev.kiln.testing.GrpcFuzz;
import dev.kiln.testing.GrpcProbe;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Random and hostile requests to every tokenizer RPC over a real socket: each answer is OK or a
 * status the service chose, never UNKNOWN or INTERNAL, and the service is still SERVING afterwards.
 * A fixed seed keeps CI reproducible; {@code -Dkiln.fuzz.seed=N} explores others.
 */
@QuarkusTest
class TokenizerFuzzTest {

    @TestHTTPResource("/")
    URL base;

    @Test
    void hostileRequestsGetDeliberateStatusesAndTheServiceStaysUp() throws Exception {
        ManagedChannel channel = ManagedChannelBuilder.forAddress(base.getHost(), base.getPort())
                .usePlaintext()
                .maxInboundMessageSize(64 << 20)
                .build();
        try {
            GrpcFuzz fuzz = new GrpcFuzz(
                    channel,
                    TokenizerProto.getDescriptor().findServiceByName("TokenizerService"),
                    Long.getLong("kiln.fuzz.seed", 20_261_204L),
                    Integer.getInteger("kiln.fuzz.tries", 280),
                    Duration.ofSeconds(10),
                    List.of("cl100k_base", "r50k_base", "o200k_base", "p50k_base", "gpt2", "fuzz-enc", "hello world"),
                    method -> true);
            List<GrpcFuzz.Failure> failures = fuzz.run();
            assertThat(failures)
                    .as("seed %d; status codes seen %s", fuzz.seed(), fuzz.codes())
                    .isEmpty();
            assertThat(fuzz.codes())
                    .as("some requests got past validation")
                    .containsKeys(Status.Code.OK, Status.Code.INVALID_ARGUMENT);
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        try (GrpcProbe probe = new GrpcProbe(base.getHost(), base.getPort())) {
            assertThat(probe.health("")).isEqualTo(ServingStatus.SERVING);
        }
    }
}
