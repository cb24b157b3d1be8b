package dev.kiln.inference.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.kiln.inference.chat.ChatMessage;
import dev.kiln.inference.engine.MaxNewTokens;
import dev.kiln.inference.engine.SamplingSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The body of /v1/completions ({@code prompt}) and /v1/chat/completions ({@code messages}), as
 * Jackson reads it (snake_case; fields this gateway does not use are ignored). Fields OpenAI
 * accepts in several shapes stay {@link JsonNode} and are read by the methods here, which throw
 * {@link IllegalArgumentException} naming the field. Extensions beyond OpenAI's fields: top_k,
 * min_p, repetition_penalty, ignore_eos.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
record OpenAiRequest(
        String model,
        JsonNode prompt,
        List<Message> messages,
        Integer maxTokens,
        Integer maxCompletionTokens,
        Float temperature,
        Integer topK,
        Float topP,
        Float minP,
        Float repetitionPenalty,
        Long seed,
        Integer n,
        JsonNode stop,
        Boolean ignoreEos,
        Boolean stream) {

    /** A chat message; content is a string or a list of parts ({"type":"text","text":"..."}). */
    record Message(String role, JsonNode content) {}

    boolean streaming() {
        return Boolean.TRUE.equals(stream);
    }

    boolean ignoringEos() {
        return Boolean.TRUE.equals(ignoreEos);
    }

    /** The prompt as text: a string or a one-element array of strings; null when absent or given as ids. */
    String promptText() {
        if (prompt == null || prompt.isNull()) {
            return null;
        }
        if (prompt.isTextual()) {
            return prompt.asText();
        }
        if (prompt.isArray() && prompt.size() == 1 && prompt.get(0).isTextual()) {
            return prompt.get(0).asText();
        }
        if (promptIds() == null && !(prompt.isArray() && prompt.isEmpty())) {
            throw new IllegalArgumentException(
                    "prompt must be a string, a one-element array of strings or an array of token ids");
        }
        return null;
    }

    /** The prompt as token ids (an array of integers); null otherwise. */
    int[] promptIds() {
        if (prompt == null
                || !prompt.isArray()
                || prompt.isEmpty()
                || !prompt.get(0).isInt()) {
            return null;
        }
        int[] ids = new int[prompt.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = prompt.get(i).asInt();
        }
        return ids;
    }

    /** The messages; their validation (none, unknown roles) is the core's, shared with gRPC Chat. */
    List<ChatMessage> chatMessages() {
        List<ChatMessage> out = new ArrayList<>();
        if (messages != null) {
            for (Message m : messages) {
                out.add(new ChatMessage(m.role(), content(m.content())));
            }
        }
        return out;
    }

    private static String content(JsonNode c) {
        if (c != null && c.isTextual()) {
            return c.asText();
        }
        if (c != null && c.isArray()) {
            StringBuilder sb = new StringBuilder();
            c.forEach(part -> sb.append(part.path("text").asText("")));
            return sb.toString();
        }
        throw new IllegalArgumentException("messages[].content must be a string");
    }

    /** max_completion_tokens, else max_tokens, else {@code unset}. */
    MaxNewTokens maxNewTokens(MaxNewTokens unset) {
        Integer n = maxCompletionTokens != null ? maxCompletionTokens : maxTokens;
        if (n == null) {
            return unset;
        }
        if (n < 1) {
            throw new IllegalArgumentException("max_tokens must be an integer >= 1, got " + n);
        }
        return MaxNewTokens.of(n);
    }

    SamplingSpec sampling() {
        if (n != null && n != 1) {
            throw new IllegalArgumentException("n: only 1 choice per request is supported");
        }
        return new SamplingSpec(temperature, topK, topP, minP, repetitionPenalty, seed);
    }

    /** {@code base} followed by the request's stop: a string or an array of strings. */
    List<String> stops(List<String> base) {
        List<String> out = new ArrayList<>(base);
        if (stop != null && stop.isTextual()) {
            out.add(stop.asText());
        } else if (stop != null && stop.isArray()) {
            stop.forEach(x -> out.add(x.asText()));
        }
        return out;
    }
}
