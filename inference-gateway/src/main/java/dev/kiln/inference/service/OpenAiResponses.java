package dev.kiln.inference.service;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.kiln.inference.engine.FinishReason;
import java.util.List;

/** The OpenAI response bodies, as Jackson writes them (snake_case, fields in OpenAI's order). */
final class OpenAiResponses {
    private OpenAiResponses() {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record ModelList(String object, List<ModelCard> data) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record ModelCard(String id, String object, long created, String ownedBy, int contextLength) {}

    /**
     * A whole completion, or one chunk of a stream: {@code object} says which; usage only on the
     * whole completion and the last chunk.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Completion(
            String id,
            String object,
            long created,
            String model,
            List<Object> choices,
            @JsonInclude(JsonInclude.Include.NON_NULL) Usage usage) {}

    /** /v1/completions: the text (whole, or new in this chunk). */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record TextChoice(int index, String text, Object logprobs, String finishReason) {}

    /** /v1/chat/completions without streaming. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record ChatChoice(int index, ChatMessage message, String finishReason) {}

    record ChatMessage(String role, String content) {}

    /** /v1/chat/completions streaming: the role first, then content. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record ChunkChoice(int index, Delta delta, String finishReason) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Delta(String role, String content) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Usage(int promptTokens, int completionTokens, int totalTokens) {
        static Usage of(int prompt, int completion) {
            return new Usage(prompt, completion, prompt + completion);
        }
    }

    record ErrorBody(Error error) {}

    /** {@code code} is the gRPC status code name the same failure gets on the gRPC API. */
    record Error(String message, String type, String param, String code) {}

    /** What one completion is called in its envelope, and the fields its chunks share. */
    record Envelope(String id, String object, long created, String model) {
        Completion with(Object choice, Usage usage) {
            return new Completion(id, object, created, model, List.of(choice), usage);
        }
    }

    static String finishReason(FinishReason r) {
        return switch (r) {
            case LENGTH -> "length";
            case STOP, EOS -> "stop";
            case CANCELLED -> "cancelled";
        };
    }
}
