package dev.kiln.corpus.service;

import dev.kiln.proto.corpus.v1.CorpusProto;
import dev.kiln.testing.GrpcFuzz;
import dev.kiln.testing.KafkaTestResource;
import dev.kiln.testing.TokenizerServiceResource;
import io.grpc.Status;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Random and hostile requests to every corpus RPC over a real socket (documents with invalid UTF-8
 * and huge bodies, traversal paths for the WARC/JSONL readers, unknown content types …): each answer
 * is OK or a status the service chose, never UNKNOWN or INTERNAL, and the service is still SERVING
 * afterwards.
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
        GrpcFuzz.onServer(
                base,
                channel -> new GrpcFuzz(
                                channel,
                                CorpusProto.getDescriptor().findServiceByName("CorpusService"),
                                GrpcFuzz.configuredSeed(),
                                GrpcFuzz.configuredTries(200),
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
                                method -> true)
                        .assertDeliberate(Status.Code.OK));
    }
}
