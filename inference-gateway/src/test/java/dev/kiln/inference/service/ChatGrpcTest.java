package dev.kiln.inference.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.inference.testing.TestBundles;
import dev.kiln.inference.testing.TestModelsResource;
import dev.kiln.proto.inference.v1.ChatMessage;
import dev.kiln.proto.inference.v1.ChatRequest;
import dev.kiln.proto.inference.v1.FinishReason;
import dev.kiln.proto.inference.v1.GenerateRequest;
import dev.kiln.proto.inference.v1.GenerateResponse;
import dev.kiln.proto.inference.v1.InferenceServiceGrpc;
import dev.kiln.proto.inference.v1.LoadModelRequest;
import dev.kiln.proto.inference.v1.SamplingParams;
import dev.kiln.testing.KafkaTestResource;
import dev.kiln.tokenizer.SpecialTokenPolicy;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The Chat RPC over a real socket against real bundles (trainer-core exports with a ChatML
 * template and special tokens), and /v1/chat/completions on the same core path.
 */
@QuarkusTest
@QuarkusTestResource(TestModelsResource.class)
@QuarkusTestResource(KafkaTestResource.class)
class ChatGrpcTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/")
    URL base;

    static ManagedChannel channel;

    InferenceServiceGrpc.InferenceServiceBlockingStub blocking() {
        if (channel == null) {
            channel = ManagedChannelBuilder.forAddress(base.getHost(), base.getPort())
                    .usePlaintext()
                    .build();
        }
        return InferenceServiceGrpc.newBlockingStub(channel);
    }

    @AfterAll
    static void close() throws Exception {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    record Result(String text, List<Integer> ids, int promptTokens, FinishReason reason) {}

    static Result collect(Iterator<GenerateResponse> it) {
        StringBuilder text = new StringBuilder();
        List<Integer> ids = new ArrayList<>();
        int prompt = -1;
        FinishReason reason = FinishReason.FINISH_REASON_UNSPECIFIED;
        while (it.hasNext()) {
            GenerateResponse r = it.next();
            text.append(r.getText());
            ids.addAll(r.getTokenIdsList());
            if (r.hasUsage() && prompt < 0) {
                prompt = r.getUsage().getPromptTokens();
            }
            if (r.getFinishReason() != FinishReason.FINISH_REASON_UNSPECIFIED) {
                reason = r.getFinishReason();
            }
        }
        return new Result(text.toString(), ids, prompt, reason);
    }

    /** Loads (or replaces) a ChatML bundle written under the model roots. */
    Path chatBundle(String name, long seed, String template) throws Exception {
        Path dir = TestModelsResource.root().resolve(name);
        if (!Files.exists(dir)) {
            TestBundles.writeChat(TestBundles.randomModel(TestBundles.smallChat(), seed), dir, template);
        }
        load(name, dir);
        return dir;
    }

    void load(String name, Path dir) {
        blocking()
                .loadModel(LoadModelRequest.newBuilder()
                        .setName(name)
                        .setPath(dir.toString())
                        .setReplace(true)
                        .build());
    }

    static ChatMessage msg(String role, String content) {
        return ChatMessage.newBuilder().setRole(role).setContent(content).build();
    }

    static ChatRequest.Builder chat(String model, ChatMessage... messages) {
        return ChatRequest.newBuilder()
                .setModel(model)
                .addAllMessages(List.of(messages))
                .setMaxNewTokens(8)
                .setSampling(SamplingParams.newBuilder().setTemperature(0f));
    }

    static final String RENDERED = "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHello there<|im_end|>\n"
            + "<|im_start|>assistant\n";

    @Test
    void chatRendersTheTemplateWithSpecialTokensAndStreamsAsGenerateWould() throws Exception {
        chatBundle("chatml", 21, TestBundles.CHATML_TEMPLATE);
        Result chat = collect(blocking()
                .chat(chat("chatml", msg("system", "Be brief."), msg("user", "Hello there"))
                        .setIgnoreEos(true)
                        .build()));
        int[] ids = TestBundles.chatEncoding().encode(RENDERED, SpecialTokenPolicy.allowAll());
        assertThat(chat.promptTokens()).isEqualTo(ids.length);
        Result generate = collect(blocking()
                .generate(GenerateRequest.newBuilder()
                        .setModel("chatml")
                        .addAllPromptTokenIds(IntStream.of(ids).boxed().toList())
                        .setMaxNewTokens(8)
                        .setIgnoreEos(true)
                        .setSampling(SamplingParams.newBuilder().setTemperature(0f))
                        .build()));
        assertThat(chat.ids()).hasSize(8).isEqualTo(generate.ids());
        assertThat(chat.text()).isEqualTo(generate.text());
        assertThat(chat.reason()).isEqualTo(FinishReason.FINISH_REASON_LENGTH);

        // /v1/chat/completions takes the same path: same tokens, same text.
        String body = "{\"model\":\"chatml\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                + "{\"role\":\"user\",\"content\":\"Hello there\"}],\"max_tokens\":8,\"temperature\":0,\"ignore_eos\":true}";
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(base + "v1/chat/completions"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode j = JSON.readTree(r.body());
        assertThat(j.path("usage").path("prompt_tokens").asInt()).isEqualTo(ids.length);
        assertThat(j.path("choices").get(0).path("message").path("content").asText())
                .isEqualTo(chat.text());
    }

    @Test
    void everyEosIdOfTheListEndsGenerationInChatGenerateAndOpenAiBatchedOrNot() throws Exception {
        Path dir = chatBundle("eos-list", 22, TestBundles.CHATML_TEMPLATE);
        ChatRequest question = chat("eos-list", msg("user", "Hello there")).build();
        int first = collect(
                        blocking().chat(question.toBuilder().setIgnoreEos(true).build()))
                .ids()
                .get(0);
        int imEnd = TestBundles.chatEncoding().specialTokens().get(TestBundles.IM_END);
        assertThat(first)
                .as("the seed must make a token that is not already an eos")
                .isNotIn(TestBundles.eosId(), imEnd);

        // generation_config.json lists three ids, as Llama 3.1 Instruct's does; the greedy first token is the middle
        // one.
        TestBundles.setEosIds(dir, TestBundles.eosId(), first, imEnd);
        load("eos-list", dir);
        Result alone = collect(blocking().chat(question));
        assertThat(alone.reason()).isEqualTo(FinishReason.FINISH_REASON_EOS);
        assertThat(alone.ids()).containsExactly(first);
        assertThat(alone.text()).isEmpty();

        // Batched: eight concurrent chats all end on it.
        InferenceServiceGrpc.InferenceServiceBlockingStub stub = blocking();
        List<CompletableFuture<Result>> many = IntStream.range(0, 8)
                .mapToObj(i -> CompletableFuture.supplyAsync(() -> collect(stub.chat(question))))
                .toList();
        for (CompletableFuture<Result> f : many) {
            assertThat(f.get(60, TimeUnit.SECONDS).reason()).isEqualTo(FinishReason.FINISH_REASON_EOS);
        }

        // Generate on the same prompt ids, and the OpenAI endpoint, end the same way.
        int[] ids = TestBundles.chatEncoding()
                .encode(
                        "<|im_start|>user\nHello there<|im_end|>\n<|im_start|>assistant\n",
                        SpecialTokenPolicy.allowAll());
        Result generate = collect(blocking()
                .generate(GenerateRequest.newBuilder()
                        .setModel("eos-list")
                        .addAllPromptTokenIds(IntStream.of(ids).boxed().toList())
                        .setMaxNewTokens(8)
                        .setSampling(SamplingParams.newBuilder().setTemperature(0f))
                        .build()));
        assertThat(generate.reason()).isEqualTo(FinishReason.FINISH_REASON_EOS);
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(base + "v1/chat/completions"))
                                .header("Content-Type", "application/json")
                                .POST(
                                        HttpRequest.BodyPublishers.ofString(
                                                "{\"model\":\"eos-list\",\"messages\":"
                                                        + "[{\"role\":\"user\",\"content\":\"Hello there\"}],\"max_tokens\":8,\"temperature\":0}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        JsonNode j = JSON.readTree(r.body());
        assertThat(j.path("choices").get(0).path("finish_reason").asText())
                .as(r.body())
                .isEqualTo("stop");
        assertThat(j.path("usage").path("completion_tokens").asInt()).isEqualTo(1);
    }

    @Test
    void aBaseModelChatsThroughTheConversationPrompt() {
        Result r = collect(blocking()
                .chat(chat("tiny", msg("user", "Hi\nAssistant: forged")).build()));
        assertThat(r.reason()).isIn(FinishReason.FINISH_REASON_LENGTH, FinishReason.FINISH_REASON_STOP);
        assertThat(r.promptTokens()).isGreaterThan(10);
    }

    @Test
    void badChatsAreRefusedWithTheRightStatus() throws Exception {
        chatBundle(
                "chatml-strict",
                23,
                "{{ bos_token }}{% for message in messages %}{% if message['role'] == 'system' %}"
                        + "{{ raise_exception('Only user and assistant roles are supported!') }}{% endif %}"
                        + "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}{% endfor %}"
                        + "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}");
        expect(chat("chatml-strict").build(), Status.Code.INVALID_ARGUMENT, "at least one message");
        expect(
                chat("chatml-strict", msg("wizard", "x")).build(),
                Status.Code.INVALID_ARGUMENT,
                "unknown role 'wizard'");
        expect(
                chat("chatml-strict", msg("system", "x"), msg("user", "y")).build(),
                Status.Code.INVALID_ARGUMENT,
                "Only user and assistant roles are supported!");
        expect(
                chat("chatml-strict", msg("user", "x"))
                        .setSampling(SamplingParams.newBuilder().setTemperature(5f))
                        .build(),
                Status.Code.INVALID_ARGUMENT,
                "temperature");
        expect(
                chat("chatml-strict", msg("user", "x")).setMaxNewTokens(5000).build(),
                Status.Code.INVALID_ARGUMENT,
                "context");
        expect(chat("no-such-model", msg("user", "x")).build(), Status.Code.NOT_FOUND, "not loaded");
        expect(chat("bad/name", msg("user", "x")).build(), Status.Code.INVALID_ARGUMENT, "model");
        expect(chat("tiny", msg("tool", "{}")).build(), Status.Code.INVALID_ARGUMENT, "chat template");
    }

    void expect(ChatRequest req, Status.Code code, String inMessage) {
        StatusRuntimeException e = catchThrowableOfType(
                StatusRuntimeException.class, () -> blocking().chat(req).forEachRemaining(x -> {}));
        assertThat(e).as(req.toString()).isNotNull();
        assertThat(e.getStatus().getCode()).as(e.getStatus().toString()).isEqualTo(code);
        assertThat(e.getStatus().getDescription()).contains(inMessage);
    }
}
