package dev.kiln.inference.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.proto.inference.v1.InferenceServiceGrpc;
import dev.kiln.testing.ApiKeysProfile;
import dev.kiln.testing.ScopeProbe;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** API keys on, over a real socket: every RPC of the descriptor against every kind of key. */
@QuarkusTest
@TestProfile(ApiKeysProfile.class)
class GatewayAuthTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/")
    URL base;

    @Test
    void everyRpcNeedsAKeyOfItsScopeAndHealthStaysOpen() throws Exception {
        ScopeProbe.assertEnforced(base, InferenceServiceGrpc.getServiceDescriptor(), GatewayAuth.SCOPES);
    }

    HttpResponse<String> http(String method, String path, String key, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path.substring(1)))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static final String COMPLETION = "{\"model\":\"tiny\",\"prompt\":\"the cat\",\"max_tokens\":2}";

    @Test
    void openAiEndpointsAnswer401WithoutAKeyAnd403WithoutTheGenerateScope() throws Exception {
        for (String[] call : new String[][] {{"GET", "/v1/models", null}, {"POST", "/v1/completions", COMPLETION}}) {
            HttpResponse<String> none = http(call[0], call[1], null, call[2]);
            assertThat(none.statusCode()).as(call[1]).isEqualTo(401);
            assertThat(none.headers().firstValue("WWW-Authenticate")).contains("Bearer");
            JsonNode error = JSON.readTree(none.body()).path("error");
            assertThat(error.path("type").asText()).isEqualTo("authentication_error");
            assertThat(error.path("message").asText()).contains("Bearer <key>");

            assertThat(http(call[0], call[1], "unknown-key-0123456789", call[2]).statusCode())
                    .isEqualTo(401);

            HttpResponse<String> admin = http(call[0], call[1], ApiKeysProfile.ADMIN, call[2]);
            assertThat(admin.statusCode()).as(call[1]).isEqualTo(403);
            assertThat(JSON.readTree(admin.body()).path("error").path("type").asText())
                    .isEqualTo("permission_error");
            assertThat(JSON.readTree(admin.body()).path("error").path("message").asText())
                    .contains("'generate' scope");

            HttpResponse<String> ok = http(call[0], call[1], ApiKeysProfile.GENERATE, call[2]);
            assertThat(ok.statusCode()).as(call[1] + ": " + ok.body()).isEqualTo(200);
        }
        HttpResponse<String> chat = http(
                "POST",
                "/v1/chat/completions",
                null,
                "{\"model\":\"tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":2}");
        assertThat(chat.statusCode()).isEqualTo(401);
    }

    @Test
    void healthReadinessAndMetricsStayOpenOverHttp() throws Exception {
        for (String path : new String[] {"/q/health", "/q/health/ready", "/q/metrics"}) {
            assertThat(http("GET", path, null, null).statusCode()).as(path).isEqualTo(200);
        }
    }
}
