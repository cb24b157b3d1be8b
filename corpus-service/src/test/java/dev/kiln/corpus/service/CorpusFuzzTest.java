package dev.kiln.corpus.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.proto.corpus.v1.CorpusProto;
import dev.kiln.testing.GrpcFuzz;
import dev.kiln.testing.GrpcProbe;
import dev.kiln.testing.KafkaTestResource;
import dev.kiln.testing.TokenizerServiceResource;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Random and hostile requests to every corpus RPC over a real socket (documents with invalid UTF-8
 * and huge bodies, traversal paths for the WARC/JSONL readers, unknown content types …): each answer
 * is OK or a status the service chose, never UNKNOWN or INTERNAL, and the service is still SERVING
 * afterwards. {@code -Dkiln.fuzz.seed=N} explores other seeds.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(TokenizerServiceResource.class)
@QuarkusTestResource(CorpusTestData.class)
class CorpusFuzzTest {

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
                    CorpusProto.getDescriptor().findServiceByName("CorpusService"),
                    Long.getLong("kiln.fuzz.seed", 20_261_204L),
                    Integer.getInteger("kiln.fuzz.tries", 200),
                    Duration.ofSeconds(10),
                    List.of(
                            "text/plain; charset=utf-8",
                            "text/html",
                            "application/octet-stream",
                            "https://example.org/a",
                            "fuzz.jsonl",
                            "fuzz.warc.gz",
                            "cl100k_base",
                            "r50k_base",
                            "en",
                            "The cat sat on the mat. The dog sat on the log. A bird sang in the tree."),
                    method -> true);
            List<GrpcFuzz.Failure> failures = fuzz.run();
            assertThat(failures)
                    .as("seed %d; status codes seen %s", fuzz.seed(), fuzz.codes())
                    .isEmpty();
            assertThat(fuzz.codes()).as("some requests got past validation").containsKey(Status.Code.OK);
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        try (GrpcProbe probe = new GrpcProbe(base.getHost(), base.getPort())) {
            assertThat(probe.health("")).isEqualTo(ServingStatus.SERVING);
        }
    }
}
