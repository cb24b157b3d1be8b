package dev.kiln.inference.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.proto.auth.ApiKeyClientInterceptor;
import dev.kiln.proto.inference.v1.GenerateRequest;
import dev.kiln.proto.inference.v1.InferenceServiceGrpc;
import dev.kiln.testing.ApiKeysProfile;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Per-key budgets over real HTTP and gRPC: 429 with Retry-After, RESOURCE_EXHAUSTED with retry-after. */
@QuarkusTest
@TestProfile(RateLimitTest.Profile.class)
class RateLimitTest {
    static final ObjectMapper JSON = new ObjectMapper();

    /** 3 requests, then one per 100 s; 30 generated tokens per minute (one per 2 s). */
    public static class Profile extends ApiKeysProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>(super.getConfigOverrides());
            config.put("kiln.inference.rate-limit.enabled", "true");
            config.put("kiln.inference.rate-limit.requests-per-second", "0.01");
            config.put("kiln.inference.rate-limit.request-burst", "3");
            config.put("kiln.inference.rate-limit.tokens-per-minute", "30");
            return config;
        }
    }

    @TestHTTPResource("/")
    URL base;

    HttpResponse<String> complete(int maxTokens) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(base + "v1/completions"))
                                .header("Authorization", "Bearer " + ApiKeysProfile.GENERATE)
                                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"tiny\",\"prompt\":\"the cat\","
                                        + "\"max_tokens\":" + maxTokens + ",\"ignore_eos\":true}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aCompletionThatOverrunsTheTokenBudgetFinishesAndTheNextIsRefusedWithRetryAfter() throws Exception {
        HttpResponse<String> first = complete(40);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(JSON.readTree(first.body())
                        .path("usage")
                        .path("completion_tokens")
                        .asInt())
                .isEqualTo(40);

        HttpResponse<String> second = complete(1);
        assertThat(second.statusCode()).isEqualTo(429);
        long retryAfter =
                Long.parseLong(second.headers().firstValue("Retry-After").orElseThrow());
        assertThat(retryAfter).isBetween(1L, 23L); // 10 tokens of debt + 1 at 0.5 token/s
        JsonNode error = JSON.readTree(second.body()).path("error");
        assertThat(error.path("type").asText()).isEqualTo("rate_limit_error");
        assertThat(error.path("message").asText()).contains("kiln.inference.rate-limit.tokens-per-minute");
    }

    @Test
    void grpcGenerateBeyondTheBurstIsResourceExhaustedWithRetryAfter() throws Exception {
        ManagedChannel channel = ManagedChannelBuilder.forAddress(base.getHost(), base.getPort())
                .usePlaintext()
                .build();
        try {
            var stub = InferenceServiceGrpc.newBlockingStub(channel)
                    .withInterceptors(new ApiKeyClientInterceptor(ApiKeysProfile.BOTH));
            GenerateRequest one = GenerateRequest.newBuilder()
                    .setModel("tiny")
                    .setPrompt("the cat")
                    .setMaxNewTokens(1)
                    .build();
            for (int i = 0; i < 3; i++) {
                stub.generate(one).forEachRemaining(r -> {});
            }
            StatusRuntimeException e = catchThrowableOfType(
                    StatusRuntimeException.class, () -> stub.generate(one).forEachRemaining(r -> {}));
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            assertThat(e.getStatus().getDescription())
                    .contains("kiln.inference.rate-limit.requests-per-second")
                    .contains("retry after");
            long retryAfter = Long.parseLong(e.getTrailers().get(InferenceStatusMapper.RETRY_AFTER));
            assertThat(retryAfter).isBetween(1L, 100L);
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
