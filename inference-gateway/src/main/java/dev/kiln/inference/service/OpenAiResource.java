package dev.kiln.inference.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.inference.engine.FinishReason;
import dev.kiln.inference.engine.GenerationHandle;
import dev.kiln.inference.engine.GenerationListener;
import dev.kiln.inference.engine.InferenceEngine;
import dev.kiln.inference.engine.QueueFullException;
import dev.kiln.inference.engine.SamplingSpec;
import dev.kiln.inference.registry.LoadedModel;
import dev.kiln.inference.registry.UnknownModelException;
import dev.kiln.inference.text.ChatPrompt;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * OpenAI-compatible HTTP: /v1/models, /v1/completions and /v1/chat/completions, with
 * {@code "stream": true} answered as server-sent events ending in {@code data: [DONE]}. Chat on a
 * base model renders the messages into the model's few-shot conversation prompt. Extensions
 * beyond OpenAI's fields: top_k, min_p, repetition_penalty, ignore_eos.
 */
@Path("/v1")
public class OpenAiResource {
    private static final int DEFAULT_COMPLETION_TOKENS = 16;
    private static final int DEFAULT_CHAT_TOKENS = 256;

    @Inject
    InferenceEngine engine;

    @Inject
    ObjectMapper json;

    @GET
    @Path("/models")
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> models() {
        List<Map<String, Object>> data = new ArrayList<>();
        for (LoadedModel m : engine.registry().list()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("id", m.name());
            e.put("object", "model");
            e.put("created", m.loadedAt().getEpochSecond());
            e.put("owned_by", "kiln");
            e.put("context_length", m.context());
            data.add(e);
        }
        return Map.of("object", "list", "data", data);
    }

    @POST
    @Path("/completions")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces({MediaType.APPLICATION_JSON, MediaType.SERVER_SENT_EVENTS})
    public Response completions(JsonNode body) {
        try {
            requireBody(body);
            String model = body.path("model").asText("");
            JsonNode p = body.path("prompt");
            String text = null;
            int[] ids = null;
            if (p.isTextual()) {
                text = p.asText();
            } else if (p.isArray() && p.size() == 1 && p.get(0).isTextual()) {
                text = p.get(0).asText();
            } else if (p.isArray() && p.size() > 0 && p.get(0).isInt()) {
                ids = new int[p.size()];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = p.get(i).asInt();
                }
            } else if (!p.isMissingNode() && !p.isNull() && !(p.isArray() && p.isEmpty())) {
                throw new IllegalArgumentException(
                        "prompt must be a string, a one-element array of strings or an array of token ids");
            }
            InferenceEngine.Command cmd = new InferenceEngine.Command(
                    model,
                    text,
                    ids,
                    maxTokens(body, DEFAULT_COMPLETION_TOKENS, -1),
                    sampling(body),
                    stops(body, List.of()),
                    body.path("ignore_eos").asBoolean(false));
            return run(cmd, body.path("stream").asBoolean(false), false);
        } catch (RuntimeException e) {
            return error(e);
        }
    }

    @POST
    @Path("/chat/completions")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces({MediaType.APPLICATION_JSON, MediaType.SERVER_SENT_EVENTS})
    public Response chat(JsonNode body) {
        try {
            requireBody(body);
            String model = body.path("model").asText("");
            JsonNode msgs = body.path("messages");
            if (!msgs.isArray() || msgs.isEmpty()) {
                throw new IllegalArgumentException("messages must be a non-empty array");
            }
            List<ChatPrompt.Message> messages = new ArrayList<>();
            for (JsonNode m : msgs) {
                messages.add(new ChatPrompt.Message(m.path("role").asText(""), content(m.path("content"))));
            }
            LoadedModel lm = engine.registry().get(model);
            String prompt = ChatPrompt.render(lm.chatPrompt(), messages);
            InferenceEngine.Command cmd = new InferenceEngine.Command(
                    model,
                    prompt,
                    null,
                    maxTokens(body, -1, DEFAULT_CHAT_TOKENS),
                    sampling(body),
                    stops(body, ChatPrompt.STOPS),
                    body.path("ignore_eos").asBoolean(false));
            return run(cmd, body.path("stream").asBoolean(false), true);
        } catch (RuntimeException e) {
            return error(e);
        }
    }

    private static void requireBody(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new IllegalArgumentException("the request body must be a JSON object");
        }
    }

    private static String content(JsonNode c) {
        if (c.isTextual()) {
            return c.asText();
        }
        if (c.isArray()) { // [{"type":"text","text":"..."}]
            StringBuilder sb = new StringBuilder();
            c.forEach(part -> sb.append(part.path("text").asText("")));
            return sb.toString();
        }
        throw new IllegalArgumentException("messages[].content must be a string");
    }

    private int maxTokens(JsonNode body, int dflt, int chatCap) {
        JsonNode n = body.has("max_completion_tokens") ? body.get("max_completion_tokens") : body.get("max_tokens");
        if (n == null || n.isNull()) {
            return dflt > 0 ? dflt : -chatCap; // negative: "as many as fit, up to chatCap"
        }
        if (!n.canConvertToInt() || n.asInt() < 1) {
            throw new IllegalArgumentException("max_tokens must be an integer >= 1, got " + n);
        }
        return n.asInt();
    }

    private static SamplingSpec sampling(JsonNode b) {
        if (b.has("n") && b.get("n").asInt(1) != 1) {
            throw new IllegalArgumentException("n: only 1 choice per request is supported");
        }
        return new SamplingSpec(
                floatOrNull(b, "temperature"),
                b.hasNonNull("top_k") ? b.get("top_k").asInt() : null,
                floatOrNull(b, "top_p"),
                floatOrNull(b, "min_p"),
                floatOrNull(b, "repetition_penalty"),
                b.hasNonNull("seed") ? b.get("seed").asLong() : null);
    }

    private static Float floatOrNull(JsonNode b, String f) {
        if (!b.hasNonNull(f)) {
            return null;
        }
        if (!b.get(f).isNumber()) {
            throw new IllegalArgumentException(f + " must be a number");
        }
        return (float) b.get(f).asDouble();
    }

    private static List<String> stops(JsonNode b, List<String> base) {
        List<String> out = new ArrayList<>(base);
        JsonNode s = b.path("stop");
        if (s.isTextual()) {
            out.add(s.asText());
        } else if (s.isArray()) {
            s.forEach(x -> out.add(x.asText()));
        }
        return out;
    }

    // --------------------------------------------------------------------------------------

    private Response run(InferenceEngine.Command cmd, boolean stream, boolean chat) {
        if (cmd.maxNewTokens() < 0) { // chat without max_tokens: what fits, capped
            InferenceEngine.Prepared probe = engine.prepare(new InferenceEngine.Command(
                    cmd.model(), cmd.promptText(), cmd.promptIds(), 1, cmd.sampling(), cmd.stop(), cmd.ignoreEos()));
            int fit = probe.model().context() - probe.promptTokens();
            cmd = new InferenceEngine.Command(
                    cmd.model(),
                    cmd.promptText(),
                    cmd.promptIds(),
                    Math.max(1, Math.min(-cmd.maxNewTokens(), fit)),
                    cmd.sampling(),
                    cmd.stop(),
                    cmd.ignoreEos());
        }
        InferenceEngine.Prepared prepared = engine.prepare(cmd);
        Events events = new Events();
        InferenceEngine.Started started = engine.submit(prepared, events);
        String id =
                (chat ? "chatcmpl-" : "cmpl-") + UUID.randomUUID().toString().replace("-", "");
        long created = System.currentTimeMillis() / 1000;
        String model = prepared.model().name();
        if (!stream) {
            StringBuilder text = new StringBuilder();
            Event e;
            try {
                while (!((e = events.queue.poll(10, TimeUnit.MINUTES)) instanceof Event.Done)) {
                    if (e instanceof Event.Failed f) {
                        throw new IllegalStateException(f.error().getMessage(), f.error());
                    }
                    if (e == null) {
                        started.handle().cancel();
                        throw new IllegalStateException("generation timed out");
                    }
                    text.append(((Event.Text) e).text());
                }
            } catch (InterruptedException ie) {
                started.handle().cancel();
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted");
            }
            Event.Done d = (Event.Done) e;
            text.append(d.text());
            String t = chat ? text.toString().strip() : text.toString();
            Map<String, Object> choice = new LinkedHashMap<>();
            choice.put("index", 0);
            if (chat) {
                choice.put("message", Map.of("role", "assistant", "content", t));
            } else {
                choice.put("text", t);
                choice.put("logprobs", null);
            }
            choice.put("finish_reason", finish(d.reason()));
            Map<String, Object> r = envelope(id, chat ? "chat.completion" : "text_completion", created, model);
            r.put("choices", List.of(choice));
            r.put("usage", usage(d.prompt(), d.completion()));
            return Response.ok(r, MediaType.APPLICATION_JSON).build();
        }
        StreamingOutput body = out -> stream(out, events, started.handle(), id, created, model, chat);
        return Response.ok(body, MediaType.SERVER_SENT_EVENTS)
                .header("Cache-Control", "no-cache")
                .header("X-Accel-Buffering", "no")
                .build();
    }

    private void stream(
            OutputStream out,
            Events events,
            GenerationHandle handle,
            String id,
            long created,
            String model,
            boolean chat)
            throws IOException {
        String object = chat ? "chat.completion.chunk" : "text_completion";
        boolean leading = chat; // strip the space the model puts after "Assistant:"
        try {
            if (chat) {
                send(out, chunk(id, object, created, model, chat, null, true, null, null));
            }
            while (true) {
                Event e = events.queue.poll(10, TimeUnit.MINUTES);
                if (e == null || e instanceof Event.Failed) {
                    handle.cancel();
                    Map<String, Object> err = Map.of(
                            "error",
                            Map.of(
                                    "message",
                                    e == null
                                            ? "generation timed out"
                                            : ((Event.Failed) e).error().getMessage(),
                                    "type",
                                    "server_error"));
                    send(out, json.writeValueAsString(err));
                    return;
                }
                String text = e instanceof Event.Text t ? t.text() : ((Event.Done) e).text();
                if (leading && !text.isEmpty()) {
                    text = text.stripLeading();
                    leading = text.isEmpty();
                }
                if (e instanceof Event.Done d) {
                    send(
                            out,
                            chunk(
                                    id,
                                    object,
                                    created,
                                    model,
                                    chat,
                                    text,
                                    false,
                                    finish(d.reason()),
                                    usage(d.prompt(), d.completion())));
                    send(out, "[DONE]");
                    return;
                }
                if (!text.isEmpty()) {
                    send(out, chunk(id, object, created, model, chat, text, false, null, null));
                }
            }
        } catch (IOException | RuntimeException e) {
            handle.cancel(); // the client went away: free the slot
            throw e instanceof IOException io ? io : new IOException(e);
        } catch (InterruptedException e) {
            handle.cancel();
            Thread.currentThread().interrupt();
        }
    }

    private String chunk(
            String id,
            String object,
            long created,
            String model,
            boolean chat,
            String text,
            boolean role,
            String finish,
            Map<String, Object> usage)
            throws IOException {
        Map<String, Object> choice = new LinkedHashMap<>();
        choice.put("index", 0);
        if (chat) {
            Map<String, Object> delta = new LinkedHashMap<>();
            if (role) {
                delta.put("role", "assistant");
            }
            if (text != null && !text.isEmpty()) {
                delta.put("content", text);
            }
            choice.put("delta", delta);
        } else {
            choice.put("text", text == null ? "" : text);
            choice.put("logprobs", null);
        }
        choice.put("finish_reason", finish);
        Map<String, Object> r = envelope(id, object, created, model);
        r.put("choices", List.of(choice));
        if (usage != null) {
            r.put("usage", usage);
        }
        return json.writeValueAsString(r);
    }

    private static void send(OutputStream out, String data) throws IOException {
        out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static Map<String, Object> envelope(String id, String object, long created, String model) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("id", id);
        r.put("object", object);
        r.put("created", created);
        r.put("model", model);
        return r;
    }

    private static Map<String, Object> usage(int prompt, int completion) {
        return Map.of("prompt_tokens", prompt, "completion_tokens", completion, "total_tokens", prompt + completion);
    }

    private static String finish(FinishReason r) {
        return switch (r) {
            case LENGTH -> "length";
            case STOP, EOS -> "stop";
            case CANCELLED -> "cancelled";
        };
    }

    private Response error(RuntimeException e) {
        int status;
        String type;
        if (e instanceof UnknownModelException) {
            status = 404;
            type = "not_found_error";
        } else if (e instanceof QueueFullException) {
            status = 429;
            type = "rate_limit_error";
        } else if (e instanceof IllegalArgumentException) {
            status = 400;
            type = "invalid_request_error";
        } else {
            status = 500;
            type = "server_error";
        }
        Map<String, Object> err = new LinkedHashMap<>();
        err.put("message", e.getMessage());
        err.put("type", type);
        err.put("param", null);
        err.put("code", null);
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON)
                .entity(Map.of("error", err))
                .build();
    }

    /** What the scheduler thread hands to the HTTP worker. */
    private sealed interface Event {
        record Text(String text) implements Event {}

        record Done(String text, FinishReason reason, int prompt, int completion) implements Event {}

        record Failed(Throwable error) implements Event {}
    }

    private static final class Events implements GenerationListener {
        final LinkedBlockingQueue<Event> queue = new LinkedBlockingQueue<>();

        @Override
        public void onTokens(String text, int[] tokens) {
            if (!text.isEmpty()) {
                queue.add(new Event.Text(text));
            }
        }

        @Override
        public void onFinish(String text, int[] tokens, FinishReason reason, int prompt, int completion) {
            queue.add(new Event.Done(text, reason, prompt, completion));
        }

        @Override
        public void onError(Throwable error) {
            queue.add(new Event.Failed(error));
        }
    }
}
