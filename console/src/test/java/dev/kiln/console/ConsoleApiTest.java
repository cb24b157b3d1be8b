package dev.kiln.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The console's own endpoints against a real tokenizer service with API keys on: the page's key is
 * forwarded, service errors come back as status code name and message, bad bodies are refused
 * before any call, and a service that cannot be reached is named with its address.
 */
@QuarkusTest
@QuarkusTestResource(value = ConsoleServicesResource.class, restrictToAnnotatedClass = true)
class ConsoleApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = ConsoleServicesResource.GENERATE_KEY;

    @TestHTTPResource("/")
    URI console;

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void tokenizeReturnsOneSpanPerTokenWithThePagesKey() throws Exception {
        HttpResponse<String> response =
                post("/api/tokenizer/tokenize", "{\"encoding\":\"r50k_base\",\"text\":\"Hello world, Kiln!\"}", KEY);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("ids").size()).isGreaterThan(3);
        assertThat(body.get("offsets")).hasSameSizeAs(body.get("ids"));
        assertThat(body.get("offsets").get(0).get("charEnd").asInt()).isEqualTo(5); // "Hello"
        assertThat(body.get("offsets").get(1).get("charStart").asInt()).isEqualTo(5);
        assertThat(body.get("offsets").get(1).get("charEnd").asInt()).isEqualTo(11);
    }

    @Test
    void encodingsAreListed() throws Exception {
        HttpResponse<String> response = get("/api/tokenizer/encodings", KEY);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).get("encodings").findValuesAsText("name"))
                .contains("r50k_base", "cl100k_base", "o200k_base");
    }

    @Test
    void withoutAKeyTheServicesRefusalIsShownWithAHint() throws Exception {
        HttpResponse<String> response = get("/api/tokenizer/encodings", null);
        assertThat(response.statusCode()).isEqualTo(401);
        JsonNode error = JSON.readTree(response.body());
        assertThat(error.get("code").asText()).isEqualTo("UNAUTHENTICATED");
        assertThat(error.get("message").asText()).contains("API key");
    }

    @Test
    void serviceErrorsKeepTheirCodeAndMessage() throws Exception {
        HttpResponse<String> response = post("/api/tokenizer/tokenize", "{\"encoding\":\"nope\",\"text\":\"x\"}", KEY);
        assertThat(response.statusCode()).isEqualTo(404);
        JsonNode error = JSON.readTree(response.body());
        assertThat(error.get("code").asText()).isEqualTo("NOT_FOUND");
        assertThat(error.get("message").asText()).contains("nope", "cl100k_base");
    }

    @Test
    void aBodyThatIsNotTheRequestMessageIsRefusedWithTheField() throws Exception {
        HttpResponse<String> response =
                post("/api/tokenizer/tokenize", "{\"encoding\":\"r50k_base\",\"txt\":\"x\"}", KEY);
        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = JSON.readTree(response.body());
        assertThat(error.get("code").asText()).isEqualTo("INVALID_ARGUMENT");
        assertThat(error.get("message").asText()).contains("TokenizeRequest", "txt");
    }

    @Test
    void inspectWithoutContentIsRefusedBeforeAnyCall() throws Exception {
        HttpResponse<String> response = post("/api/corpus/inspect", "{\"content\":\"  \"}", KEY);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).get("message").asText()).startsWith("content:");
    }

    @Test
    void anUnreachableServiceIsNamedWithItsAddress() throws Exception {
        HttpResponse<String> response = get("/api/runs", KEY);
        assertThat(response.statusCode()).isEqualTo(503);
        JsonNode error = JSON.readTree(response.body());
        assertThat(error.get("code").asText()).isEqualTo("UNAVAILABLE");
        assertThat(error.get("message").asText())
                .contains("cannot reach the trainer service at localhost:", "quarkus.grpc.clients.trainer");
    }

    @Test
    void aFailedStreamEndsWithAnErrorEventNotABlankPanel() throws Exception {
        HttpResponse<String> response =
                post("/api/models/generate", "{\"model\":\"m\",\"prompt\":\"a\",\"maxNewTokens\":3}", KEY);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
        assertThat(response.body()).contains("event:error", "\"code\":\"UNAVAILABLE\"", "inference gateway");
    }

    @Test
    void theChatTabNeedsMessages() throws Exception {
        HttpResponse<String> response = post("/api/chat", "{\"model\":\"m\"}", KEY);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).get("message").asText()).startsWith("messages:");
    }

    @Test
    void thePageAndItsChartLibraryAreServedFromTheJar() throws Exception {
        HttpResponse<String> page = get("/", null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body())
                .contains("<script src=\"/webjars/chart.js/dist/chart.umd.js\">")
                .doesNotContainPattern("(src|href)=\"(https?:)?//");
        HttpResponse<String> chart = get("/webjars/chart.js/dist/chart.umd.js", null);
        assertThat(chart.statusCode()).isEqualTo(200);
        assertThat(chart.body()).contains("Chart");
    }

    @Test
    void infoNamesEveryServiceAddress() throws Exception {
        JsonNode info = JSON.readTree(get("/api/info", null).body());
        assertThat(info.get("services").fieldNames())
                .toIterable()
                .containsExactly("tokenizer", "corpus", "trainer", "gateway");
        assertThat(info.get("apiKeyConfigured").asBoolean()).isFalse();
    }

    private HttpResponse<String> get(String path, String key) throws Exception {
        return send(HttpRequest.newBuilder(console.resolve(path)).GET(), key);
    }

    private HttpResponse<String> post(String path, String body, String key) throws Exception {
        return send(
                HttpRequest.newBuilder(console.resolve(path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)),
                key);
    }

    private HttpResponse<String> send(HttpRequest.Builder request, String key) throws Exception {
        if (key != null) {
            request.header(ServiceChannels.API_KEY_HEADER, key);
        }
        return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
