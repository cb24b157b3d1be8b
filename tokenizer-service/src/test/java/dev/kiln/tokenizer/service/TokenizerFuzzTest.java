package dev.kiln.tokenizer.service;

import dev.kiln.proto.tokenizer.v1.TokenizerProto;
import dev.kiln.testing.GrpcFuzz;
import io.grpc.Status;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Random and hostile requests to every tokenizer RPC over a real socket: each answer is OK or a
 * status the service chose, never UNKNOWN or INTERNAL, and the service is still SERVING afterwards.
 */
@QuarkusTest
class TokenizerFuzzTest {

    @TestHTTPResource("/")
    URL base;

    @Test
    void hostileRequestsGetDeliberateStatusesAndTheServiceStaysUp() throws Exception {
        GrpcFuzz.onServer(
                base,
                channel -> new GrpcFuzz(
                                channel,
                                TokenizerProto.getDescriptor().findServiceByName("TokenizerService"),
                                GrpcFuzz.configuredSeed(),
                                GrpcFuzz.configuredTries(280),
                                Duration.ofSeconds(10),
                                List.of(
                                        "cl100k_base",
                                        "r50k_base",
                                        "o200k_base",
                                        "p50k_base",
                                        "gpt2",
                                        "fuzz-enc",
                                        "hello world"),
                                method -> true)
                        .assertDeliberate(Status.Code.OK, Status.Code.INVALID_ARGUMENT));
    }
}
