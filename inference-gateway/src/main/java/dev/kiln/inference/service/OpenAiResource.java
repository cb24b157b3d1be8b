package dev.kiln.inference.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.kiln.inference.engine.GenerationHandle;
import dev.kiln.inference.engine.GenerationListener;
import dev.kiln.inference.engine.InferenceEngine;
import dev.kiln.inference.engine.MaxNewTokens;
import dev.kiln.inference.limits.RateLimiter;
import dev.kiln.proto.ResourceNames;
import dev.kiln.proto.auth.Access;
import dev.kiln.proto.auth.ApiKey;
import dev.kiln.proto.auth.ApiKeyInterceptor;
import dev.kiln.proto.auth.Scope;
import io.grpc.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * OpenAI-compatible HTTP: /v1/models, /v1/completions and /v1/chat/completions, with
 * {@code "stream": true} answered as server-sent events ({@link SseWriter}). Chat renders the
 * messages with the model's chat template, or into the few-shot conversation prompt of a base
 * model (the core's path, shared with gRPC Chat). Vert.x routes: a
 * worker validates and queues the request, then the model's scheduler thread hands each token to
 * the writer, which writes on the event loop; no thread waits while the model generates.
 */
@ApplicationScoped
public class OpenAiResource {
    /** OpenAI's default for /v1/completions without max_tokens. */
    private static final int DEFAULT_COMPLETION_TOKENS = 16;
    /** Chat without max_tokens fills the context after the prompt, at most this many tokens. */
    private static final int DEFAULT_CHAT_TOKENS = 256;

    private static final int MAX_BODY_BYTES = 10 << 20;

    /** Strict about types ("0.5" is not a number), lenient about fields OpenAI clients send that we do not use. */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    @Inject
    InferenceEngine engine;

    @Inject
    OpenAiErrors errors;

    @Inject
    ApiKeyInterceptor apiKeys;

    @Inject
    RateLimiter limits;

    /** Where {@link #authenticate} leaves the caller for the handlers. */
    private static final String CALLER = "kiln.caller";

    void routes(@Observes Router router) {
        router.route("/v1/*").handler(this::authenticate);
        router.get("/v1/models").handler(rc -> HttpReply.of(rc, JSON).json(200, models()));
        BodyHandler body = BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES);
        router.post("/v1/completions").handler(body).blockingHandler(rc -> generate(rc, false), false);
        router.post("/v1/chat/completions").handler(body).blockingHandler(rc -> generate(rc, true), false);
    }

    /**
     * The {@code Authorization: Bearer <key>} header, as OpenAI clients send their api_key: 401
     * without a valid key, 403 without the generate scope. Only /v1 is guarded; /q/health and
     * /q/metrics stay open for probes and scrapers.
     */
    private void authenticate(RoutingContext rc) {
        Access access = apiKeys.check(rc.request().getHeader("Authorization"), Scope.GENERATE);
        if (access.granted()) {
            rc.put(CALLER, access.caller());
            rc.next();
            return;
        }
        Status status =
                access.outcome() == Access.Outcome.UNAUTHENTICATED ? Status.UNAUTHENTICATED : Status.PERMISSION_DENIED;
        HttpReply.of(rc, JSON)
                .error(errors.of(status.withDescription(access.message()).asRuntimeException()));
    }

    private OpenAiResponses.ModelList models() {
        return new OpenAiResponses.ModelList(
                "list",
                engine.registry().list().stream()
                        .map(m -> new OpenAiResponses.ModelCard(
                                m.name(), "model", m.loadedAt().getEpochSecond(), "kiln", m.context()))
                        .toList());
    }

    private void generate(RoutingContext rc, boolean chat) {
        HttpReply reply = HttpReply.of(rc, JSON);
        try {
            String caller = rc.<ApiKey>get(CALLER).id();
            limits.admit(caller);
            OpenAiRequest req = read(rc);
            String model = ResourceNames.require("model", req.model());
            InferenceEngine.Prepared prepared =
                    chat ? engine.prepare(chatCommand(model, req)) : engine.prepare(completionCommand(model, req));
            OpenAiResponses.Envelope envelope = new OpenAiResponses.Envelope(
                    (chat ? "chatcmpl-" : "cmpl-")
                            + UUID.randomUUID().toString().replace("-", ""),
                    chat ? (req.streaming() ? "chat.completion.chunk" : "chat.completion") : "text_completion",
                    System.currentTimeMillis() / 1000,
                    prepared.model().name());
            SseWriter sse = req.streaming() ? new SseWriter(reply, envelope, chat, errors) : null;
            GenerationListener writer = limits.charging(
                    caller, sse != null ? sse : new JsonCompletionWriter(reply, envelope, chat, errors));
            AtomicReference<GenerationHandle> handle = new AtomicReference<>();
            reply.onClientGone(() -> {
                GenerationHandle h = handle.get();
                if (h != null) {
                    h.cancel(); // the client went away: free the slot
                }
            });
            handle.set(engine.submit(prepared, writer).handle());
            if (sse != null) {
                sse.open();
            }
            if (reply.clientGone()) {
                handle.get().cancel();
            }
        } catch (RuntimeException e) {
            reply.error(errors.of(e));
        }
    }

    private static InferenceEngine.Command completionCommand(String model, OpenAiRequest req) {
        return new InferenceEngine.Command(
                model,
                req.promptText(),
                req.promptIds(),
                req.maxNewTokens(MaxNewTokens.of(DEFAULT_COMPLETION_TOKENS)),
                req.sampling(),
                req.stops(List.of()),
                req.ignoringEos());
    }

    /** The same core path as gRPC Chat: the model's chat template, else its conversation prompt. */
    private static InferenceEngine.ChatCommand chatCommand(String model, OpenAiRequest req) {
        return new InferenceEngine.ChatCommand(
                model,
                req.chatMessages(),
                req.maxNewTokens(MaxNewTokens.fillContext(DEFAULT_CHAT_TOKENS)),
                req.sampling(),
                req.stops(List.of()),
                req.ignoringEos());
    }

    private static OpenAiRequest read(RoutingContext rc) {
        try {
            JsonNode body = rc.body().isEmpty() ? null : JSON.readTree(rc.body().asString());
            if (body == null || !body.isObject()) {
                throw new IllegalArgumentException("the request body must be a JSON object");
            }
            return JSON.treeToValue(body, OpenAiRequest.class);
        } catch (JsonProcessingException e) {
            String field = e instanceof JsonMappingException m
                    ? m.getPath().stream()
                            .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                            .collect(Collectors.joining("."))
                    : "";
            throw new IllegalArgumentException(
                    (field.isEmpty() ? "the request body" : field) + " is not valid: " + e.getOriginalMessage(), e);
        }
    }
}
