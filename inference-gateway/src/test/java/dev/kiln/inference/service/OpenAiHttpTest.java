package dev.kiln.inference.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.inference.testing.TestModelsResource;
import dev.kiln.proto.inference.v1.GenerateRequest;
import dev.kiln.proto.inference.v1.InferenceServiceGrpc;
import dev.kiln.proto.inference.v1.SamplingParams;
import dev.kiln.testing.KafkaTestResource;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The OpenAI-compatible HTTP API with a plain java.net.http client, SSE included. */
@QuarkusTest
@QuarkusTestResource(TestModelsResource.class)
@QuarkusTestResource(KafkaTestResource.class)
class OpenAiHttpTest {
    static final ObjectMapper JSON = new ObjectMapper();
    final HttpClient http = HttpClient.newHttpClient();

    @TestHTTPResource("/")
    URL base;

    HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(base + path.substring(1)))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Reads an SSE response event by event; returns the data payloads and when each arrived. */
    record Sse(int status, String contentType, List<String> data, List<Long> arrivals) {}

    Sse postSse(String path, String body) throws Exception {
        HttpResponse<java.util.stream.Stream<String>> r = http.send(
                HttpRequest.newBuilder(URI.create(base + path.substring(1)))
                        .header("Content-Type", "application/json")
                        .header("Accept", "text/event-stream")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofLines());
        List<String> data = new ArrayList<>();
        List<Long> at = new ArrayList<>();
        Iterator<String> lines = r.body().iterator();
        while (lines.hasNext()) {
            String line = lines.next();
            if (line.startsWith("data: ")) {
                data.add(line.substring(6));
                at.add(System.nanoTime());
            }
        }
        return new Sse(r.statusCode(), r.headers().firstValue("content-type").orElse(""), data, at);
    }

    @Test
    void listsModels() throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(base + "v1/models")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode j = JSON.readTree(r.body());
        assertThat(j.path("object").asText()).isEqualTo("list");
        List<String> ids = new ArrayList<>();
        j.path("data").forEach(m -> ids.add(m.path("id").asText()));
        assertThat(ids).contains("tiny", "slow");
    }

    @Test
    void streamsACompletionOverSseThatEqualsTheGrpcResult() throws Exception {
        String body = "{\"model\":\"tiny\",\"prompt\":\"the cat and the hat\",\"max_tokens\":24,\"temperature\":0,"
                + "\"ignore_eos\":true,\"stream\":true}";
        Sse sse = postSse("/v1/completions", body);
        assertThat(sse.status()).isEqualTo(200);
        assertThat(sse.contentType()).startsWith("text/event-stream");
        assertThat(sse.data()).last().isEqualTo("[DONE]");
        StringBuilder text = new StringBuilder();
        String finish = null;
        for (String d : sse.data().subList(0, sse.data().size() - 1)) {
            JsonNode c = JSON.readTree(d);
            assertThat(c.path("object").asText()).isEqualTo("text_completion");
            text.append(c.path("choices").get(0).path("text").asText());
            if (!c.path("choices").get(0).path("finish_reason").isNull()) {
                finish = c.path("choices").get(0).path("finish_reason").asText();
                assertThat(c.path("usage").path("completion_tokens").asInt()).isEqualTo(24);
            }
        }
        assertThat(finish).isEqualTo("length");
        assertThat(sse.data().size()).isGreaterThan(3);

        ManagedChannel ch = ManagedChannelBuilder.forAddress(base.getHost(), base.getPort())
                .usePlaintext()
                .build();
        try {
            StringBuilder grpc = new StringBuilder();
            InferenceServiceGrpc.newBlockingStub(ch)
                    .generate(GenerateRequest.newBuilder()
                            .setModel("tiny")
                            .setPrompt("the cat and the hat")
                            .setMaxNewTokens(24)
                            .setIgnoreEos(true)
                            .setSampling(SamplingParams.newBuilder().setTemperature(0f))
                            .build())
                    .forEachRemaining(m -> grpc.append(m.getText()));
            assertThat(text.toString()).isEqualTo(grpc.toString());
        } finally {
            ch.shutdownNow();
        }

        JsonNode plain = JSON.readTree(post("/v1/completions", body.replace("\"stream\":true", "\"stream\":false"))
                .body());
        assertThat(plain.path("choices").get(0).path("text").asText()).isEqualTo(text.toString());
        assertThat(plain.path("usage").path("total_tokens").asInt())
                .isEqualTo(plain.path("usage").path("prompt_tokens").asInt() + 24);
    }

    @Test
    void eventsArriveWhileTheModelIsStillGenerating() throws Exception {
        Sse sse = postSse(
                "/v1/completions",
                "{\"model\":\"slow\",\"prompt\":\"once\",\"max_tokens\":150,"
                        + "\"temperature\":0,\"ignore_eos\":true,\"stream\":true}");
        assertThat(sse.data()).hasSizeGreaterThan(10);
        long first = sse.arrivals().get(0),
                last = sse.arrivals().get(sse.arrivals().size() - 1);
        // not one buffered blob at the end: the first event came well before the last
        assertThat((last - first) / 1_000_000).isGreaterThan(50);
    }

    @Test
    void aClientThatGoesAwayCancelsItsRequest() throws Exception {
        HttpResponse<java.util.stream.Stream<String>> r = http.send(
                HttpRequest.newBuilder(URI.create(base + "v1/completions"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"model\":\"slow\",\"prompt\":\"bye\",\"max_tokens\":1000,\"temperature\":0,"
                                        + "\"ignore_eos\":true,\"stream\":true}"))
                        .build(),
                HttpResponse.BodyHandlers.ofLines());
        java.util.stream.Stream<String> lines = r.body();
        assertThat(lines.iterator().next()).startsWith("data: ");
        lines.close(); // hang up after the first event
        long end = System.nanoTime() + 20_000_000_000L;
        String cancelled = "kiln_inference_requests_finished_total{model=\"slow\",reason=\"cancelled\"}";
        String metrics = "";
        while (System.nanoTime() < end && !metrics.contains(cancelled)) {
            Thread.sleep(100);
            metrics = http.send(
                            HttpRequest.newBuilder(URI.create(base + "q/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
        }
        assertThat(metrics).contains(cancelled);
    }

    @Test
    void chatCompletionsThroughTheFewShotPrompt() throws Exception {
        String body = "{\"model\":\"slow\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                + "{\"role\":\"user\",\"content\":\"Say something.\"}],\"max_tokens\":12,\"temperature\":0}";
        HttpResponse<String> r = post("/v1/chat/completions", body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode j = JSON.readTree(r.body());
        assertThat(j.path("object").asText()).isEqualTo("chat.completion");
        JsonNode msg = j.path("choices").get(0).path("message");
        assertThat(msg.path("role").asText()).isEqualTo("assistant");
        assertThat(j.path("choices").get(0).path("finish_reason").asText()).isIn("stop", "length");
        // the few-shot preamble is part of the prompt
        assertThat(j.path("usage").path("prompt_tokens").asInt()).isGreaterThan(150);

        Sse sse = postSse("/v1/chat/completions", body.replace("}],", "}],\"stream\":true,"));
        assertThat(sse.data()).last().isEqualTo("[DONE]");
        JsonNode firstChunk = JSON.readTree(sse.data().get(0));
        assertThat(firstChunk.path("object").asText()).isEqualTo("chat.completion.chunk");
        assertThat(firstChunk.path("choices").get(0).path("delta").path("role").asText())
                .isEqualTo("assistant");
        StringBuilder content = new StringBuilder();
        for (String d : sse.data().subList(0, sse.data().size() - 1)) {
            content.append(JSON.readTree(d)
                    .path("choices")
                    .get(0)
                    .path("delta")
                    .path("content")
                    .asText(""));
        }
        assertThat(content.toString().strip()).isEqualTo(msg.path("content").asText());

        // tiny has its own, short conversation prompt (kiln.inference.chat.prompts.tiny in the test config)
        r = post("/v1/chat/completions", body.replace("\"slow\"", "\"tiny\""));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).path("usage").path("prompt_tokens").asInt())
                .isBetween(20, 100);
    }

    @Test
    void errorsComeBackInOpenAiShape() throws Exception {
        HttpResponse<String> r = post("/v1/completions", "{\"model\":\"nope\",\"prompt\":\"x\"}");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(r.body()).path("error").path("message").asText())
                .contains("'nope' is not loaded");
        r = post("/v1/completions", "{\"model\":\"tiny\",\"prompt\":\"x\",\"temperature\":5}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).path("error").path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(JSON.readTree(r.body()).path("error").path("message").asText())
                .contains("temperature");
        r = post("/v1/completions", "{\"model\":\"tiny\",\"prompt\":\"x\",\"stream\":true,\"max_tokens\":500}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("exceeds the context");
        r = post("/v1/chat/completions", "{\"model\":\"tiny\",\"messages\":[]}");
        assertThat(r.statusCode()).isEqualTo(400);
        r = post("/v1/completions", "{\"model\":\"" + "m".repeat(100_000) + "\",\"prompt\":\"x\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).path("error").path("code").asText()).isEqualTo("INVALID_ARGUMENT");
        r = post("/v1/completions", "{\"model\":\"tiny\",\"prompt\":\"x\",\"temperature\":\"hot\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).path("error").path("message").asText())
                .contains("temperature");
        r = post("/v1/completions", "{not json");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).path("error").path("type").asText()).isEqualTo("invalid_request_error");
    }
}
